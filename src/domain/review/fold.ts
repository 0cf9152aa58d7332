/**
 * Character folding for matching: one table lookup per UTF-16 unit.
 *
 * A unit folds to: one unit (>= 0), nothing (DROP: spaces, punctuation, symbols, emoji,
 * zero-width and other format characters, combining marks), several units (MULTI, e.g. ⑩ -> "10"),
 * or is a high surrogate (HIGH: the pair is folded as one code point on a slow path).
 * Folding is context free (each code point alone), so a span of the original text always
 * folds to exactly the folded units that were mapped from it: spans never shift.
 */
import * as OpenCC from 'opencc-js';

export const DROP = -1;
export const MULTI = -2;
export const HIGH = -3;

const IGNORABLE = /^[\p{P}\p{S}\p{Z}\p{C}\p{M}]+$/u;

/** Digits drawn as dingbats that NFKC leaves alone. */
function dingbatDigit(cp: number): string | null {
  if (cp >= 0x2776 && cp <= 0x277f) return String(cp - 0x2776 + 1); // ❶..❿
  if (cp >= 0x2780 && cp <= 0x2789) return String(cp - 0x2780 + 1); // ➀..➉
  if (cp >= 0x278a && cp <= 0x2793) return String(cp - 0x278a + 1); // ➊..➓
  if (cp >= 0x24eb && cp <= 0x24f4) return String(cp - 0x24eb + 11); // ⓫..⓴
  if (cp >= 0x24f5 && cp <= 0x24fe) return String(cp - 0x24f5 + 1); // ⓵..⓾
  if (cp === 0x24ff) return '0'; // ⓿
  if (cp === 0x3007) return '〇';
  return null;
}

/** Cyrillic and Greek letters that look like Latin ones (ѕb for sb). */
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', ԁ: 'd', ɡ: 'g', ո: 'n', ս: 'u',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};

let t2s: ((s: string) => string) | null = null;
function traditionalToSimplified(): (s: string) => string {
  if (!t2s) t2s = OpenCC.Converter({ from: 't', to: 'cn' });
  return t2s;
}

const isCjk = (cp: number) => (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff);

/** Width, case, compatibility and dingbat folding of one code point, before t2s and dropping. */
function foldBase(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const d = dingbatDigit(cp);
  if (d !== null) return d;
  const lower = ch.toLowerCase();
  if (CONFUSABLE[lower]) return CONFUSABLE[lower];
  // Latin letters with diacritics (pinyin tone marks dǔ bó, é …) lose their marks.
  if ((cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x1e00 && cp <= 0x1eff)) return ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return ch.normalize('NFKC').toLowerCase();
}

function dropIgnorable(s: string): string {
  let out = '';
  for (const ch of s) if (!IGNORABLE.test(ch)) out += ch;
  return out;
}

export interface FoldTable {
  /** Per UTF-16 unit: folded unit, or DROP / MULTI / HIGH. */
  readonly unit: Int32Array;
  /** Expansions for MULTI units. */
  readonly multi: Map<number, string>;
  /** Folds any single code point (slow path, cached). */
  foldCodePoint(cp: number): string;
}

let table: FoldTable | null = null;

/** The process-wide fold table (built once, ~100 ms). */
export function foldTable(): FoldTable {
  if (table) return table;
  const unit = new Int32Array(65536);
  const multi = new Map<number, string>();
  const pending: number[] = [];
  const base: string[] = new Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdbff) {
      unit[c] = HIGH;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      unit[c] = DROP; // lone low surrogate
      continue;
    }
    const ch = String.fromCharCode(c);
    if (IGNORABLE.test(ch)) {
      unit[c] = DROP;
      continue;
    }
    const b = dropIgnorable(foldBase(ch));
    base[c] = b;
    if (b.length === 1 && isCjk(b.charCodeAt(0))) pending.push(c);
  }
  // Traditional -> simplified, per character (joined by newlines so that no phrase rule applies).
  const src = pending.map((c) => base[c]);
  const conv = traditionalToSimplified()(src.join('\n')).split('\n');
  if (conv.length === src.length) {
    pending.forEach((c, i) => {
      if (conv[i].length === 1) base[c] = conv[i];
    });
  }
  for (let c = 0; c < 65536; c++) {
    if (unit[c] === HIGH || unit[c] === DROP) continue;
    const b = base[c];
    if (b.length === 0) unit[c] = DROP;
    else if (b.length === 1) unit[c] = b.charCodeAt(0);
    else {
      unit[c] = MULTI;
      multi.set(c, b);
    }
  }
  const astral = new Map<number, string>();
  const foldCodePoint = (cp: number): string => {
    if (cp < 0x10000) {
      const u = unit[cp];
      if (u >= 0) return String.fromCharCode(u);
      if (u === MULTI) return multi.get(cp)!;
      return '';
    }
    let r = astral.get(cp);
    if (r === undefined) {
      const ch = String.fromCodePoint(cp);
      r = IGNORABLE.test(ch) ? '' : dropIgnorable(foldBase(ch));
      if (r.length === 1 && isCjk(r.charCodeAt(0))) r = traditionalToSimplified()(r);
      astral.set(cp, r);
    }
    return r;
  };
  table = { unit, multi, foldCodePoint };
  return table;
}

