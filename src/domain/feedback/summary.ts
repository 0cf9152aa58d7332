/**
 * Summary of the audience feedback on one post or over one period: volume, sentiment split,
 * keywords and themes, representative comments and flagged items. Pure and deterministic: the
 * result depends only on the items (not on their order) and the options.
 */
import { detectFlags, FLAG_KINDS, type FlagKind, type FlagRules } from './flags';
import { analyseSentiment, type SentimentLabel, type SentimentOptions } from './sentiment';
import { analyseThemes, type ThemeOptions } from './themes';

export interface FeedbackItem {
  id: string | number;
  text: string;
  createdAt: Date;
  /** Where the comment came from (wechat, weibo, douyin, kuaishou, …). */
  source: string;
}

export interface SummaryOptions {
  /** Only items with createdAt >= from. */
  from?: Date;
  /** Only items with createdAt < to. */
  to?: Date;
  /** Only items from these sources. */
  sources?: readonly string[];
  /** Keywords to report (default 10). */
  topKeywords?: number;
  /** Themes to report (default 5). */
  maxThemes?: number;
  /** Ids listed per theme (default 20). */
  maxThemeIds?: number;
  /** Flagged items listed (default 50; `flaggedCounts` always counts them all). */
  maxFlagged?: number;
  /** Length range (characters) preferred for representative comments (default 10–80). */
  representativeLength?: { min: number; max: number };
  /**
   * Sentiment over time: bucket size in minutes (e.g. 60, 1440). Buckets are aligned to local
   * midnight of `utcOffsetMinutes` (default 480, China Standard Time); empty buckets between the
   * first and last item are included, at most MAX_TIMELINE_BUCKETS.
   */
  timeline?: { bucketMinutes: number; utcOffsetMinutes?: number };
  sentiment?: SentimentOptions;
  themes?: Omit<ThemeOptions, 'topKeywords' | 'maxThemes'>;
  flagRules?: FlagRules;
}

export type SentimentCounts = Record<SentimentLabel, number>;

export interface RepresentativeComment {
  id: string | number;
  text: string;
  source: string;
  createdAt: Date;
  score: number;
}

export interface ThemeSummary {
  label: string;
  keywords: string[];
  /** Comments that mention the theme. */
  count: number;
  sentiment: SentimentCounts;
  /** Ids of the first comments of the theme (chronological), at most maxThemeIds. */
  ids: (string | number)[];
}

export interface FlaggedItem {
  id: string | number;
  kind: FlagKind;
  cue: string;
  text: string;
}

export interface TimelineBucket {
  start: Date;
  volume: number;
  positive: number;
  neutral: number;
  negative: number;
}

export const MAX_TIMELINE_BUCKETS = 1000;

export interface FeedbackSummary {
  volume: number;
  /** Earliest and latest createdAt of the items counted (null when there are none). */
  period: { from: Date | null; to: Date | null };
  bySource: Record<string, number>;
  sentiment: SentimentCounts;
  keywords: { word: string; weight: number; count: number }[];
  themes: ThemeSummary[];
  representative: Partial<Record<SentimentLabel, RepresentativeComment>>;
  /** Error reports first, then complaints, then questions; chronological within a kind. */
  flagged: FlaggedItem[];
  flaggedCounts: Record<FlagKind, number>;
  /** Empty unless `opts.timeline` is given. */
  timeline: TimelineBucket[];
}

interface Analysed {
  item: FeedbackItem;
  label: SentimentLabel;
  score: number;
}

const time = (d: Date): number => {
  const t = d.getTime();
  return Number.isNaN(t) ? 0 : t;
};
const key = (id: string | number): string => `${typeof id}:${String(id)}`;
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Chronological, then by id, then by text: a total order independent of input order. */
const compareItems = (a: FeedbackItem, b: FeedbackItem): number =>
  time(a.createdAt) - time(b.createdAt) || compareStrings(key(a.id), key(b.id)) || compareStrings(a.text, b.text) || compareStrings(a.source, b.source);

const emptyCounts = (): SentimentCounts => ({ positive: 0, neutral: 0, negative: 0 });

