/**
 * Flags comments that need someone's attention: complaints, questions, and reports of errors in
 * the post. Cue lists live in ./lexicon/flags.json. Pure and deterministic.
 */
import data from './lexicon/flags.json';
import { explainSentiment } from './sentiment';
import { normaliseText, splitClauses } from './text';

export type FlagKind = 'complaint' | 'question' | 'error_report';

/** Report order: errors in the post first, then complaints, then questions. */
export const FLAG_KINDS: readonly FlagKind[] = ['error_report', 'complaint', 'question'];

export interface Flag {
  kind: FlagKind;
  /** The text (normalised: NFKC, lower case) that triggered the flag. */
  cue: string;
}

export interface FlagRules {
  errorReport: Matcher;
  complaint: Matcher;
  questionStrong: Matcher;
  questionWeak: Matcher;
  rhetorical: Matcher;
  /**
   * A comment without a complaint cue whose sentiment score is at or below this is a complaint
   * too (cue: its most negative word). undefined: cues only.
   */
  complaintScore?: number;
}

interface Matcher {
  cues: readonly string[];
  patterns: readonly RegExp[];
}

interface Hit {
  index: number;
  cue: string;
}

const toMatcher = (cues: readonly string[], patterns: readonly string[] = []): Matcher => ({
  cues: cues.map((c) => normaliseText(c)),
  patterns: patterns.map((p) => new RegExp(p, 'u')),
});

/** The shipped rules, compiled once at module load. */
export const DEFAULT_FLAG_RULES: FlagRules = {
  errorReport: toMatcher(data.error_report.cues, data.error_report.patterns),
  complaint: toMatcher(data.complaint.cues, data.complaint.patterns),
  questionStrong: toMatcher(data.question.strong, data.question.strongPatterns),
  questionWeak: toMatcher(data.question.weak, data.question.weakPatterns),
  rhetorical: toMatcher(data.rhetorical),
  complaintScore: -0.5,
};

/** Earliest (then longest) match of any cue or pattern in `text`. */
function firstMatch(text: string, m: Matcher): Hit | undefined {
  let best: Hit | undefined;
  const consider = (index: number, cue: string): void => {
    if (index < 0 || cue.length === 0) return;
    if (!best || index < best.index || (index === best.index && cue.length > best.cue.length)) best = { index, cue };
  };
  for (const cue of m.cues) consider(text.indexOf(cue), cue);
  for (const re of m.patterns) {
    const r = re.exec(text);
    if (r) consider(r.index, r[0]);
  }
  return best;
}

function questionHit(normalised: string, rules: FlagRules): Hit | undefined {
  const strong = firstMatch(normalised, rules.questionStrong);
  if (strong) return strong;
  // Weak signals (a question mark, 吗 at the end of a clause, 有没有) do not count in rhetorical questions.
  if (firstMatch(normalised, rules.rhetorical)) return undefined;
  for (const clause of splitClauses(normalised)) {
    const local = firstMatch(clause.text, rules.questionWeak);
    if (local) return { index: clause.start + local.index, cue: local.cue };
    if (clause.end.includes('?')) return { index: clause.start + clause.text.length, cue: '?' };
  }
  return undefined;
}

/** The most negative contribution of a clearly negative comment, as a complaint cue. */
function negativeSentiment(text: string, threshold: number | undefined): Hit | undefined {
  if (threshold === undefined) return undefined;
  const e = explainSentiment(text);
  if (e.score > threshold) return undefined;
  let worst: { word: string; value: number } | undefined;
  // Only words and matched text make a cue, not markers such as "(rhetorical)".
  for (const h of e.hits) if (h.value < 0 && !/^\(|^\?+$/.test(h.word) && (!worst || h.value < worst.value)) worst = h;
  return worst ? { index: 0, cue: worst.word } : undefined;
}

/** Flags of one comment, at most one per kind, in FLAG_KINDS order. */
export function detectFlags(text: string, rules: FlagRules = DEFAULT_FLAG_RULES): Flag[] {
  const normalised = normaliseText(text);
  const out: Flag[] = [];
  const error = firstMatch(normalised, rules.errorReport);
  if (error) out.push({ kind: 'error_report', cue: error.cue });
  // The sentiment fallback is not used for error reports: 写错了 is negative without being a complaint.
  const complaint =
    firstMatch(normalised, rules.complaint) ?? firstMatch(normalised, rules.rhetorical) ?? (error ? undefined : negativeSentiment(text, rules.complaintScore));
  if (complaint) out.push({ kind: 'complaint', cue: complaint.cue });
  const question = questionHit(normalised, rules);
  if (question) out.push({ kind: 'question', cue: question.cue });
  return out;
}
