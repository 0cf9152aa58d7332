/** Audience feedback analysis: sentiment, flags, keywords and themes, per-post/per-period summary. */
export { analyseSentiment, explainSentiment } from './sentiment';
export type { SentimentLabel, SentimentResult, SentimentExplanation, SentimentHit, SentimentOptions } from './sentiment';
export { detectFlags, FLAG_KINDS, DEFAULT_FLAG_RULES } from './flags';
export type { Flag, FlagKind, FlagRules } from './flags';
export { buildLexicon, getDefaultLexicon, DEFAULT_LEXICON_SOURCE } from './lexicon';
export type { Lexicon, LexiconEntry, LexiconSource } from './lexicon';
export { normaliseText } from './text';
