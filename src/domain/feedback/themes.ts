/**
 * Keywords and themes over a set of comments, with @node-rs/jieba TF-IDF.
 *
 * Keywords: each comment's TF-IDF keywords (nouns, verbs, adjectives, idioms, English words),
 * without stopwords, single characters and numbers, summed over comments and divided by the
 * number of comments (so one long or repetitive comment cannot dominate).
 * Themes: greedy grouping of the top keywords by co-occurrence in the same comments.
 * The jieba dictionary and IDF table are loaded once, on first use. Output is deterministic:
 * ties are broken by comment count, then by the word in code-point order.
 */
import { Jieba, TfIdf } from '@node-rs/jieba';
import stopwordData from './lexicon/stopwords.json';
import userdict from './lexicon/userdict.json';
import degree from './lexicon/degree.json';
import { getDefaultLexicon } from './lexicon';
import { normaliseText } from './text';

export interface Keyword {
  word: string;
  /** Mean TF-IDF weight over the comments (0 where the word does not occur). */
  weight: number;
  /** Number of comments the word is a keyword of. */
  count: number;
}

export interface Theme {
  /** The theme's leading keyword. */
  label: string;
  /** Its keywords, leading keyword first. */
  keywords: string[];
  /** Indices (into the input) of the comments that mention any of the keywords, ascending. */
  members: number[];
  /** Sum of the keywords' weights. */
  weight: number;
}

export interface ThemeOptions {
  /** Keywords to return (default 10). */
  topKeywords?: number;
  /** Themes to return (default 5). */
  maxThemes?: number;
  /** Keywords considered for grouping (default 20). */
  themeCandidates?: number;
  /** Minimum comments a keyword must occur in (default 1; 2 is sensible from ~20 comments). */
  minCount?: number;
  /** Minimum comments two keywords must share to be grouped (default 2). */
  minCooccurrence?: number;
  /** Minimum Jaccard overlap of two keywords' comments to be grouped (default 0.3). */
  minJaccard?: number;
  /** Maximum keywords in one theme (default 4). */
  maxThemeKeywords?: number;
  /** Extra stopwords. */
  stopwords?: Iterable<string>;
}

export interface ThemeAnalysis {
  keywords: Keyword[];
  themes: Theme[];
}

/** Parts of speech kept as keywords (jieba/ICTCLAS tags). */
const ALLOWED_POS = ['n', 'nr', 'nrt', 'ns', 'nt', 'nz', 'v', 'vn', 'a', 'an', 'l', 'i', 'j', 'eng'];
const PER_COMMENT_CANDIDATES = 50;
const STOPWORDS: ReadonlySet<string> = new Set(stopwordData.words);
const DEGREE_PREFIXES = Object.keys(degree.words).sort((a, b) => b.length - a.length);

interface Engine {
  jieba: Jieba;
  tfidf: TfIdf;
}
let engine: Engine | undefined;

/** Loads the jieba dictionary, the IDF table and the user dictionary once. */
function getEngine(): Engine {
  if (!engine) {
    // Lazy on purpose: the dictionaries are a few megabytes and only keyword extraction needs them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { dict, idf } = require('@node-rs/jieba/dict') as { dict: Uint8Array; idf: Uint8Array };
    const jieba = Jieba.withDict(dict);
    jieba.loadDict(new TextEncoder().encode(userdict.words.map(([w, f, t]) => `${w} ${f} ${t}`).join('\n') + '\n'));
    const tfidf = TfIdf.withDict(idf);
    tfidf.setConfig({ minKeywordLength: 2 });
    engine = { jieba, tfidf };
  }
  return engine;
}

const compareWords = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (n: number): number => Math.round(n * 1e4) / 1e4;

/** Removes what is not words: links, @mentions, sticker codes like [赞]. */
function cleanForKeywords(text: string): string {
  return normaliseText(text)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@[^\s@,:;!?，。]+/g, ' ')
    .replace(/\[[^\]\s]{1,4}\]/g, ' ');
}

/** Keeps a keyword, maps it (太精彩 → 精彩), or drops it (undefined). */
function normaliseKeyword(word: string, stopwords: ReadonlySet<string>): string | undefined {
  let w = word.trim().toLowerCase();
  // Only when the rest is a sentiment word: 太精彩 → 精彩, but 老年人 and 太阳能 stay.
  const entries = getDefaultLexicon().entries;
  const prefix = DEGREE_PREFIXES.find((p) => w.startsWith(p) && w.length - p.length >= 2 && entries.get(w.slice(p.length))?.sentiment !== undefined);
  if (prefix !== undefined) w = w.slice(prefix.length);
  if ([...w].length < 2) return undefined;
  if (!/[\p{Script=Han}a-z]/u.test(w)) return undefined; // numbers, symbols, emoji
  if (/^[\d.,%]+[\p{Script=Han}]?$/u.test(w)) return undefined; // 2024年, 3.5%
  if (stopwords.has(w) || STOPWORDS.has(w)) return undefined;
  return w;
}

