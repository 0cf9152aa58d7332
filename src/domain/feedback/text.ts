/** Text normalisation shared by the feedback analysers. Pure. */

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]|\uFE0E|\uFE0F/g;

/**
 * Canonical form used for matching: NFKC (full-width ！？，ＡＢＣ become !?,ABC), lower case,
 * no variation selectors or zero-width characters, runs of whitespace collapsed.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Punctuation that ends a clause (after normalisation). */
export const CLAUSE_BREAK = /[,.;:!?。；、\n~～…]/;

export interface Clause {
  /** The clause text without its trailing punctuation. */
  text: string;
  /** Offset of the clause in the normalised text. */
  start: number;
  /** The punctuation run that ended the clause ('' at the end of the text). */
  end: string;
}

/** Splits normalised text into clauses at punctuation and spaces, keeping the punctuation run. */
export function splitClauses(normalised: string): Clause[] {
  const out: Clause[] = [];
  const re = /([^,.;:!?。；、\n~～… ]+)([,.;:!?。；、\n~～… ]*)/g;
  for (let m = re.exec(normalised); m !== null; m = re.exec(normalised)) {
    out.push({ text: m[1], start: m.index, end: m[2] });
  }
  return out;
}
