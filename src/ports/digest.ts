import type { Platform } from '../domain/model';
import type { SentimentLabel } from '../domain/feedback';
import type { ChannelName } from './channel';
import type { Tx } from './store';

/**
 * Read models of the weekly digest and the reminders, computed in the database (aggregates,
 * bounded lists), so that a year of posts and a million comments stay cheap. Every method runs
 * inside the caller's transaction (`tx.handle`).
 */

export interface TimeRange {
  from: Date;
  /** Exclusive. */
  to: Date;
}

export type SentimentCounts = Record<SentimentLabel, number>;

export interface PostFigures {
  publicationId: number;
  draftId: number;
  title: string;
  department: string;
  platform: Platform;
  account: string;
  url: string | null;
  publishedAt: Date;
  /** Latest statistics; null when none were fetched. */
  reads: number | null;
  likes: number | null;
  shares: number | null;
  comments: number | null;
  /** Stored feedback on the post (all time), by sentiment. */
  feedback: SentimentCounts;
}

export interface PostTotals {
  posts: number;
  reads: number;
  likes: number;
  shares: number;
  comments: number;
}

export interface FeedbackSampleItem {
  id: number;
  text: string;
  source: string;
  sentiment: SentimentLabel;
  score: number;
  createdAt: Date;
}

export interface PendingStep {
  draftId: number;
  channel: ChannelName;
  revision: number;
  step: number;
  title: string;
  department: string;
  authorId: string;
  /** When the current step began: the revision's time for the first step, else the previous step's decision. */
  stepStartedAt: Date;
}

export interface ScheduledPost {
  publicationId: number;
  draftId: number;
  title: string;
  department: string;
  platform: Platform;
  account: string;
  dueAt: Date;
}

export interface DepartmentActivity {
  department: string;
  /** Liaisons of the department (roles include `liaison`). */
  liaisonIds: string[];
  lastDraftId: number | null;
  lastChannel: ChannelName | null;
  lastSubmittedAt: Date | null;
}

export interface OpenRectification {
  id: number;
  title: string;
  ownerId: string;
  ownerName: string | null;
  dueAt: Date;
  draftId: number | null;
}

export interface DigestQueries {
  /** Count and summed figures of the posts published in the range. */
  postTotals(tx: Tx, range: TimeRange): Promise<PostTotals>;
  /** Posts published in the range, most read first (then most recent), at most `limit`. */
  topPosts(tx: Tx, range: TimeRange, limit: number): Promise<PostFigures[]>;
  /** Posts published per bucket (one count per bucket, in order). */
  postsPerBucket(tx: Tx, buckets: readonly TimeRange[]): Promise<number[]>;
  /** Feedback written in the range, by sentiment. */
  feedbackTotals(tx: Tx, range: TimeRange): Promise<SentimentCounts>;
  /** A bounded sample of the range's feedback: the `recent` latest and the `negative` most negative. */
  feedbackSample(tx: Tx, range: TimeRange, recent: number, negative: number): Promise<FeedbackSampleItem[]>;
  /** Drafts in review with the time their current step began. */
  pendingSteps(tx: Tx): Promise<PendingStep[]>;
  /** Publications scheduled in the range, earliest first, at most `limit`; `total` counts them all. */
  scheduled(tx: Tx, range: TimeRange, limit: number): Promise<{ total: number; items: ScheduledPost[] }>;
  /** Every department with a liaison, with its latest draft. */
  departmentActivity(tx: Tx): Promise<DepartmentActivity[]>;
  /** Open rectification items, earliest due first, at most `limit`; `total` and `overdue` count them all. */
  openRectifications(tx: Tx, now: Date, limit: number): Promise<{ total: number; overdue: number; items: OpenRectification[] }>;
  /** Records that a reminder or digest with this key was sent; false when it was already. */
  markSent(tx: Tx, key: string, at: Date): Promise<boolean>;
  /** Whether a reminder or digest with this key was recorded. */
  isMarked(tx: Tx, key: string): Promise<boolean>;
  /** When `key` was first recorded: records `at` the first time, returns the stored time after (durable across restarts). */
  firstSeen(tx: Tx, key: string, at: Date): Promise<Date>;
}