/** Each comment's set of keywords with their TF-IDF weight. */
export function commentKeywords(texts: readonly string[], opts: Pick<ThemeOptions, 'stopwords'> = {}): Map<string, number>[] {
  const { jieba, tfidf } = getEngine();
  const extra = new Set([...(opts.stopwords ?? [])].map((w) => w.toLowerCase()));
  return texts.map((text) => {
    const out = new Map<string, number>();
    const cleaned = cleanForKeywords(text);
    if (cleaned.length === 0) return out;
    for (const k of tfidf.extractKeywords(jieba, cleaned, PER_COMMENT_CANDIDATES, ALLOWED_POS)) {
      const w = normaliseKeyword(k.keyword, extra);
      if (w !== undefined) out.set(w, Math.max(out.get(w) ?? 0, k.weight));
    }
    return out;
  });
}

/** Top keywords over a set of comments. */
export function extractKeywords(texts: readonly string[], opts: ThemeOptions = {}): Keyword[] {
  return rankKeywords(commentKeywords(texts, opts), opts).slice(0, opts.topKeywords ?? 10);
}

function rankKeywords(perComment: readonly Map<string, number>[], opts: ThemeOptions): Keyword[] {
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  for (const kws of perComment) {
    for (const [w, weight] of kws) {
      sum.set(w, (sum.get(w) ?? 0) + weight);
      count.set(w, (count.get(w) ?? 0) + 1);
    }
  }
  const n = Math.max(perComment.length, 1);
  const minCount = opts.minCount ?? 1;
  return [...sum.entries()]
    .filter(([w]) => (count.get(w) ?? 0) >= minCount)
    .map(([word, s]) => ({ word, weight: round(s / n), count: count.get(word) ?? 0 }))
    .sort((a, b) => b.weight - a.weight || b.count - a.count || compareWords(a.word, b.word));
}

/** Keywords and co-occurrence themes of a set of comments. */
export function analyseThemes(texts: readonly string[], opts: ThemeOptions = {}): ThemeAnalysis {
  const perComment = commentKeywords(texts, opts);
  const ranked = rankKeywords(perComment, opts);
  const keywords = ranked.slice(0, opts.topKeywords ?? 10);
  const candidates = ranked.slice(0, opts.themeCandidates ?? 20);
  const minCo = opts.minCooccurrence ?? 2;
  const minJaccard = opts.minJaccard ?? 0.3;
  const maxKw = opts.maxThemeKeywords ?? 4;

  const docs = new Map<string, Set<number>>();
  for (const c of candidates) docs.set(c.word, new Set());
  perComment.forEach((kws, i) => {
    for (const w of kws.keys()) docs.get(w)?.add(i);
  });
  const overlap = (a: string, b: string): { shared: number; jaccard: number } => {
    const da = docs.get(a) ?? new Set<number>();
    const db = docs.get(b) ?? new Set<number>();
    let shared = 0;
    for (const i of da) if (db.has(i)) shared += 1;
    const union = da.size + db.size - shared;
    return { shared, jaccard: union === 0 ? 0 : shared / union };
  };

  const assigned = new Set<string>();
  const themes: Theme[] = [];
  for (const seed of candidates) {
    if (assigned.has(seed.word)) continue;
    assigned.add(seed.word);
    const group = [seed];
    for (const other of candidates) {
      if (group.length >= maxKw) break;
      if (assigned.has(other.word)) continue;
      const { shared, jaccard } = overlap(seed.word, other.word);
      if (shared >= minCo && jaccard >= minJaccard) {
        group.push(other);
        assigned.add(other.word);
      }
    }
    const members = new Set<number>();
    for (const k of group) for (const i of docs.get(k.word) ?? []) members.add(i);
    themes.push({
      label: seed.word,
      keywords: group.map((k) => k.word),
      members: [...members].sort((a, b) => a - b),
      weight: round(group.reduce((s, k) => s + k.weight, 0)),
    });
  }
  themes.sort((a, b) => b.members.length - a.members.length || b.weight - a.weight || compareWords(a.label, b.label));
  return { keywords, themes: themes.slice(0, opts.maxThemes ?? 5) };
}
