import { DEFAULT_FLAG_RULES, detectFlags, type FlagKind } from '../../../src/domain/feedback';

const kinds = (t: string): FlagKind[] => detectFlags(t).map((f) => f.kind);

describe('detectFlags', () => {
  it.each([
    ['第二段有个错别字', '错别字'],
    ['日期不对，20号是星期二', '日期不对'],
    ['文中链接打不开', '链接打不开'],
    ['二维码失效了', '二维码失效'],
    ['人名写错了', '人名写错了'],
  ])('reports errors in the post: %s', (text, cue) => {
    expect(detectFlags(text)).toContainEqual({ kind: 'error_report', cue });
  });

  it.each([
    ['电话一直打不通', '打不通'],
    ['我要投诉窗口工作人员', '投诉'],
    ['办个证跑了五趟', '跑了五趟'],
    ['补贴等了两个月', '等了两个月'],
    ['工作人员态度很差', '态度很差'],
  ])('finds complaints: %s', (text, cue) => {
    expect(detectFlags(text)).toContainEqual({ kind: 'complaint', cue });
  });

  it.each([
    ['请问什么时候开始报名', '请问'],
    ['周末上班吗', '吗'],
    ['外地户籍可以办理？', '?'],
    ['有没有线上渠道', '有没有'],
    ['这个补贴怎么申请', '怎么申请'],
  ])('finds questions: %s', (text, cue) => {
    expect(detectFlags(text)).toContainEqual({ kind: 'question', cue });
  });

  it('rhetorical questions are complaints, not questions', () => {
    expect(kinds('这就是你们的办事效率？')).toEqual(['complaint']);
    expect(kinds('挂号这么难，没人管吗')).toEqual(['complaint']);
  });

  it('an explicit question inside a complaint is both', () => {
    expect(kinds('电话一直打不通，请问什么时候能处理？')).toEqual(['complaint', 'question']);
  });

  it('returns kinds in report order, at most one per kind', () => {
    const flags = detectFlags('通知时间写错了，害我白跑一趟，投诉！请问怎么补救？');
    expect(flags.map((f) => f.kind)).toEqual(['error_report', 'complaint', 'question']);
  });

  it.each(['点赞，辛苦了', '没有问题，流程很顺畅', '这个问题讲得很透彻', '已转发', '非遗文化真美', '以前都不知道，现在明白了'])('leaves praise and plain remarks unflagged: %s', (t) => {
    expect(detectFlags(t)).toEqual([]);
  });

  it('matches full-width text through normalisation', () => {
    expect(kinds('请拨打１２３４５投诉')).toContain('complaint');
    expect(detectFlags('活动几点开始？')[0]).toEqual({ kind: 'question', cue: '几点' });
  });

  it('treats a clearly negative comment without a cue as a complaint, with its worst word as cue', () => {
    expect(detectFlags('垃圾服务，太失望了')).toEqual([{ kind: 'complaint', cue: '垃圾' }]);
    expect(detectFlags('垃圾服务，太失望了', { ...DEFAULT_FLAG_RULES, complaintScore: undefined })).toEqual([]);
    expect(detectFlags('有点慢')).toEqual([]); // mild: not flagged
  });

  it('does not turn an error report into a complaint through its negative words', () => {
    expect(kinds('标题里的单位名称写错了')).toEqual(['error_report']);
  });
});
