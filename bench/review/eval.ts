/**
 * `npm run eval:review`: precision and recall per category on the labelled set
 * test/fixtures/review/cases.jsonl, with the shipped default lexicons (LEXICON_DIR ignored)
 * and jieba segmentation on, as the bot runs it. A case is predicted positive for a category
 * when a finding of that category has severity block or warn. Exits 1 when a target is missed:
 * recall >= 0.95 on evasions, precision >= 0.97 on the negatives (share of negative cases with
 * no block/warn finding).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createReviewEngineFromDisk } from '../../src/review-lexicons';

interface EvalCase {
  id: string;
  group: string;
  text: string;
  expect: string[];
  note?: string;
}

const SCORED = new Set(['violence', 'terror', 'gambling', 'pornography', 'superstition', 'fraud', 'insult', 'confidential', 'personal-data', 'ad-law']);
const file = path.resolve(__dirname, '../../test/fixtures/review/cases.jsonl');
const cases: EvalCase[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as EvalCase);

const engine = createReviewEngineFromDisk({ lexiconDir: '' });
const stats = new Map<string, { tp: number; fp: number; fn: number }>();
const stat = (c: string) => {
  let s = stats.get(c);
  if (!s) stats.set(c, (s = { tp: 0, fp: 0, fn: 0 }));
  return s;
};
const misses: string[] = [];
const falsePositives: string[] = [];
let evasionTotal = 0;
let evasionFound = 0;
let negTotal = 0;
let negClean = 0;
const groups = new Map<string, { n: number; ok: number }>();

for (const c of cases) {
  const findings = engine.reviewText(c.text).filter((f) => f.severity !== 'info' && SCORED.has(f.category));
  const got = new Set(findings.map((f) => f.category));
  const want = new Set(c.expect);
  for (const cat of want) {
    if (got.has(cat)) stat(cat).tp++;
    else {
      stat(cat).fn++;
      misses.push(`${c.id} [${cat}] ${JSON.stringify(c.text)} ${c.note ?? ''}`);
    }
  }
  for (const cat of got) {
    if (!want.has(cat)) {
      stat(cat).fp++;
      const f = findings.find((x) => x.category === cat)!;
      falsePositives.push(`${c.id} [${cat}] ${JSON.stringify(c.text)} -> ${f.rule} 「${f.text}」`);
    }
  }
  const ok = [...want].every((w) => got.has(w)) && [...got].every((g) => want.has(g));
  const g = groups.get(c.group) ?? { n: 0, ok: 0 };
  g.n++;
  if (ok) g.ok++;
  groups.set(c.group, g);
  if (c.group === 'evasion') {
    evasionTotal++;
    if ([...want].every((w) => got.has(w))) evasionFound++;
  }
  if (c.group === 'negative') {
    negTotal++;
    if (got.size === 0) negClean++;
  }
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
console.log(`# review evaluation: ${cases.length} cases from ${path.relative(process.cwd(), file)}\n`);
console.log('category         TP   FP   FN  precision  recall');
for (const [cat, s] of [...stats.entries()].sort()) {
  console.log(`${cat.padEnd(15)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}  ${f3(s.tp / (s.tp + s.fp)).padStart(9)}  ${f3(s.tp / (s.tp + s.fn)).padStart(6)}`);
}
const all = [...stats.values()].reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 });
console.log(`${'all'.padEnd(15)} ${String(all.tp).padStart(4)} ${String(all.fp).padStart(4)} ${String(all.fn).padStart(4)}  ${f3(all.tp / (all.tp + all.fp)).padStart(9)}  ${f3(all.tp / (all.tp + all.fn)).padStart(6)}`);
console.log('\ngroup           cases  exactly right');
for (const [g, s] of groups) console.log(`${g.padEnd(15)} ${String(s.n).padStart(5)}  ${s.ok} (${f3(s.ok / s.n)})`);
const evRecall = evasionFound / evasionTotal;
const negPrecision = negClean / negTotal;
console.log(`\nrecall on evasions: ${f3(evRecall)} (${evasionFound}/${evasionTotal}, target >= 0.95) ${evRecall >= 0.95 ? 'OK' : 'MISSED'}`);
console.log(`precision on negatives (cases with no block/warn finding): ${f3(negPrecision)} (${negClean}/${negTotal}, target >= 0.97) ${negPrecision >= 0.97 ? 'OK' : 'MISSED'}`);
if (misses.length) console.log(`\nmisses (${misses.length}):\n  ${misses.join('\n  ')}`);
if (falsePositives.length) console.log(`\nfalse positives (${falsePositives.length}):\n  ${falsePositives.join('\n  ')}`);
process.exitCode = evRecall >= 0.95 && negPrecision >= 0.97 ? 0 : 1;
