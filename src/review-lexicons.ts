/**
 * Lexicon files on disk (infrastructure for the pre-review engine): the defaults shipped in
 * `lexicons/` and the organisation's own directory (`LEXICON_DIR`). Plain UTF-8 text, one term
 * per line, `#` starts a comment; the file name without `.txt` is the category, `allow.txt` is
 * the allow-list.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createReviewEngine, jiebaSegmenter, parseLexicon, type LexiconSet, type ReviewEngine, type ReviewEngineOptions } from './domain/review';

/** The default lexicons shipped with the repository. */
export const DEFAULT_LEXICON_DIR = path.resolve(__dirname, '..', 'lexicons');

const CATEGORY_NAME = /^[\p{L}\p{N}_-]+$/u;

/** Reads every `*.txt` of a directory as a lexicon; a missing directory gives an empty set. */
export function readLexiconDir(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.txt')) continue;
    const category = file.slice(0, -4);
    if (!CATEGORY_NAME.test(category)) continue;
    (out[category] ??= []).push(...parseLexicon(readFileSync(path.join(dir, file), 'utf8')));
  }
  return out;
}

export interface LoadLexiconsOptions {
  /** The organisation's directory (default: the LEXICON_DIR environment variable). */
  lexiconDir?: string;
  /** Include the shipped defaults (default true). */
  defaults?: boolean;
}

/** Defaults plus the organisation's lexicons, merged per category. */
export function loadLexicons(opts: LoadLexiconsOptions = {}): LexiconSet {
  const dirs = [...(opts.defaults === false ? [] : [DEFAULT_LEXICON_DIR]), ...(opts.lexiconDir ?? process.env.LEXICON_DIR ? [(opts.lexiconDir ?? process.env.LEXICON_DIR)!] : [])];
  const out: Record<string, string[]> = {};
  for (const dir of dirs) for (const [cat, terms] of Object.entries(readLexiconDir(dir))) (out[cat] ??= []).push(...terms);
  return out;
}

/**
 * The engine over the lexicon files: `reload()` re-reads them; jieba segmentation is on unless
 * `segmenter: undefined` is passed explicitly.
 */
export function createReviewEngineFromDisk(opts: LoadLexiconsOptions & Omit<ReviewEngineOptions, 'lexicons' | 'source'> = {}): ReviewEngine {
  const { lexiconDir, defaults, ...engineOptions } = opts;
  return createReviewEngine({
    segmenter: 'segmenter' in opts ? opts.segmenter : jiebaSegmenter(),
    ...engineOptions,
    source: () => loadLexicons({ lexiconDir, defaults }),
  });
}

/** Persists a term added by chat command (`/words add`, `/words allow`) to the organisation's directory. */
export function appendTerm(dir: string, category: string, word: string): void {
  if (!CATEGORY_NAME.test(category)) throw new Error(`invalid lexicon category: ${category}`);
  const w = word.replace(/[\r\n#]/g, '').trim();
  if (!w) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, `${category}.txt`), `${w}\n`, 'utf8');
}
