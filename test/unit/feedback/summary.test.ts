import { summariseFeedback, lengthFit, type FeedbackItem } from '../../../src/domain/feedback';

const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 1, 8, minute));
const ITEMS: FeedbackItem[] = [
  { id: 1, text: '解读得很清楚，给小编点赞！', createdAt: at(0), source: 'wechat' },
  { id: 2, text: '社保卡什么时候能领，电话一直打不通，太失望了', createdAt: at(1), source: 'weibo' },
  { id: 3, text: '请问社保卡在哪里领？', createdAt: at(2), source: 'wechat' },
  { id: 'w-4', text: '文中的电话号码写错了', createdAt: at(3), source: 'weibo' },
  { id: 5, text: '好', createdAt: at(4), source: 'douyin' },
  { id: 6, text: '社保卡补办太麻烦了，跑了三趟，电话也没人接', createdAt: at(5), source: 'wechat' },
  { id: 7, text: '收到', createdAt: at(6), source: 'kuaishou' },
];

describe('summariseFeedback', () => {
  const s = summariseFeedback(ITEMS);

  it('counts volume, sources and sentiment', () => {
    expect(s.volume).toBe(7);
    expect(s.bySource).toEqual({ wechat: 3, weibo: 2, douyin: 1, kuaishou: 1 });
    expect(s.sentiment.positive + s.sentiment.neutral + s.sentiment.negative).toBe(7);
    expect(s.sentiment.negative).toBeGreaterThanOrEqual(2);
    expect(s.period).toEqual({ from: at(0), to: at(6) });
  });

  it('reports keywords and themes with their comments and sentiment', () => {
    expect(s.keywords[0]).toEqual({ word: '社保卡', weight: expect.any(Number), count: 3 });
    const theme = s.themes.find((t) => t.keywords.includes('社保卡'));
    expect(theme?.ids).toEqual([2, 3, 6]);
    expect(theme?.count).toBe(3);
    expect(theme?.sentiment.negative).toBeGreaterThanOrEqual(2);
  });

  it('picks representative comments of the right polarity and a readable length', () => {
    expect(s.representative.positive?.id).toBe(1);
    expect([2, 6]).toContain(s.representative.negative?.id);
    expect(s.representative.negative?.score).toBeLessThan(0);
    expect(s.representative.neutral?.id).not.toBe(7); // "收到" is too short to represent anything
  });

  it('lists error reports first, then complaints, then questions', () => {
    expect(s.flagged.map((f) => [f.id, f.kind])).toEqual([
      ['w-4', 'error_report'],
      [2, 'complaint'],
      [6, 'complaint'],
      [2, 'question'],
      [3, 'question'],
    ]);
    expect(s.flagged[0]).toEqual({ id: 'w-4', kind: 'error_report', cue: '电话号码写错了', text: '文中的电话号码写错了' });
    expect(s.flaggedCounts).toEqual({ error_report: 1, complaint: 2, question: 2 });
  });

  it('does not depend on the order of the items', () => {
    expect(summariseFeedback([...ITEMS].reverse())).toEqual(s);
  });

  it('filters by period [from, to) and by source', () => {
    const period = summariseFeedback(ITEMS, { from: at(1), to: at(3) });
    expect(period.volume).toBe(2);
    expect(period.period).toEqual({ from: at(1), to: at(2) });
    const wechat = summariseFeedback(ITEMS, { sources: ['wechat'] });
    expect(wechat.bySource).toEqual({ wechat: 3 });
  });

  it('truncates the flagged list but keeps the counts', () => {
    const t = summariseFeedback(ITEMS, { maxFlagged: 1 });
    expect(t.flagged).toHaveLength(1);
    expect(t.flaggedCounts.question).toBe(2);
  });

  it('summarises nothing as zeros', () => {
    expect(summariseFeedback([])).toEqual({
      volume: 0,
      period: { from: null, to: null },
      bySource: {},
      sentiment: { positive: 0, neutral: 0, negative: 0 },
      keywords: [],
      themes: [],
      representative: {},
      flagged: [],
      flaggedCounts: { error_report: 0, complaint: 0, question: 0 },
      timeline: [],
    });
  });

  it('buckets sentiment over time in local days, including empty days', () => {
    const day = (d: number, h: number): Date => new Date(Date.UTC(2026, 10, d, h)); // Beijing = UTC+8
    const items: FeedbackItem[] = [
      { id: 'a', text: '点赞', createdAt: day(1, 15), source: 'wechat' }, // 1 Nov 23:00 local
      { id: 'b', text: '太失望了', createdAt: day(1, 17), source: 'wechat' }, // 2 Nov 01:00 local
      { id: 'c', text: '收到', createdAt: day(3, 17), source: 'wechat' }, // 4 Nov 01:00 local
    ];
    const t = summariseFeedback(items, { timeline: { bucketMinutes: 1440 } }).timeline;
    expect(t.map((b) => [b.start.toISOString(), b.volume, b.positive, b.neutral, b.negative])).toEqual([
      ['2026-10-31T16:00:00.000Z', 1, 1, 0, 0], // local 1 Nov
      ['2026-11-01T16:00:00.000Z', 1, 0, 0, 1], // local 2 Nov
      ['2026-11-02T16:00:00.000Z', 0, 0, 0, 0], // local 3 Nov, empty
      ['2026-11-03T16:00:00.000Z', 1, 0, 1, 0], // local 4 Nov
    ]);
    expect(summariseFeedback(items).timeline).toEqual([]);
    expect(summariseFeedback(items, { timeline: { bucketMinutes: 60, utcOffsetMinutes: 0 } }).timeline).toHaveLength(51);
  });

  it('caps the number of timeline buckets', () => {
    const items: FeedbackItem[] = [
      { id: 1, text: '好', createdAt: new Date(Date.UTC(2020, 0, 1)), source: 'x' },
      { id: 2, text: '好', createdAt: new Date(Date.UTC(2026, 0, 1)), source: 'x' },
    ];
    const t = summariseFeedback(items, { timeline: { bucketMinutes: 1 } }).timeline;
    expect(t).toHaveLength(1000);
    expect(t.reduce((s, b) => s + b.volume, 0)).toBe(1);
  });
});

describe('lengthFit', () => {
  it('is 1 in the sweet spot and falls off outside', () => {
    const range = { min: 10, max: 80 };
    expect(lengthFit('一二三四五六七八九十', range)).toBe(1);
    expect(lengthFit('一二', range)).toBeCloseTo(0.2);
    expect(lengthFit('字'.repeat(160), range)).toBeCloseTo(0.5);
    expect(lengthFit('', range)).toBe(0);
  });
});
