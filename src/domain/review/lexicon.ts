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

interface Entry {
  category: string;
  term: string;
  viaPinyin: boolean;
  /** The folded pattern starts / ends with a Latin letter or digit: it must not be glued to one in the text. */
  edgeStart: boolean;
  edgeEnd: boolean;
}

export interface LexiconHit {
  category: string;
  /** The lexicon term that matched. */
  term: string;
  start: number;
  end: number;
  viaPinyin: boolean;
}

const HAN = /^\p{Script=Han}+$/u;
const ALNUM = /[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/;

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
  private readonly entries: Entry[][] = [];

  constructor(lexicons: LexiconSet, options: LexiconOptions = {}) {
    const usePinyin = options.pinyin ?? true;
    const minPinyin = options.pinyinMinLength ?? 4;
    const index = new Map<string, number>();
    const patterns: string[] = [];
    const add = (folded: string, e: Omit<Entry, 'edgeStart' | 'edgeEnd'>) => {
      if (!folded) return;
      const entry: Entry = { ...e, edgeStart: /^[a-z0-9]/.test(folded), edgeEnd: /[a-z0-9]$/.test(folded) };
      let id = index.get(folded);
      if (id === undefined) {
        id = patterns.length;
        index.set(folded, id);
        patterns.push(folded);
        this.entries.push([]);
      }
      const list = this.entries[id];
      if (!list.some((x) => x.category === e.category && x.term === e.term && x.viaPinyin === e.viaPinyin)) list.push(entry);
    };
    for (const [category, terms] of Object.entries(lexicons)) {
      for (const term of terms) {
        const folded = foldTerm(term);
        add(folded, { category, term, viaPinyin: false });
        if (usePinyin && category !== ALLOW_CATEGORY && folded.length >= 2 && HAN.test(folded)) {
          const py = (pinyin(folded, { toneType: 'none', type: 'array', v: true }) as string[]).join('').toLowerCase();
          if (py.length >= minPinyin && /^[a-z]+$/.test(py)) add(py, { category, term, viaPinyin: true });
        }
      }
    }
    this.automaton = new Automaton(patterns);
  }

  /** Every hit in `text`, allow-listed spans removed, sorted by start. */
  find(text: string): LexiconHit[] {
    const hits: LexiconHit[] = [];
    const allowed: Array<[number, number]> = [];
    this.automaton.scan(text, (id, start, end) => {
      for (const e of this.entries[id]) {
        if (e.category === ALLOW_CATEGORY) allowed.push([start, end]);
        else {
          if ((e.edgeStart && start > 0 && ALNUM.test(text[start - 1])) || (e.edgeEnd && end < text.length && ALNUM.test(text[end]))) continue;
          hits.push({ category: e.category, term: e.term, start, end, viaPinyin: e.viaPinyin });
        }
      }
    });
    const kept = allowed.length === 0 ? hits : hits.filter((h) => !allowed.some(([a, b]) => a <= h.start && h.end <= b));
    return kept.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}
