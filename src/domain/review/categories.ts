import type { Severity } from '../model';

/** Lexicon categories shipped by default; an organisation may add its own (any file name). */
export const LEXICON_CATEGORIES = [
  'violence',
  'terror',
  'gambling',
  'pornography',
  'superstition',
  'fraud',
  'insult',
  'confidential',
] as const;
export type LexiconCategory = (typeof LEXICON_CATEGORIES)[number];

export const ALLOW_CATEGORY = 'allow';

export const CATEGORY_LABELS: Record<string, string> = {
  violence: '暴力',
  terror: '恐怖',
  gambling: '赌博',
  pornography: '色情',
  superstition: '封建迷信',
  fraud: '诈骗',
  insult: '侮辱诽谤',
  confidential: '涉密标识',
  'personal-data': '个人信息',
  'ad-law': '广告法极限用语',
  clickbait: '标题党',
  format: '格式',
};

/** Severity of a lexicon hit per category; categories not listed here default to `warn`. */
export const CATEGORY_SEVERITY: Record<string, Severity> = {
  violence: 'block',
  terror: 'block',
  gambling: 'block',
  pornography: 'block',
  superstition: 'warn',
  fraud: 'block',
  insult: 'warn',
  confidential: 'block',
};

export const severityOf = (category: string): Severity => CATEGORY_SEVERITY[category] ?? 'warn';
export const labelOf = (category: string): string => CATEGORY_LABELS[category] ?? category;
