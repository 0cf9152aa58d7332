import fc from 'fast-check';
import { analyseSentiment, detectFlags, FLAG_KINDS, summariseFeedback, type FeedbackItem } from '../../../src/domain/feedback';

const PIECES = ['点赞', '辛苦了', '不', '没有', '很', '太', '满意', '失望', '但是', '虽然', '吗', '？', '！', '，', '。', '"', '高效', '👍', '[赞]', '电话', '打不通', '请问', '写错了', '社保卡', '好', '差', ' ', 'a', '1'];
const commentArb = fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 25 }).map((a) => a.join('')));

describe('properties', () => {
  it('sentiment never throws, stays in [-1, 1] and agrees with its label', () => {
    fc.assert(
      fc.property(commentArb, (text) => {
        const { label, score } = analyseSentiment(text);
        expect(score).toBeGreaterThanOrEqual(-1);
        expect(score).toBeLessThanOrEqual(1);
        expect(label).toBe(score >= 0.2 ? 'positive' : score <= -0.2 ? 'negative' : 'neutral');
        expect(analyseSentiment(text)).toEqual({ label, score });
      }),
      { numRuns: 400 },
    );
  });

  it('flags are in report order, one per kind, each with a cue', () => {
    fc.assert(
      fc.property(commentArb, (text) => {
        const flags = detectFlags(text);
        const order = flags.map((f) => FLAG_KINDS.indexOf(f.kind));
        expect(order).toEqual([...new Set(order)].sort((a, b) => a - b));
        for (const f of flags) expect(f.cue.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('the summary is the same for any order of the items and its counts add up', () => {
    const itemsArb = fc.array(
      fc.record({
        id: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom('a', 'b', 'c')),
        text: commentArb,
        createdAt: fc.integer({ min: 0, max: 10 }).map((m) => new Date(Date.UTC(2026, 10, 1, 8, m))),
        source: fc.constantFrom('wechat', 'weibo'),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        itemsArb.chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length }))),
        ([items, shuffled]: [FeedbackItem[], FeedbackItem[]]) => {
        const s = summariseFeedback(items);
        expect(summariseFeedback(shuffled)).toEqual(s);
        expect(s.sentiment.positive + s.sentiment.neutral + s.sentiment.negative).toBe(items.length);
        expect(Object.values(s.bySource).reduce((a, b) => a + b, 0)).toBe(items.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});
