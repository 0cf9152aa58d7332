/**
 * Offline, lexicon-based sentiment for short Chinese comments.
 *
 * Per clause (split at punctuation): sentiment words are scaled by a preceding degree word and
 * flipped by a preceding negation (in a short window); "不是很好" (negation before degree) flips
 * with half weight, "很不好" (degree before negation) keeps the degree. Contrast: everything
 * before 但是/可是/不过 counts half, what follows counts more; a 虽然 clause counts half.
 * Questions damp praise (好用吗？), rhetorical questions turn praise into criticism
 * (这就是你们说的便民？), exclamation marks amplify, courtesy (谢谢) in a question is only courtesy.
 */
import { getDefaultLexicon, scan, type Lexicon, type Token } from './lexicon';
import { normaliseText, splitClauses } from './text';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentimentResult {
  label: SentimentLabel;
  /** In [-1, 1]; the sign is the polarity, the magnitude the strength. */
  score: number;
}

/** One counted sentiment hit, for explanations and debugging. */
export interface SentimentHit {
  word: string;
  clause: number;
  /** Final contribution after negation, degree, contrast, question and punctuation. */
  value: number;
  negated: boolean;
}

export interface SentimentExplanation extends SentimentResult {
  raw: number;
  hits: SentimentHit[];
  question: boolean;
}

export interface SentimentOptions {
  /** Score at or above which the label is positive (default 0.2); the negative threshold is symmetric. */
  threshold?: number;
  lexicon?: Lexicon;
}

/** Characters between a modifier (negation, degree) and the sentiment word it still applies to. */
const MODIFIER_WINDOW = 3;
const NEGATED_NEGATIVE_FACTOR = 0.6; // 不差, 没问题: mildly positive
const NEGATION_BEFORE_DEGREE_FACTOR = 0.5; // 不是很好: mildly negative
const CONCESSIVE_FACTOR = 0.5;
const BEFORE_ADVERSATIVE_FACTOR = 0.4;
const AFTER_ADVERSATIVE_FACTOR = 1.3;
const QUESTION_POSITIVE_FACTOR = 0.3;
const QUESTION_NEGATIVE_FACTOR = 0.8;
const RHETORICAL_POSITIVE_FACTOR = -0.8;
const POLITE_IN_QUESTION_FACTOR = 0.2;
const EXCLAMATION_STEP = 0.2;
const SQUASH = 2.5;

interface Pending {
  negation: number; // count of negations seen
  negationStrength: number;
  degree: number;
  negationBeforeDegree: boolean;
  end: number; // end offset of the last modifier
}

const freshPending = (): Pending => ({ negation: 0, negationStrength: 1, degree: 1, negationBeforeDegree: false, end: -1 });

interface RawHit {
  word: string;
  clause: number;
  value: number;
  negated: boolean;
  source: 'word' | 'emoji' | 'polite';
}

