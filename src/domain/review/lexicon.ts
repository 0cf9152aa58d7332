/**
 * Lexicon matching: all categories and the allow-list compiled into one automaton.
 * Terms are folded like the text (fold.ts); with `pinyin` on, each Chinese term of two or more
 * characters also matches its toneless pinyin spelling (赌博 -> dubo) when not glued to other
 * Latin letters in the original text.
 */
import { pinyin } from 'pinyin-pro';
import { Automaton } from './automaton';
import { ALLOW_CATEGORY } from './categories';
import { foldTerm } from './fold';

/** Category -> terms. The category `allow` is the allow-list. */
export type LexiconSet = Record<string, readonly string[]>;

export interface LexiconOptions {
  /** Also match toneless pinyin spellings of Chinese terms (default true). */
  pinyin?: boolean;
  /** Shortest pinyin spelling (letters) that is matched (default 4). */
  pinyinMinLength?: number;
}

const VIA_PINYIN = 1;
const EDGE_START = 2;
const EDGE_END = 4;

export interface LexiconHit {
  category: string;
  /** The lexicon term that matched. */
  term: string;
  start: number;
  end: number;
  viaPinyin: boolean;
}

const HAN = /^\p{Script=Han}+$/u;
const isAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const ALNUM = /[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;

const readingCache = new Map<string, string[]>();
/** Toneless readings of one character, most common first (at most three). */
function readings(ch: string): string[] {
  let r = readingCache.get(ch);
  if (!r) {
    const all = pinyin(ch, { toneType: 'none', type: 'array', multiple: true, v: true }) as string[];
    r = [...new Set(all.map((x) => x.toLowerCase()).filter((x) => /^[a-z]+$/.test(x)))].slice(0, 3);
    readingCache.set(ch, r);
  }
  return r;
}

/**
 * Toneless pinyin spellings of a Chinese term: every combination of the characters' readings
 * (so a polyphonic character matches under each of its readings), at most `cap` of them.
 */
export function pinyinSpellings(term: string, cap = 4): string[] {
  let acc = [''];
  for (const ch of term) {
    const rs = readings(ch);
    if (rs.length === 0) return [];
    const next: string[] = [];
    for (const a of acc) for (const r of rs) if (next.length < cap) next.push(a + r);
    acc = next;
  }
  return acc;
}

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

export class LexiconMatcher {
  readonly automaton: Automaton;
  private readonly categories: string[] = [];
  /** Per pattern id: category index, original term and flags of its first entry. */
  private readonly patCat: number[] = [];
  private readonly patTerm: string[] = [];
  private readonly patFlags: number[] = [];
  /** Further entries of patterns shared by several (category, term) pairs. */
  private readonly more = new Map<number, Array<[number, string, number]>>();

  constructor(lexicons: LexiconSet, options: LexiconOptions = {}) {
    const usePinyin = options.pinyin ?? true;
    const minPinyin = options.pinyinMinLength ?? 4;
    const index = new Map<string, number>();
    const patterns: string[] = [];
    const add = (folded: string, cat: number, term: string, via: number) => {
      if (!folded) return;
      const flags = via | (isAlnum(folded.charCodeAt(0)) ? EDGE_START : 0) | (isAlnum(folded.charCodeAt(folded.length - 1)) ? EDGE_END : 0);
      const id = index.get(folded);
      if (id === undefined) {
        index.set(folded, patterns.length);
        patterns.push(folded);
        this.patCat.push(cat);
        this.patTerm.push(term);
        this.patFlags.push(flags);
        return;
      }
      if (this.patCat[id] === cat && (this.patFlags[id] & VIA_PINYIN) === via) return;
      let list = this.more.get(id);
      if (!list) this.more.set(id, (list = []));
      if (!list.some(([c, , f]) => c === cat && (f & VIA_PINYIN) === via)) list.push([cat, term, flags]);
    };
    for (const [category, terms] of Object.entries(lexicons)) {
      const cat = this.categories.push(category) - 1;
      const isAllow = category === ALLOW_CATEGORY;
      for (const term of terms) {
        const folded = foldTerm(term);
        add(folded, cat, term, 0);
        if (usePinyin && !isAllow && folded.length >= 2 && HAN.test(folded)) {
          for (const py of pinyinSpellings(folded, 2)) if (py.length >= minPinyin) add(py, cat, term, VIA_PINYIN);
        }
      }
    }
    this.automaton = new Automaton(patterns);
  }

  /** Every hit in `text`, allow-listed spans removed, sorted by start (longer first). */
  find(text: string): LexiconHit[] {
    const hits: LexiconHit[] = [];
    const allowed: Array<[number, number]> = [];
    const cats = this.categories;
    const visit = (cat: number, term: string, flags: number, start: number, end: number) => {
      const category = cats[cat];
      if (category === ALLOW_CATEGORY) {
        allowed.push([start, end]);
        return;
      }
      if ((flags & EDGE_START && start > 0 && ALNUM.test(text[start - 1])) || (flags & EDGE_END && end < text.length && ALNUM.test(text[end]))) return;
      hits.push({ category, term, start, end, viaPinyin: (flags & VIA_PINYIN) !== 0 });
    };
    this.automaton.scan(text, (id, start, end) => {
      visit(this.patCat[id], this.patTerm[id], this.patFlags[id], start, end);
      const list = this.more.get(id);
      if (list) for (const [c, t, f] of list) visit(c, t, f, start, end);
    });
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    if (allowed.length === 0) return hits;
    allowed.sort((a, b) => a[0] - b[0]);
    return hits.filter((h) => !allowed.some(([a, b]) => a <= h.start && h.end <= b));
  }
}
