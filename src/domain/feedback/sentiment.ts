/**
 * Offline, lexicon-based sentiment for short Chinese comments.
 *
 * Per clause (split at punctuation), with a longest-match scan over the lexicon:
 * - sentiment words are scaled by a preceding degree word and flipped by a preceding negation
 *   within a short window; "不是很好" (negation before degree) flips with half weight, "很不好"
 *   (degree before negation) keeps the degree, negated criticism ("不差") is only mildly positive;
 * - aspect rules (质量…高 +, 价格…高 −) and patterns (跑了三趟, 三个月了还没…) add what single
 *   words cannot;
 * - contrast: what comes before 但是/可是/不过/结果 counts less and what follows counts more; a
 *   虽然 clause counts half;
 * - questions damp praise (好用吗？), rhetorical questions turn praise into criticism
 *   (这就是你们说的便民？), praise in short scare quotes is sarcasm ("高效"), exclamation marks
 *   amplify, and courtesy (谢谢) in a comment that asks something is only courtesy.
 * The raw sum is squashed into [-1, 1].
 */
import { getDefaultLexicon, scan, type Lexicon, type Token } from './lexicon';
import { normaliseText, splitClauses } from './text';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentimentResult {
  label: SentimentLabel;
  /** In [-1, 1]; the sign is the polarity, the magnitude the strength. */
  score: number;
}

/** One counted contribution, for explanations and debugging. */
export interface SentimentHit {
  /** The lexicon word, or the matched text of an aspect rule or pattern. */
  word: string;
  /** Index of the clause, -1 for a pattern matched on the whole comment. */
  clause: number;
  /** Final contribution after negation, degree, contrast, question and punctuation. */
  value: number;
  negated: boolean;
}

export interface SentimentExplanation extends SentimentResult {
  /** Sum of the contributions before squashing. */
  raw: number;
  hits: SentimentHit[];
  /** The comment asks something (a non-rhetorical question). */
  question: boolean;
}

export interface SentimentOptions {
  /** |score| at or above which the label is positive or negative (default 0.2). */
  threshold?: number;
  lexicon?: Lexicon;
}

export const DEFAULT_THRESHOLD = 0.2;
/** Characters between a modifier (negation, degree) and the sentiment word it still applies to. */
const MODIFIER_WINDOW = 4;
const NEGATED_NEGATIVE_FACTOR = 0.6; // 不差, 没问题: mildly positive
const NEGATION_BEFORE_DEGREE_FACTOR = 0.5; // 不是很好: mildly negative
const CONCESSIVE_FACTOR = 0.5;
const BEFORE_ADVERSATIVE_FACTOR = 0.4;
const AFTER_ADVERSATIVE_FACTOR = 1.3;
const QUESTION_POSITIVE_FACTOR = 0.2;
const QUESTION_NEGATIVE_FACTOR = 0.4; // 哪些路段有积水？ asks, it does not complain
const WHY_QUESTION_NEGATIVE_FACTOR = 0.8; // 为什么电话一直打不通？ complains
const BARE_QUESTION_NEGATIVE_FACTOR = 0.8; // 又停水？ (only a question mark)
const RHETORICAL_POSITIVE_FACTOR = -0.8;
const RHETORICAL_DEFAULT = -1;
const SCARE_QUOTE_FACTOR = -1;
const POLITE_IN_QUESTION_FACTOR = 0.2;
const EXCLAMATION_STEP = 0.2;
const MANY_QUESTION_MARKS = -0.5;
const SQUASH = 2.5;
const ASPECT_DEGREE_FACTOR = 1.3;

type Source = 'word' | 'emoji' | 'polite' | 'rule';

interface Hit {
  word: string;
  clause: number;
  value: number;
  negated: boolean;
  source: Source;
  /** Counted after an adversative marker (但是…): boosted. */
  after?: boolean;
}

interface Pending {
  negation: number; // how many negations
  strength: number; // weakest negation strength seen (不太 < 不)
  standalone: number; // weight if the negation governs nothing (毫无)
  standaloneWord: string;
  degree: number;
  negationBeforeDegree: boolean;
  end: number; // end offset of the last modifier, -1 if none
}