/** Full analysis with the hits that made up the score. */
export function explainSentiment(text: string, opts: SentimentOptions = {}): SentimentExplanation {
  const lexicon = opts.lexicon ?? getDefaultLexicon();
  const threshold = opts.threshold ?? 0.2;
  const clauses = splitClauses(normaliseText(text));
  const hits: RawHit[] = [];
  let commentHasQuestion = false;
  let afterAdversative = false;

  clauses.forEach((clause, ci) => {
    let body = clause.text;
    const initial = ci > 0 ? lexicon.clauseInitialAdversative.find((w) => body.startsWith(w)) : undefined;
    if (initial !== undefined) {
      for (const h of hits) h.value *= BEFORE_ADVERSATIVE_FACTOR;
      afterAdversative = true;
      body = ' '.repeat(initial.length) + body.slice(initial.length);
    }
    const tokens = scan(body, lexicon);
    const questionMarks = (clause.end.match(/\?/g) ?? []).length;
    const exclamations = (clause.end.match(/!/g) ?? []).length;
    const rhetorical = tokens.some((t) => t.entry.rhetorical);
    const question = !rhetorical && (questionMarks > 0 || tokens.some((t) => t.entry.question));
    const concessive = tokens.some((t) => t.entry.concessive);
    if (question) commentHasQuestion = true;

    const clauseHits: RawHit[] = [];
    let pending = freshPending();
    tokens.forEach((tok, ti) => {
      const e = tok.entry;
      if (pending.end >= 0 && tok.start - pending.end > MODIFIER_WINDOW) pending = freshPending();
      if (e.adversative) {
        for (const h of hits) h.value *= BEFORE_ADVERSATIVE_FACTOR;
        for (const h of clauseHits) h.value *= BEFORE_ADVERSATIVE_FACTOR;
        pending = freshPending();
        afterAdversative = true;
        return;
      }
      if (e.sentiment !== undefined && e.sentiment !== 0) {
        // 好 directly before another sentiment word is an intensifier (好方便, 好麻烦).
        const next: Token | undefined = tokens[ti + 1];
        if (tok.word === '好' && next && next.start === tok.end && next.entry.sentiment !== undefined) {
          pending.degree *= 1.5;
          pending.end = tok.end;
          return;
        }
        clauseHits.push(applyModifiers(tok, e.sentiment, e.source ?? 'word', ci, pending));
        pending = freshPending();
        return;
      }
      if (e.negation !== undefined) {
        pending.negation += 1;
        pending.negationStrength = Math.min(pending.negationStrength, e.negation);
        pending.end = tok.end;
        return;
      }
      if (e.degree !== undefined) {
        if (pending.negation > 0) pending.negationBeforeDegree = true;
        pending.degree *= e.degree;
        pending.end = tok.end;
        return;
      }
    });

    const exclamationFactor = 1 + EXCLAMATION_STEP * Math.min(exclamations, 3);
    for (const h of clauseHits) {
      if (afterAdversative) h.value *= AFTER_ADVERSATIVE_FACTOR;
      if (concessive) h.value *= CONCESSIVE_FACTOR;
      if (question && h.source !== 'polite') h.value *= h.value > 0 ? QUESTION_POSITIVE_FACTOR : QUESTION_NEGATIVE_FACTOR;
      if (rhetorical && h.value > 0 && h.source === 'word') h.value *= RHETORICAL_POSITIVE_FACTOR;
      h.value *= exclamationFactor;
    }
    if (questionMarks >= 3) clauseHits.push({ word: '???', clause: ci, value: -0.5, negated: false, source: 'word' });
    hits.push(...clauseHits);
  });
  if (commentHasQuestion) for (const h of hits) if (h.source === 'polite') h.value *= POLITE_IN_QUESTION_FACTOR;

  const raw = hits.reduce((s, h) => s + h.value, 0);
  const score = round(raw / Math.sqrt(raw * raw + SQUASH));
  const label: SentimentLabel = score >= threshold ? 'positive' : score <= -threshold ? 'negative' : 'neutral';
  return {
    label,
    score,
    raw: round(raw),
    question: commentHasQuestion,
    hits: hits.map((h) => ({ word: h.word, clause: h.clause, value: round(h.value), negated: h.negated })),
  };
}

/** Sentiment label and score in [-1, 1] of one comment. Pure and deterministic. */
export function analyseSentiment(text: string, opts: SentimentOptions = {}): SentimentResult {
  const { label, score } = explainSentiment(text, opts);
  return { label, score };
}

function applyModifiers(tok: Token, weight: number, source: RawHit['source'], clause: number, p: Pending): RawHit {
  let value = weight;
  const negated = source === 'word' && p.negation % 2 === 1;
  if (negated) {
    if (p.negationBeforeDegree) value = -value * NEGATION_BEFORE_DEGREE_FACTOR;
    else value = -value * (value < 0 ? NEGATED_NEGATIVE_FACTOR : 1) * p.negationStrength * p.degree;
  } else if (source !== 'polite') {
    value *= p.degree;
  }
  return { word: tok.word, clause, value, negated, source };
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4 + 0;