/** Summarises the feedback items that fall in the options' period and sources. */
export function summariseFeedback(items: readonly FeedbackItem[], opts: SummaryOptions = {}): FeedbackSummary {
  const selected = items
    .filter((it) => (opts.from === undefined || time(it.createdAt) >= time(opts.from)) && (opts.to === undefined || time(it.createdAt) < time(opts.to)))
    .filter((it) => opts.sources === undefined || opts.sources.includes(it.source))
    .slice()
    .sort(compareItems);

  const analysed: Analysed[] = selected.map((item) => ({ item, ...analyseSentiment(item.text, opts.sentiment) }));

  const sentiment = emptyCounts();
  const bySource: Record<string, number> = {};
  for (const a of analysed) {
    sentiment[a.label] += 1;
    bySource[a.item.source] = (bySource[a.item.source] ?? 0) + 1;
  }

  const themeAnalysis =
    selected.length === 0
      ? { keywords: [], themes: [] }
      : analyseThemes(
          selected.map((it) => it.text),
          { minCount: selected.length >= 20 ? 2 : 1, ...opts.themes, topKeywords: opts.topKeywords ?? 10, maxThemes: opts.maxThemes ?? 5 },
        );
  const maxIds = opts.maxThemeIds ?? 20;
  const themes: ThemeSummary[] = themeAnalysis.themes.map((t) => {
    const counts = emptyCounts();
    for (const i of t.members) counts[analysed[i].label] += 1;
    return { label: t.label, keywords: t.keywords, count: t.members.length, sentiment: counts, ids: t.members.slice(0, maxIds).map((i) => selected[i].id) };
  });

  const flaggedAll: (FlaggedItem & { order: number; rank: number })[] = [];
  selected.forEach((it, order) => {
    for (const f of detectFlags(it.text, opts.flagRules)) {
      flaggedAll.push({ id: it.id, kind: f.kind, cue: f.cue, text: it.text, order, rank: FLAG_KINDS.indexOf(f.kind) });
    }
  });
  flaggedAll.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const flaggedCounts = Object.fromEntries(FLAG_KINDS.map((k) => [k, 0])) as Record<FlagKind, number>;
  for (const f of flaggedAll) flaggedCounts[f.kind] += 1;

  return {
    volume: selected.length,
    period: { from: selected.length ? selected[0].createdAt : null, to: selected.length ? selected[selected.length - 1].createdAt : null },
    bySource,
    sentiment,
    keywords: themeAnalysis.keywords.map((k) => ({ word: k.word, weight: k.weight, count: k.count })),
    themes,
    representative: pickRepresentatives(analysed, opts.representativeLength ?? { min: 10, max: 80 }),
    flagged: flaggedAll.slice(0, opts.maxFlagged ?? 50).map(({ id, kind, cue, text }) => ({ id, kind, cue, text })),
    flaggedCounts,
    timeline: opts.timeline ? buildTimeline(analysed, opts.timeline) : [],
  };
}

function buildTimeline(analysed: readonly Analysed[], spec: { bucketMinutes: number; utcOffsetMinutes?: number }): TimelineBucket[] {
  if (analysed.length === 0 || !(spec.bucketMinutes > 0)) return [];
  const size = spec.bucketMinutes * 60_000;
  const offset = (spec.utcOffsetMinutes ?? 480) * 60_000;
  const bucketOf = (d: Date): number => Math.floor((time(d) + offset) / size);
  const first = bucketOf(analysed[0].item.createdAt);
  const last = Math.min(bucketOf(analysed[analysed.length - 1].item.createdAt), first + MAX_TIMELINE_BUCKETS - 1);
  const buckets: TimelineBucket[] = [];
  for (let b = first; b <= last; b++) buckets.push({ start: new Date(b * size - offset), volume: 0, positive: 0, neutral: 0, negative: 0 });
  for (const a of analysed) {
    const i = bucketOf(a.item.createdAt) - first;
    if (i >= buckets.length) break; // beyond the cap (items are sorted)
    buckets[i].volume += 1;
    buckets[i][a.label] += 1;
  }
  return buckets;
}

/** How well a comment's length fits the sweet spot: 1 inside, falling off outside. */
export function lengthFit(text: string, range: { min: number; max: number }): number {
  const n = [...text.trim()].length;
  if (n === 0) return 0;
  if (n < range.min) return n / range.min;
  if (n > range.max) return range.max / n;
  return 1;
}

/**
 * One comment per label: for positive and negative the strongest (|score|) with a length in
 * the sweet spot, for neutral the most neutral one of a good length. Ties go to the earliest.
 */
function pickRepresentatives(analysed: readonly Analysed[], range: { min: number; max: number }): Partial<Record<SentimentLabel, RepresentativeComment>> {
  const out: Partial<Record<SentimentLabel, RepresentativeComment>> = {};
  for (const label of ['positive', 'neutral', 'negative'] as const) {
    let best: Analysed | undefined;
    let bestValue = -Infinity;
    for (const a of analysed) {
      if (a.label !== label) continue;
      const strength = label === 'neutral' ? 1 - Math.abs(a.score) : Math.abs(a.score);
      const value = strength * lengthFit(a.item.text, range);
      if (value > bestValue) {
        best = a;
        bestValue = value;
      }
    }
    if (best) out[label] = { id: best.item.id, text: best.item.text, source: best.item.source, createdAt: best.item.createdAt, score: best.score };
  }
  return out;
}
