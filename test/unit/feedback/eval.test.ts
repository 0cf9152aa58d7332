/** The labelled sets are well-formed and the analysers do not regress below known floors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateFlags, evaluateSentiment } from '../../../bench/feedback/eval-sentiment';

const dir = join(__dirname, '..', '..', 'fixtures', 'feedback');
const read = <T>(f: string): T[] =>
  readFileSync(join(dir, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

type S = { text: string; label: 'positive' | 'neutral' | 'negative'; split: 'train' | 'test' };
type F = { text: string; flags: ('complaint' | 'question' | 'error_report')[]; split: 'train' | 'test' };

describe('evaluation sets', () => {
  const sentiment = read<S>('sentiment.jsonl');
  const flags = read<F>('flags.jsonl');

  it('are large enough, labelled, split in halves and without duplicates', () => {
    expect(sentiment.length).toBeGreaterThanOrEqual(240);
    expect(flags.length).toBeGreaterThanOrEqual(80);
    for (const c of sentiment) expect(['positive', 'neutral', 'negative']).toContain(c.label);
    for (const c of flags) for (const k of c.flags) expect(['complaint', 'question', 'error_report']).toContain(k);
    for (const set of [sentiment, flags] as { text: string; split: string }[][]) {
      const test = set.filter((c) => c.split === 'test').length;
      expect(Math.abs(test - set.length / 2)).toBeLessThanOrEqual(1);
      expect(new Set(set.map((c) => c.text)).size).toBe(set.length);
    }
  });

  it('sentiment accuracy stays above its floors (train 0.9, held-out test 0.8)', () => {
    expect(evaluateSentiment(sentiment.filter((c) => c.split === 'train')).accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluateSentiment(sentiment.filter((c) => c.split === 'test')).accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('flag detection stays above its floor', () => {
    expect(evaluateFlags(flags).exact).toBeGreaterThanOrEqual(0.9);
  });
});
