import { findClickbait } from '../../../src/domain/review';

const rules = (title: string, body = '', media: { kind: 'image' | 'video' | 'file'; key: string }[] = []) => findClickbait(title, body, media).map((h) => h.rule);

describe('clickbait titles', () => {
  it('flags shock words, urgency bait and excessive punctuation', () => {
    expect(rules('震惊！这个小区竟然这样')).toEqual(['clickbait.shock', 'clickbait.shock']);
    expect(rules('速看，马上删')).toEqual(['clickbait.urgency', 'clickbait.urgency']);
    expect(rules('好消息！！！')).toEqual(['clickbait.punctuation']);
    expect(findClickbait('真的吗？？', '', [])[0].replacement).toBe('？');
  });
  it('flags titles that promise what the body lacks', () => {
    expect(rules('2025年先进个人名单公布（附名单）', '经研究决定，表彰先进。')).toContain('clickbait.promise');
    expect(rules('活动回顾（附视频）', '精彩纷呈。', [{ kind: 'image', key: 'a' }])).toContain('clickbait.promise');
    expect(rules('报名开始（附报名方式）', '详情见通知。')).toContain('clickbait.promise');
  });
  it('accepts promises the body keeps', () => {
    const list = '名单如下：\n张三\n李四\n王五\n赵六';
    expect(rules('先进个人名单公布（附名单）', list)).toEqual([]);
    expect(rules('活动回顾（附视频）', '精彩。', [{ kind: 'video', key: 'v' }])).toEqual([]);
    expect(rules('报名开始（附报名方式）', '报名链接：https://example.gov.cn/a')).toEqual([]);
  });
  it('leaves ordinary titles alone', () => {
    expect(rules('市政府召开2025年第一季度经济形势分析会')).toEqual([]);
    expect(rules('关于做好春节期间安全生产工作的通知')).toEqual([]);
    expect(rules('你知道吗？')).toEqual([]);
  });
  it('reports soft words as info only', () => {
    const [h] = findClickbait('重磅发布：新政策出台', '', []);
    expect([h.rule, h.severity]).toEqual(['clickbait.soft', 'info']);
  });
});