const fresh = (): Pending => ({ negation: 0, strength: 1, standalone: 0, standaloneWord: '', degree: 1, negationBeforeDegree: false, end: -1 });

const NEGATION_CHARS = /不|没|无|非|未|别/;
const DEGREE_CHARS = /很|太|真|非常|特别|十分|极|超|挺|蛮|相当/;
const SCARE_QUOTES = /["“”「『]([^"“”」』]{1,6})["“”」』]/gu;

/** Full analysis with the contributions that made up the score. */
export function explainSentiment(text: string, opts: SentimentOptions = {}): SentimentExplanation {
  const lexicon = opts.lexicon ?? getDefaultLexicon();
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const normalised = normaliseText(text);
  const quotes = scareQuotes(normalised);
  const hits: Hit[] = [];
  let asksSomething = false;
  let afterAdversative = false;
  const damp = (factor: number, list: Hit[]): void => {
    for (const h of list) h.value *= factor;
  };

  splitClauses(normalised).forEach((clause, ci) => {
    let body = clause.text;
    const initial = ci > 0 ? lexicon.clauseInitialAdversative.find((w) => body.startsWith(w)) : undefined;
    if (initial !== undefined) {
      damp(BEFORE_ADVERSATIVE_FACTOR, hits);
      afterAdversative = true;
      body = ' '.repeat(initial.length) + body.slice(initial.length);
    }
    const tokens = scan(body, lexicon);
    const questionMarks = (clause.end.match(/\?/g) ?? []).length;
    const exclamations = (clause.end.match(/!/g) ?? []).length;
    const rhetorical = tokens.some((t) => t.entry.rhetorical);
    const cued = tokens.some((t) => t.entry.question);
    const question = !rhetorical && (questionMarks > 0 || cued);
    const negativeInQuestion = tokens.some((t) => t.entry.why) ? WHY_QUESTION_NEGATIVE_FACTOR : cued ? QUESTION_NEGATIVE_FACTOR : BARE_QUESTION_NEGATIVE_FACTOR;
    const concessive = tokens.some((t) => t.entry.concessive);
    if (question) asksSomething = true;

    const clauseHits: Hit[] = [];
    let pending = fresh();
    const flush = (): void => {
      if (pending.negation > 0 && pending.standalone > 0) {
        clauseHits.push({ word: pending.standaloneWord, clause: ci, value: -pending.standalone, negated: false, source: 'rule', after: afterAdversative });
      }
      pending = fresh();
    };
    tokens.forEach((tok, ti) => {
      const e = tok.entry;
      if (pending.end >= 0 && tok.start - pending.end > MODIFIER_WINDOW) flush();
      if (e.adversative) {
        damp(BEFORE_ADVERSATIVE_FACTOR, hits);
        damp(BEFORE_ADVERSATIVE_FACTOR, clauseHits);
        flush();
        afterAdversative = true;
        return;
      }
      if (e.sentiment !== undefined && e.sentiment !== 0) {
        // 好 directly before another sentiment word is an intensifier (好方便, 好麻烦).
        const next: Token | undefined = tokens[ti + 1];
        if (tok.word === '好' && next !== undefined && next.start === tok.end && next.entry.sentiment !== undefined) {
          pending.degree *= 1.5;
          pending.end = tok.end;
          return;
        }
        const hit = applyModifiers(tok, e.sentiment, e.source ?? 'word', ci, pending);
        const q = quotes.find((r) => r.start <= clause.start + tok.start && clause.start + tok.end <= r.end);
        if (q !== undefined && hit.value > 0 && q.end - q.start - tok.word.length <= 1) hit.value *= SCARE_QUOTE_FACTOR;
        hit.after = afterAdversative;
        clauseHits.push(hit);
        pending = fresh();
        return;
      }
      if (e.negation !== undefined) {
        pending.negation += 1;
        pending.strength = Math.min(pending.strength, e.negation);
        if ((e.standalone ?? 0) > pending.standalone) {
          pending.standalone = e.standalone ?? 0;
          pending.standaloneWord = tok.word;
        }
        pending.end = tok.end;
        return;
      }
      if (e.degree !== undefined) {
        if (pending.negation > 0) pending.negationBeforeDegree = true;
        pending.degree *= e.degree;
        pending.end = tok.end;
      }
    });
    flush();
    for (const h of ruleHits(body, ci, lexicon)) clauseHits.push({ ...h, after: afterAdversative });

    if (rhetorical && clauseHits.every((h) => h.value >= 0 || h.source === 'polite')) {
      clauseHits.push({ word: '(rhetorical)', clause: ci, value: RHETORICAL_DEFAULT, negated: false, source: 'rule', after: afterAdversative });
    }
    const exclamationFactor = 1 + EXCLAMATION_STEP * Math.min(exclamations, 3);
    for (const h of clauseHits) {
      if (h.after) h.value *= AFTER_ADVERSATIVE_FACTOR;
      if (concessive && !h.after) h.value *= CONCESSIVE_FACTOR;
      if (question && h.source !== 'polite') h.value *= h.value > 0 ? QUESTION_POSITIVE_FACTOR : negativeInQuestion;
      if (rhetorical && h.value > 0 && h.source === 'word') h.value *= RHETORICAL_POSITIVE_FACTOR;
      h.value *= exclamationFactor;
    }
    if (questionMarks >= 3) clauseHits.push({ word: '???', clause: ci, value: MANY_QUESTION_MARKS, negated: false, source: 'rule' });
    hits.push(...clauseHits);
  });

  for (const p of lexicon.patterns) {
    if (p.scope !== 'comment') continue;
    const m = p.re.exec(normalised);
    if (m) hits.push({ word: m[0], clause: -1, value: p.weight, negated: false, source: 'rule' });
  }
  if (asksSomething) for (const h of hits) if (h.source === 'polite') h.value *= POLITE_IN_QUESTION_FACTOR;

  const raw = hits.reduce((s, h) => s + h.value, 0);
  const score = round(raw / Math.sqrt(raw * raw + SQUASH));
  const label: SentimentLabel = score >= threshold ? 'positive' : score <= -threshold ? 'negative' : 'neutral';
  return {
    label,
    score,
    raw: round(raw),
    question: asksSomething,
    hits: hits.map((h) => ({ word: h.word, clause: h.clause, value: round(h.value), negated: h.negated })),
  };
}

/** Sentiment label and score in [-1, 1] of one comment. Pure and deterministic. */
export function analyseSentiment(text: string, opts: SentimentOptions = {}): SentimentResult {
  const { label, score } = explainSentiment(text, opts);
  return { label, score };
}

function applyModifiers(tok: Token, weight: number, source: Source, clause: number, p: Pending): Hit {
  let value = weight;
  const negated = source === 'word' && p.negation % 2 === 1;
  if (negated) {
    if (p.negationBeforeDegree) value = -value * NEGATION_BEFORE_DEGREE_FACTOR;
    else value = -value * (value < 0 ? NEGATED_NEGATIVE_FACTOR : 1) * p.strength * p.degree;
  } else if (source !== 'polite') {
    value *= p.degree;
  }
  return { word: tok.word, clause, value, negated, source };
}

/** Aspect rules and patterns of one clause. */
function ruleHits(body: string, clause: number, lexicon: Lexicon): Hit[] {
  const out: Hit[] = [];
  for (const aspect of lexicon.aspects) {
    aspect.re.lastIndex = 0;
    for (let m = aspect.re.exec(body); m !== null; m = aspect.re.exec(body)) {
      const between = m[2];
      const negated = NEGATION_CHARS.test(between);
      let value = aspect.values.get(m[3]) ?? 0;
      if (DEGREE_CHARS.test(between)) value *= ASPECT_DEGREE_FACTOR;
      if (negated) value *= value > 0 ? -1 : -NEGATED_NEGATIVE_FACTOR;
      if (value !== 0) out.push({ word: m[0], clause, value, negated, source: 'rule' });
    }
  }
  for (const p of lexicon.patterns) {
    if (p.scope !== 'clause') continue;
    const m = p.re.exec(body);
    if (m) out.push({ word: m[0], clause, value: p.weight, negated: false, source: 'rule' });
  }
  return out;
}

function scareQuotes(normalised: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of normalised.matchAll(SCARE_QUOTES)) {
    const start = (m.index ?? 0) + 1;
    out.push({ start, end: start + m[1].length });
  }
  return out;
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4 + 0;