/** Folded text with, for each folded unit, the original span it came from. */
export interface Normalised {
  text: string;
  /** Original start offset of each folded unit. */
  starts: Int32Array;
  /** Original end offset (exclusive) of each folded unit. */
  ends: Int32Array;
}

/**
 * Folds `text` for lexicon matching: width, case, traditional characters, circled and dingbat
 * digits; drops spaces, punctuation, symbols, emoji and zero-width characters.
 */
/** Folded units of `text` (no string built) with original spans; `length` units are valid. */
export interface FoldedUnits {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length: number;
}

export function normalise(text: string): Normalised {
  const f = foldUnits(text);
  let s = '';
  for (let k = 0; k < f.length; k += 4096) s += String.fromCharCode(...f.units.subarray(k, Math.min(f.length, k + 4096)));
  return { text: s, starts: f.starts.slice(0, f.length), ends: f.ends.slice(0, f.length) };
}

/** Like normalise, without building the folded string (arrays may be longer than `length`). */
export function foldUnits(text: string): FoldedUnits {
  const t = foldTable();
  let cap = text.length + 16;
  let out = new Uint16Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let n = 0;
  const push = (u: number, a: number, b: number) => {
    if (n >= cap) {
      cap *= 2;
      const o = new Uint16Array(cap);
      o.set(out);
      out = o;
      const s2 = new Int32Array(cap);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(cap);
      e2.set(ends);
      ends = e2;
    }
    out[n] = u;
    starts[n] = a;
    ends[n++] = b;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const u = t.unit[c];
    if (u >= 0 && n < cap) {
      out[n] = u;
      starts[n] = i;
      ends[n++] = i + 1;
    } else if (u >= 0) push(u, i, i + 1);
    else if (u === MULTI) {
      const m = t.multi.get(c)!;
      for (let k = 0; k < m.length; k++) push(m.charCodeAt(k), i, i + 1);
    } else if (u === HIGH) {
      const cp = text.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      const m = t.foldCodePoint(cp);
      for (let k = 0; k < m.length; k++) push(m.charCodeAt(k), i, i + w);
      i += w - 1;
    }
  }
  return { units: out, starts, ends, length: n };
}

/** Folds a lexicon term the same way the text is folded (same result as normalise(term).text). */
export function foldTerm(term: string): string {
  const t = foldTable();
  let out = '';
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    const u = t.unit[c];
    if (u >= 0) out += String.fromCharCode(u);
    else if (u === MULTI) out += t.multi.get(c)!;
    else if (u === HIGH) {
      const cp = term.codePointAt(i)!;
      out += t.foldCodePoint(cp);
      if (cp > 0xffff) i++;
    }
  }
  return out;
}

const ZERO_WIDTH = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]/;

/**
 * A lighter fold for personal-data detection: full-width ASCII to ASCII, ideographic space to
 * space, circled/dingbat/mathematical digits to digits, zero-width characters dropped; letters
 * keep their case and punctuation stays, so number formats remain recognisable.
 */
const NEEDS_DATA_FOLD = /[\uff01-\uff5e\u3000\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u2460-\u24ff\u2776-\u2793\ud835]/;

export function normaliseForData(text: string): Normalised {
  if (!NEEDS_DATA_FOLD.test(text)) {
    const starts = new Int32Array(text.length);
    const ends = new Int32Array(text.length);
    for (let i = 0; i < text.length; i++) {
      starts[i] = i;
      ends[i] = i + 1;
    }
    return { text, starts, ends };
  }
  let s = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + w);
    let f: string;
    if (cp >= 0xff01 && cp <= 0xff5e) f = String.fromCharCode(cp - 0xfee0);
    else if (cp === 0x3000) f = ' ';
    else if (ZERO_WIDTH.test(ch)) f = '';
    else if ((cp >= 0x2460 && cp <= 0x24ff) || (cp >= 0x2776 && cp <= 0x2793) || (cp >= 0x1d7ce && cp <= 0x1d7ff)) {
      const d = dingbatDigit(cp);
      f = d ?? ch.normalize('NFKC');
      if (!/^[0-9A-Za-z]+$/.test(f)) f = ch;
    } else f = ch;
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + w);
    }
    s += f;
    i += w - 1;
  }
  return { text: s, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** Maps a span [a, b) of a normalised text back to the original text. */
export function originalSpan(n: Normalised, a: number, b: number): { start: number; end: number } {
  return { start: n.starts[a], end: n.ends[b - 1] };
}
