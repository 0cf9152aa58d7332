import { measure, platformFormat, typography } from '../../../src/domain/review';

const rules = (hits: { rule: string }[]) => hits.map((h) => h.rule);

describe('platform format rules', () => {
  it('checks title length per platform, with the overflow span', () => {
    const title = '这'.repeat(33);
    const hits = platformFormat(title, '正文', [], 'wechat');
    expect(rules(hits)).toEqual(['format.title-length']);
    expect([hits[0].start, hits[0].end, hits[0].platform]).toEqual([32, 33, 'wechat']);
    expect(rules(platformFormat('这'.repeat(32), '正文', [], 'wechat'))).toEqual([]);
    expect(rules(platformFormat('', '正文', [], 'wechat'))).toEqual(['format.title-missing']);
  });
  it('counts Weibo length with two ASCII characters as one', () => {
    expect(measure('a'.repeat(280), 'weibo').length).toBe(140);
    expect(measure('字'.repeat(141), 'weibo').length).toBe(141);
    expect(rules(platformFormat('', 'a'.repeat(280), [], 'weibo'))).toEqual([]);
    const hits = platformFormat('', '字'.repeat(141), [], 'weibo');
    expect(rules(hits)).toEqual(['format.body-length']);
    expect(hits[0].start).toBe(140);
  });
  it('counts a surrogate pair as one character', () => {
    expect(measure('𠀀𠀀', 'char').length).toBe(2);
  });
  it('checks the digest line on WeChat', () => {
    const body = `摘要：${'要'.repeat(129)}\n正文`;
    expect(rules(platformFormat('标题', body, [], 'wechat'))).toEqual(['format.digest-length']);
  });
  it('checks media count, size, video and required media', () => {
    expect(rules(platformFormat('', '图', [{ kind: 'image', key: 'a' }, { kind: 'image', key: 'b' }], 'weibo'))).toEqual(['format.images-count']);
    expect(rules(platformFormat('标题', '文', [{ kind: 'image', key: 'a', bytes: 2 * 1048576 }], 'wechat'))).toEqual(['format.image-size']);
    expect(rules(platformFormat('标题', '文', [{ kind: 'video', key: 'v' }], 'wechat'))).toEqual(['format.videos-count']);
    // Not blocking: the article still goes out without the video, and the draft may also target a video platform.
    expect(platformFormat('标题', '文', [{ kind: 'video', key: 'v' }], 'wechat')[0].severity).toBe('warn');
    expect(platformFormat('标题', '文', [{ kind: 'video', key: 'v' }, { kind: 'video', key: 'w' }], 'kuaishou').find((h) => h.rule === 'format.videos-count')?.severity).toBe('block');
    expect(rules(platformFormat('标题', '文', [], 'douyin'))).toEqual(['format.media-missing']);
    expect(rules(platformFormat('标题', '文', [{ kind: 'video', key: 'v' }], 'douyin'))).toEqual([]);
  });
  it('checks links and hashtags', () => {
    const v = [{ kind: 'video' as const, key: 'v' }];
    expect(rules(platformFormat('', '详见 https://a.cn/x', v, 'douyin'))).toEqual(['format.links']);
    expect(rules(platformFormat('', '#一# #二# #三# #四# 好', [], 'weibo'))).toEqual(['format.hashtags']);
    expect(rules(platformFormat('', '#一 #二 #三 #四 #五', v, 'douyin'))).toEqual([]);
    expect(rules(platformFormat('', '#一 #二 #三 #四 #五 #六', v, 'douyin'))).toEqual(['format.hashtags']);
  });
});

describe('typography', () => {
  it('collapses runs of empty paragraphs', () => {
    const hits = typography('body', '第一段\n\n\n\n第二段');
    expect(rules(hits)).toEqual(['format.empty-paragraphs']);
    expect(hits[0].replacement).toBe('\n\n');
    expect(typography('body', '第一段\n\n第二段')).toEqual([]);
  });
  it('flags half-width punctuation after Chinese, not in numbers or URLs', () => {
    const hits = typography('body', '今天,我们开会!时间10:30，网址https://a.cn/?q=1');
    expect(hits.map((h) => [h.text, h.replacement])).toEqual([
      [',', '，'],
      ['!', '！'],
    ]);
  });
  it('flags unbalanced brackets and quotes, not list markers or apostrophes', () => {
    expect(rules(typography('body', '他说：“我们（一定会赢。'))).toEqual(['format.unbalanced', 'format.unbalanced']);
    expect(rules(typography('body', '《通知》（试行）【重要】“好”'))).toEqual([]);
    expect(rules(typography('body', '1）第一项\n2) 第二项\nit’s fine'))).toEqual([]);
    expect(rules(typography('body', '多了一个）右括号'))).toEqual(['format.unbalanced']);
    expect(rules(typography('body', 'say "hi'))).toEqual(['format.unbalanced']);
  });
});
