/**
 * The sentiment lexicon, built once from the JSON data in ./lexicon, and a longest-match scanner.
 * Data files are imported (bundled), never read from disk at run time.
 */
import positive from './lexicon/positive.json';
import negative from './lexicon/negative.json';
import neutral from './lexicon/neutral.json';
import negation from './lexicon/negation.json';
import degree from './lexicon/degree.json';
import contrast from './lexicon/contrast.json';
import question from './lexicon/question.json';
import polite from './lexicon/polite.json';
import emoji from './lexicon/emoji.json';
import patterns from './lexicon/patterns.json';

/** What a lexicon entry does. One entry may have several roles (凭什么: negative and rhetorical). */
export interface LexiconEntry {
  /** Signed sentiment weight. */
  sentiment?: number;
  /** Where the sentiment weight came from: emoji and politeness formulas are not negated. */
  source?: 'word' | 'emoji' | 'polite';
  /** Negation strength (1 = full flip, less = weakening negation such as 不太). */
  negation?: number;
  /** Negative weight of a negation that governs no sentiment word (毫无感情). */
  standalone?: number;
  /** Degree multiplier. */
  degree?: number;
  adversative?: boolean;
  concessive?: boolean;
  question?: boolean;
  /** A why-question (为什么…？): criticism in it is not damped much. */
  why?: boolean;
  rhetorical?: boolean;
  /** A word listed only to stop a shorter entry matching inside it. */
  neutral?: boolean;
}

export interface LexiconSource {
  positive: Record<string, number>;
  negative: Record<string, number>;
  neutral: readonly string[];
  negation: Record<string, number>;
  degree: Record<string, number>;
  adversative: readonly string[];
  /** Adversative only at the start of a clause that is not the first (…，就是太慢了). */
  clauseInitialAdversative: readonly string[];
  concessive: readonly string[];
  questionCues: readonly string[];
  whyCues: readonly string[];
  rhetorical: readonly string[];
  polite: Record<string, number>;
  emoji: Record<string, number>;
  negationStandalone: Record<string, number>;
  aspects: readonly AspectRule[];
  patterns: readonly PatternRule[];
}

/** An aspect noun followed by a value word: 质量…高 is praise, 价格…高 is criticism. */
export interface AspectRule {
  aspects: readonly string[];
  values: Record<string, number>;
}

/** A regular expression (on normalised text) with a signed weight, counted once per clause. */
export interface PatternRule {
  pattern: string;
  weight: number;
  /** 'clause' (default): matched in each clause; 'comment': once on the whole comment (说是…，实际上…). */
  scope?: 'clause' | 'comment';
}

export interface CompiledAspect {
  re: RegExp;
  values: ReadonlyMap<string, number>;
}

/** The shipped lexicon data, as plain objects (useful to extend: spread and add words). */
export const DEFAULT_LEXICON_SOURCE: LexiconSource = {
  positive: positive.words,
  negative: negative.words,
  neutral: neutral.words,
  negation: negation.words,
  degree: degree.words,
  adversative: contrast.adversative,
  clauseInitialAdversative: contrast.clauseInitialAdversative,
  concessive: contrast.concessive,
  questionCues: question.cues,
  whyCues: question.why,
  rhetorical: question.rhetorical,
  polite: polite.words,
  emoji: emoji.symbols,
  negationStandalone: negation.standalone,
  aspects: patterns.aspects.map((a) => ({ aspects: a.aspects, values: numbersOnly(a.values) })),
  patterns: patterns.patterns.map((p) => ({ pattern: p.pattern, weight: p.weight, scope: 'scope' in p && p.scope === 'comment' ? 'comment' : 'clause' })),
};

function numbersOnly(o: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') out[k] = v;
  return out;
}

export interface Lexicon {
  readonly entries: ReadonlyMap<string, LexiconEntry>;
  readonly maxLength: number;
  readonly clauseInitialAdversative: readonly string[];
  readonly aspects: readonly CompiledAspect[];
  readonly patterns: readonly { re: RegExp; weight: number; scope: 'clause' | 'comment' }[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLengthDesc = (a: string, b: string): number => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);

/** Builds a lexicon; keys are normalised the same way as the text (NFKC, lower case). */
export function buildLexicon(src: LexiconSource): Lexicon {
  const entries = new Map<string, LexiconEntry>();
  const add = (word: string, patch: LexiconEntry): void => {
    const key = word.normalize('NFKC').replace(/[\uFE0E\uFE0F]/g, '').toLowerCase();
    if (key.length === 0) return;
    entries.set(key, { ...entries.get(key), ...patch });
  };
  for (const w of src.neutral) add(w, { neutral: true });
  for (const [w, v] of Object.entries(src.positive)) add(w, { sentiment: v, source: 'word' });
  for (const [w, v] of Object.entries(src.negative)) add(w, { sentiment: -v, source: 'word' });
  for (const [w, v] of Object.entries(src.polite)) add(w, { sentiment: v, source: 'polite' });
  for (const [w, v] of Object.entries(src.emoji)) add(w, { sentiment: v, source: 'emoji' });
  for (const [w, v] of Object.entries(src.negation)) add(w, { negation: v });
  for (const [w, v] of Object.entries(src.negationStandalone)) add(w, { standalone: v });
  for (const [w, v] of Object.entries(src.degree)) add(w, { degree: v });
  for (const w of src.adversative) add(w, { adversative: true });
  for (const w of src.concessive) add(w, { concessive: true });
  for (const w of src.questionCues) add(w, { question: true });
  for (const w of src.whyCues) add(w, { question: true, why: true });
  for (const w of src.rhetorical) add(w, { rhetorical: true });
  let maxLength = 1;
  for (const k of entries.keys()) maxLength = Math.max(maxLength, k.length);
  const aspects = src.aspects.map((rule) => {
    const nouns = [...rule.aspects].sort(byLengthDesc).map(escapeRe).join('|');
    const values = Object.keys(rule.values).sort(byLengthDesc).map(escapeRe).join('|');
    // noun, up to four characters (degree words, negations), value word
    return { re: new RegExp(`(${nouns})([^,.!?;]{0,4}?)(${values})`, 'gu'), values: new Map(Object.entries(rule.values)) };
  });
  return {
    entries,
    maxLength,
    clauseInitialAdversative: src.clauseInitialAdversative.map((w) => w.normalize('NFKC').toLowerCase()),
    aspects,
    patterns: src.patterns.map((p) => ({ re: new RegExp(p.pattern, 'u'), weight: p.weight, scope: p.scope ?? 'clause' })),
  };
}

export interface Token {
  word: string;
  /** Offset in the scanned string. */
  start: number;
  end: number;
  entry: LexiconEntry;
}

/** Greedy longest-match scan: at each position take the longest entry, else skip one character. */
export function scan(text: string, lexicon: Lexicon): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    let matched: Token | undefined;
    for (let len = Math.min(lexicon.maxLength, text.length - i); len >= 1; len--) {
      const word = text.slice(i, i + len);
      const entry = lexicon.entries.get(word);
      if (entry) {
        matched = { word, start: i, end: i + len, entry };
        break;
      }
    }
    if (matched) {
      out.push(matched);
      i = matched.end;
    } else {
      i += 1;
    }
  }
  return out;
}

let defaultLexicon: Lexicon | undefined;

/** The shipped lexicon, built on first use. */
export function getDefaultLexicon(): Lexicon {
  defaultLexicon ??= buildLexicon(DEFAULT_LEXICON_SOURCE);
  return defaultLexicon;
}
