/** Public API of the pre-review engine (issue 3). */
export {
  createReviewEngine,
  hasBlocking,
  type ReviewEngine,
  type ReviewEngineOptions,
  type ReviewTextOptions,
  type ReviewContentInput,
} from './engine';
export { applyReplacements, maskMiddle, maskMobile, maskResidentId, maskBankCard, maskCreditCode, maskEmail, maskIp, maskPassport, maskPlate } from './masking';
export { LexiconMatcher, parseLexicon, pinyinSpellings, type LexiconSet, type LexiconHit, type LexiconOptions } from './lexicon';
export { Automaton, MAX_GAP, type AutomatonOptions, type MatchSink } from './automaton';
export { CHARACTER_VARIANTS, termVariants } from './variants';
export { CONTEXT_NOTES, hitContext, paragraphAround, sentenceAround, solicitation, type ContextKind, type HitContext, type SolicitationMemo } from './context';
export { normalise, normaliseForData, foldTerm, originalSpan, type Normalised } from './fold';
export { findPersonalData, type DataHit } from './personal-data';
export { findAdLawTerms, type AdHit } from './ad-law';
export { findClickbait, type ClickbaitHit } from './clickbait';
export { platformFormat, typography, measure, type FormatHit, type SizedMedia } from './format';
export { jiebaSegmenter, straddlesWords, type Segmenter } from './segment';
export { isValidResidentId, isValidCreditCode, luhnValid, idCheckChar, usccCheckChar, luhnCheckDigit } from './checksums';
export { LEXICON_CATEGORIES, ALLOW_CATEGORY, CATEGORY_LABELS, CATEGORY_SEVERITY, type LexiconCategory } from './categories';
