/** Audience feedback analysis: sentiment, flags, keywords and themes, per-post/per-period summary. */
export { analyseSentiment, explainSentiment, DEFAULT_THRESHOLD } from './sentiment';
export type { SentimentLabel, SentimentResult, SentimentExplanation, SentimentHit, SentimentOptions } from './sentiment';
export { detectFlags, FLAG_KINDS, DEFAULT_FLAG_RULES } from './flags';
export type { Flag, FlagKind, FlagRules } from './flags';
export { analyseThemes, extractKeywords, commentKeywords } from './themes';
export type { Keyword, Theme, ThemeAnalysis, ThemeOptions } from './themes';
export { summariseFeedback, lengthFit, MAX_TIMELINE_BUCKETS } from './summary';
export type { FeedbackItem, FeedbackSummary, SummaryOptions, ThemeSummary, FlaggedItem, RepresentativeComment, SentimentCounts, TimelineBucket } from './summary';
export { buildLexicon, getDefaultLexicon, DEFAULT_LEXICON_SOURCE } from './lexicon';
export type { Lexicon, LexiconEntry, LexiconSource, AspectRule, PatternRule } from './lexicon';
export { normaliseText } from './text';
