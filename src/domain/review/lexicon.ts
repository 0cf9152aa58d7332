/**
 * Lexicon matching: all categories and the allow-list compiled into one automaton over folded
 * text. With `pinyin` on, Chinese terms of two or more characters are also compiled into a second
 * automaton over pinyin syllables (see pinyin.ts): 赌博 then matches dubo, DU BO, dǔ bó, du博.
 */
import { Automaton } from './automaton';
import { ALLOW_CATEGORY } from './categories';
import { foldTerm } from './fold';
import { hasLatin, syllablePatterns, toSyllables } from './pinyin';
import { termVariants } from './variants';

export { pinyinSpellings } from './pinyin';

/** Category -> terms. The category `allow` is the allow-list. */
export type LexiconSet = Record<string, readonly string[]>;

export interface LexiconOptions {
  /** Also match pinyin spellings of Chinese terms (default true). */
  pinyin?: boolean;
  /** Fewest letters for a match written only in pinyin (default 4); mixed forms like du博 need none. */
  pinyinMinLength?: number;
  /** Also match common character substitutions (赌搏, 百佳乐, 6合彩; see variants.ts); default true. */
  variants?: boolean;
  /** Also match across 1..3 Latin letters inserted between two CJK characters (赌a博); default true. */
  letterGaps?: boolean;
}

export interface LexiconHit {
  category: string;
  /** The lexicon term that matched. */
  term: string;
  start: number;
  end: number;
  viaPinyin: boolean;
}

const EDGE_START = 1;
const EDGE_END = 2;

const HAN = /^\p{Script=Han}+$/u;
const isAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const ALNUM = /[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;
/** Runs of anything that may fold to Latin letters (see hasLatin). */
const LATIN_RUN = /(?:[A-Za-z\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff\u0370-\u03ff]|\ud835[\udc00-\udfff])+/g;

/** Parses a lexicon file: one term per line, `#` starts a comment, blank lines ignored. */
export function parseLexicon(content: string): string[] {
  const out: string[] = [];
  for (const raw of content.replace(/^\ufeff/, '').split(/\r?\n/)) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line) out.push(line);
  }
  return out;
}

/** Patterns and, per pattern id, the (category, term, flags) entries it stands for. */
class Entries {
  readonly patterns: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly cat: number[] = [];
  private readonly term: string[] = [];
  private readonly flags: number[] = [];
  private readonly more = new Map<number, Array<[number, string, number]>>();

  add(pattern: string, cat: number, term: string, flags: number): void {
    if (!pattern) return;
    const id = this.index.get(pattern);
    if (id === undefined) {
      this.index.set(pattern, this.patterns.length);
      this.patterns.push(pattern);
      this.cat.push(cat);
      this.term.push(term);
      this.flags.push(flags);
      return;
    }
    if (this.cat[id] === cat) return;
    let list = this.more.get(id);
    if (!list) this.more.set(id, (list = []));
    if (!list.some(([c]) => c === cat)) list.push([cat, term, flags]);
  }

  forEach(id: number, f: (cat: number, term: string, flags: number) => void): void {
    f(this.cat[id], this.term[id], this.flags[id]);
    const list = this.more.get(id);
    if (list) for (const [c, t, fl] of list) f(c, t, fl);
  }

  /** Frees the build-time index (patterns are kept by the automaton only as needed). */
  seal(): void {
    this.index.clear();
    this.patterns.length = 0;
  }
}

export class LexiconMatcher {
  readonly automaton: Automaton;
  /** Automaton over pinyin syllable units, or null when pinyin is off. */
  readonly pinyinAutomaton: Automaton | null;
  private readonly categories: string[] = [];
  private readonly entries = new Entries();
  private readonly pinyinEntries = new Entries();
  private readonly minLetters: number;

