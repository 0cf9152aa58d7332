/** Deterministic synthetic lexicons and corpora for the review benchmark (no data files needed). */
import { foldTerm } from '../../src/domain/review';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ~3,500 CJK characters that fold to themselves (no traditional forms), ordered by a Zipf rank. */
export function charPool(size = 3500): string[] {
  const out: string[] = [];
  for (let cp = 0x4e00; cp <= 0x9fa5 && out.length < size; cp += 5) {
    const ch = String.fromCharCode(cp);
    if (foldTerm(ch) === ch) out.push(ch);
  }
  return out;
}

/** Picks a rank with a Zipf-like distribution (exponent ~1). */
function zipf(r: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));
}

/** `count` distinct terms of 2-6 characters drawn uniformly from the pool (terms are rarer than common text). */
export function makeLexicon(count: number, seed = 1): string[] {
  const r = rng(seed);
  const pool = charPool();
  const set = new Set<string>();
  while (set.size < count) {
    const x = r();
    const len = x < 0.45 ? 2 : x < 0.75 ? 3 : x < 0.92 ? 4 : x < 0.97 ? 5 : 6;
    let w = '';
    for (let k = 0; k < len; k++) w += pool[Math.floor(r() * pool.length)];
    set.add(w);
  }
  return [...set];
}

const PUNCT = ['，', '。', '、', '：', '；', '“', '”', '！', '？', ' ', '（', '）'];
const ASCII = ['2025', 'GDP', 'App', '5G', 'AI', 'http', 'QQ', '100', 'PM2.5', 'Wi-Fi'];

/** Mixed Chinese text: Zipf characters, punctuation, ASCII words, newlines, and lexicon terms planted every ~150 characters. */
export function makeCorpus(chars: number, lexicon: readonly string[], seed = 2): string {
  const r = rng(seed);
  const pool = charPool();
  const parts: string[] = [];
  let n = 0;
  while (n < chars) {
    const x = r();
    let piece: string;
    if (x < 0.08) piece = PUNCT[Math.floor(r() * PUNCT.length)];
    else if (x < 0.1) piece = ASCII[Math.floor(r() * ASCII.length)];
    else if (x < 0.104) piece = '\n';
    else if (x < 0.11) piece = lexicon[Math.floor(r() * lexicon.length)];
    else piece = pool[zipf(r, pool.length)];
    parts.push(piece);
    n += piece.length;
  }
  return parts.join('');
}
