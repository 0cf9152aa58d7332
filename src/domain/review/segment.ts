/**
 * Optional Chinese word segmentation (jieba) used to cut lexicon hits that straddle two words
 * (色情 in 特色|情怀). Loading the dictionary takes ~200 ms, so it is created on demand.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** Splits a text into words; the concatenation of the words must equal the text. */
export type Segmenter = (text: string) => string[];

let jieba: Jieba | null = null;

export function jiebaSegmenter(): Segmenter {
  return (text: string) => {
    if (!jieba) jieba = Jieba.withDict(dict);
    return jieba.cut(text, true);
  };
}

/**
 * True when [start, end) of `text` begins inside one word and ends inside another word, i.e.
 * neither of its ends falls on a word boundary (looked at within a window around the span).
 */
export function straddlesWords(segment: Segmenter, text: string, start: number, end: number, window = 12): boolean {
  const a = Math.max(0, start - window);
  const b = Math.min(text.length, end + window);
  const words = segment(text.slice(a, b));
  const bounds = new Set<number>();
  let p = a;
  bounds.add(p);
  for (const w of words) {
    p += w.length;
    bounds.add(p);
  }
  if (p !== b) return false; // segmenter changed the text: do not cut
  return !bounds.has(start) && !bounds.has(end);
}