  constructor(lexicons: LexiconSet, options: LexiconOptions = {}) {
    const usePinyin = options.pinyin ?? true;
    const useVariants = options.variants ?? true;
    this.minLetters = options.pinyinMinLength ?? 4;
    for (const [category, terms] of Object.entries(lexicons)) {
      const cat = this.categories.push(category) - 1;
      const isAllow = category === ALLOW_CATEGORY;
      for (const term of terms) {
        const folded = foldTerm(term);
        if (!folded) continue;
        const flags = (isAlnum(folded.charCodeAt(0)) ? EDGE_START : 0) | (isAlnum(folded.charCodeAt(folded.length - 1)) ? EDGE_END : 0);
        this.entries.add(folded, cat, term, flags);
        if (useVariants && !isAllow && HAN.test(folded)) {
          for (const v of termVariants(folded)) {
            const vf = foldTerm(v);
            const vflags = (isAlnum(vf.charCodeAt(0)) ? EDGE_START : 0) | (isAlnum(vf.charCodeAt(vf.length - 1)) ? EDGE_END : 0);
            this.entries.add(vf, cat, term, vflags);
          }
        }
        if (usePinyin && !isAllow && folded.length >= 2 && HAN.test(folded)) {
          for (const p of syllablePatterns(folded)) this.pinyinEntries.add(p, cat, term, 0);
        }
      }
    }
    this.automaton = new Automaton(this.entries.patterns, { letterGaps: options.letterGaps ?? true });
    this.pinyinAutomaton = usePinyin ? new Automaton(this.pinyinEntries.patterns) : null;
    this.entries.seal();
    this.pinyinEntries.seal();
  }

  /** Every hit in `text`, allow-listed spans removed, sorted by start (longer first). */
  find(text: string): LexiconHit[] {
    const hits: LexiconHit[] = [];
    const allowed: Array<[number, number]> = [];
    const cats = this.categories;
    const glued = (start: number, end: number, flags: number) =>
      (flags & EDGE_START && start > 0 && ALNUM.test(text[start - 1])) || (flags & EDGE_END && end < text.length && ALNUM.test(text[end]));
    this.automaton.scan(text, (id, start, end) => {
      this.entries.forEach(id, (cat, term, flags) => {
        const category = cats[cat];
        if (category === ALLOW_CATEGORY) allowed.push([start, end]);
        else if (!glued(start, end, flags)) hits.push({ category, term, start, end, viaPinyin: false });
      });
    });
    const py = this.pinyinAutomaton;
    if (py && py.size > 0 && hasLatin(text)) {
      // Only windows around letters can hold a pinyin match (it needs a syllable in letters).
      const reach = py.maxLen * 3 + 8;
      const windows: Array<[number, number]> = [];
      for (const m of text.matchAll(LATIN_RUN)) {
        const a = Math.max(0, m.index - reach);
        const b = Math.min(text.length, m.index + m[0].length + reach);
        const last = windows[windows.length - 1];
        if (last && a <= last[1]) last[1] = b;
        else windows.push([a, b]);
      }
      const seen = new Set<string>();
      for (const [wa, wb] of windows) {
        const st = toSyllables(text.slice(wa, wb));
        py.scanUnits(st.units, st.length, (id, first, last) => {
          let letters = 0;
          let allLetters = true;
          for (let i = first; i <= last; i++) {
            letters += st.letters[i];
            if (st.letters[i] === 0) allLetters = false;
          }
          if (letters === 0 || (allLetters && letters < this.minLetters)) return;
          const start = wa + st.starts[first];
          const end = wa + st.ends[last];
          const flags = (st.letters[first] > 0 ? EDGE_START : 0) | (st.letters[last] > 0 ? EDGE_END : 0);
          if (glued(start, end, flags)) return;
          const key = `${id}:${start}:${end}`;
          if (seen.has(key)) return;
          seen.add(key);
          this.pinyinEntries.forEach(id, (cat, term) => hits.push({ category: cats[cat], term, start, end, viaPinyin: true }));
        }, st.letters);
      }
    }
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    if (allowed.length === 0) return hits;
    return hits.filter((h) => !allowed.some(([a, b]) => a <= h.start && h.end <= b));
  }
}
