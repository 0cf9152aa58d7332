/**
 * `npm run eval:review`: precision and recall per category on the labelled sets in
 * test/fixtures/review/, one report per file: `cases.jsonl` (generated, the targets) and every
 * `heldout-*.jsonl` (hand-written held-out sets, each written before the engine change it
 * measures). The shipped default lexicons are used (LEXICON_DIR ignored) with jieba
 * segmentation on, as the bot runs it. A case is predicted positive for a category when a
 * finding of that category has severity block or warn. "Wrong blocks" counts cases with a
 * `block` finding of a category the case does not expect: a leader would have to override it.
 * Exits 1 when a target on cases.jsonl is missed: recall >= 0.95 on evasions, precision >= 0.97
 * on the negatives (share of negative cases with no block/warn finding).
 */
import { readdirSync, readFileSync } from 'node:fs';
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
const dir = path.resolve(__dirname, '../../test/fixtures/review');
const only = process.argv.slice(2).find((a) => !a.startsWith('-'));
const files = ['cases.jsonl', ...readdirSync(dir).filter((f) => /^heldout-.*\.jsonl$/.test(f)).sort()].filter((f) => !only || f.includes(only));
const quiet = process.argv.includes('--quiet');
const engine = createReviewEngineFromDisk({ lexiconDir: '' });
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function evaluate(file: string): boolean {
  const cases: EvalCase[] = readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalCase);
  const stats = new Map<string, Counts>();
  const stat = (c: string) => {
    let s = stats.get(c);
    if (!s) stats.set(c, (s = { tp: 0, fp: 0, fn: 0 }));
    return s;
  };
  const misses: string[] = [];
  const falsePositives: string[] = [];
  const wrongBlocks: string[] = [];
  const groups = new Map<string, { n: number; ok: number; found: number; clean: number; wrongBlock: number }>();
  for (const c of cases) {
    const all = engine.reviewText(c.text).filter((f) => SCORED.has(f.category));
    const findings = all.filter((f) => f.severity !== 'info');
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
        falsePositives.push(`${c.id} [${cat}] ${JSON.stringify(c.text)} -> ${f.rule} ${f.severity} 「${f.text}」`);
      }
    }
    const blocked = all.find((f) => f.severity === 'block' && !want.has(f.category));
    if (blocked) wrongBlocks.push(`${c.id} ${JSON.stringify(c.text)} -> ${blocked.rule} 「${blocked.text}」`);
    const found = [...want].every((w) => got.has(w));
    const ok = found && [...got].every((g) => want.has(g));
    const g = groups.get(c.group) ?? { n: 0, ok: 0, found: 0, clean: 0, wrongBlock: 0 };
    g.n++;
    if (ok) g.ok++;
    if (found) g.found++;
    if (got.size === 0) g.clean++;
    if (blocked) g.wrongBlock++;
    groups.set(c.group, g);
  }

  console.log(`\n# ${file}: ${cases.length} cases\n`);
  console.log('category         TP   FP   FN  precision  recall');
  const row = (name: string, s: Counts) =>
    console.log(`${name.padEnd(15)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}  ${f3(s.tp / (s.tp + s.fp)).padStart(9)}  ${f3(s.tp / (s.tp + s.fn)).padStart(6)}`);
  for (const [cat, s] of [...stats.entries()].sort()) row(cat, s);
  row('all', [...stats.values()].reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 }));
  console.log('\ngroup                 cases  exactly right   found (pos.)   clean (neg.)  wrong blocks');
  for (const [name, s] of groups) {
    const pos = name.includes('negative') ? '' : `${s.found}/${s.n} (${f3(s.found / s.n)})`;
    const neg = name.includes('negative') ? `${s.clean}/${s.n} (${f3(s.clean / s.n)})` : '';
    console.log(`${name.padEnd(21)} ${String(s.n).padStart(5)}  ${`${s.ok} (${f3(s.ok / s.n)})`.padEnd(14)}  ${pos.padEnd(13)}  ${neg.padEnd(13)} ${s.wrongBlock}`);
  }
  console.log(`\ncases that would BLOCK approval wrongly: ${wrongBlocks.length}/${cases.length}`);
  let pass = true;
  if (file === 'cases.jsonl') {
    const ev = groups.get('evasion')!;
    const neg = groups.get('negative')!;
    const evRecall = ev.found / ev.n;
    const negPrecision = neg.clean / neg.n;
    console.log(`recall on evasions: ${f3(evRecall)} (${ev.found}/${ev.n}, target >= 0.95) ${evRecall >= 0.95 ? 'OK' : 'MISSED'}`);
    console.log(`precision on negatives (cases with no block/warn finding): ${f3(negPrecision)} (${neg.clean}/${neg.n}, target >= 0.97) ${negPrecision >= 0.97 ? 'OK' : 'MISSED'}`);
    pass = evRecall >= 0.95 && negPrecision >= 0.97;
  }
  if (!quiet) {
    if (misses.length) console.log(`\nmisses (${misses.length}):\n  ${misses.join('\n  ')}`);
    if (falsePositives.length) console.log(`\nfalse positives (${falsePositives.length}):\n  ${falsePositives.join('\n  ')}`);
    if (wrongBlocks.length) console.log(`\nwrong blocks (${wrongBlocks.length}):\n  ${wrongBlocks.join('\n  ')}`);
  }
  return pass;
}

let ok = true;
for (const f of files) if (!evaluate(f)) ok = false;
process.exitCode = ok ? 0 : 1;
