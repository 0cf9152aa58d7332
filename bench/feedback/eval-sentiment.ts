/**
 * Evaluates the feedback analysers on the labelled sets in test/fixtures/feedback/.
 *   npm run eval:sentiment              # both splits
 *   npm run eval:sentiment -- --errors  # also list the misclassified train items
 * The "test" half is held out: look only at train errors when extending the lexicon.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseSentiment, detectFlags, FLAG_KINDS, type FlagKind, type SentimentLabel } from '../../src/domain/feedback';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures', 'feedback');
const LABELS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative'];
type Split = 'train' | 'test';
const SPLITS: readonly Split[] = ['train', 'test'];

interface SentimentCase {
  text: string;
  label: SentimentLabel;
  split: Split;
}
interface FlagCase {
  text: string;
  flags: FlagKind[];
  split: Split;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

interface Prf {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support: tp + fn };
}

const f3 = (n: number): string => n.toFixed(3);
const pad = (s: string, n: number): string => s.padEnd(n);

export function evaluateSentiment(cases: SentimentCase[]): { accuracy: number; perClass: Record<SentimentLabel, Prf>; confusion: Record<string, number>; errors: { c: SentimentCase; got: SentimentLabel; score: number }[] } {
  const confusion: Record<string, number> = {};
  const errors: { c: SentimentCase; got: SentimentLabel; score: number }[] = [];
  let correct = 0;
  for (const c of cases) {
    const r = analyseSentiment(c.text);
    confusion[`${c.label}->${r.label}`] = (confusion[`${c.label}->${r.label}`] ?? 0) + 1;
    if (r.label === c.label) correct += 1;
    else errors.push({ c, got: r.label, score: r.score });
  }
  const perClass = {} as Record<SentimentLabel, Prf>;
  for (const l of LABELS) {
    const tp = confusion[`${l}->${l}`] ?? 0;
    const fp = LABELS.filter((o) => o !== l).reduce((s, o) => s + (confusion[`${o}->${l}`] ?? 0), 0);
    const fn = LABELS.filter((o) => o !== l).reduce((s, o) => s + (confusion[`${l}->${o}`] ?? 0), 0);
    perClass[l] = prf(tp, fp, fn);
  }
  return { accuracy: cases.length === 0 ? 0 : correct / cases.length, perClass, confusion, errors };
}

export function evaluateFlags(cases: FlagCase[]): { exact: number; perKind: Record<FlagKind, Prf>; errors: { c: FlagCase; got: FlagKind[] }[] } {
  const counts = Object.fromEntries(FLAG_KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Record<FlagKind, { tp: number; fp: number; fn: number }>;
  const errors: { c: FlagCase; got: FlagKind[] }[] = [];
  let exact = 0;
  for (const c of cases) {
    const got = detectFlags(c.text).map((f) => f.kind);
    for (const k of FLAG_KINDS) {
      const e = c.flags.includes(k);
      const g = got.includes(k);
      if (e && g) counts[k].tp += 1;
      else if (g) counts[k].fp += 1;
      else if (e) counts[k].fn += 1;
    }
    if ([...got].sort().join() === [...c.flags].sort().join()) exact += 1;
    else errors.push({ c, got });
  }
  const perKind = Object.fromEntries(FLAG_KINDS.map((k) => [k, prf(counts[k].tp, counts[k].fp, counts[k].fn)])) as Record<FlagKind, Prf>;
  return { exact: cases.length === 0 ? 0 : exact / cases.length, perKind, errors };
}

function main(): void {
  const showErrors = process.argv.includes('--errors');
  const sentiment = readJsonl<SentimentCase>('sentiment.jsonl');
  const flags = readJsonl<FlagCase>('flags.jsonl');

  console.log(`Sentiment (${sentiment.length} comments)`);
  for (const split of SPLITS) {
    const cases = sentiment.filter((c) => c.split === split);
    const r = evaluateSentiment(cases);
    console.log(`\n  split=${split}  n=${cases.length}  accuracy=${f3(r.accuracy)}`);
    console.log(`  ${pad('class', 10)} ${pad('precision', 10)} ${pad('recall', 8)} ${pad('f1', 7)} support`);
    for (const l of LABELS) {
      const p = r.perClass[l];
      console.log(`  ${pad(l, 10)} ${pad(f3(p.precision), 10)} ${pad(f3(p.recall), 8)} ${pad(f3(p.f1), 7)} ${p.support}`);
    }
    const macro = LABELS.reduce((s, l) => s + r.perClass[l].f1, 0) / LABELS.length;
    console.log(`  macro-F1 ${f3(macro)}`);
    console.log(`  confusion (expected->got): ${Object.entries(r.confusion).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${v}`).join('  ')}`);
    if (showErrors && split === 'train') for (const e of r.errors) console.log(`    ${e.c.label} -> ${e.got} (${e.score})  ${e.c.text}`);
  }

  console.log(`\nFlags (${flags.length} comments, multi-label)`);
  for (const split of SPLITS) {
    const cases = flags.filter((c) => c.split === split);
    const r = evaluateFlags(cases);
    console.log(`\n  split=${split}  n=${cases.length}  exact-match=${f3(r.exact)}`);
    console.log(`  ${pad('kind', 13)} ${pad('precision', 10)} ${pad('recall', 8)} ${pad('f1', 7)} support`);
    for (const k of FLAG_KINDS) {
      const p = r.perKind[k];
      console.log(`  ${pad(k, 13)} ${pad(f3(p.precision), 10)} ${pad(f3(p.recall), 8)} ${pad(f3(p.f1), 7)} ${p.support}`);
    }
    if (showErrors && split === 'train') for (const e of r.errors) console.log(`    [${e.c.flags.join(',')}] -> [${e.got.join(',')}]  ${e.c.text}`);
  }
}

if (require.main === module) main();
