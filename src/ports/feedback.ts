import type { Platform } from '../domain/model';
import type { Tx } from './store';

/** Audience feedback (信息反馈): the platform sources that serve comments and figures, and the repository. */

/** A published post as a feedback source sees it. */
export interface FeedbackPost {
  publicationId: number;
  platform: Platform;
  account: string;
  /** The id the publisher returned (WeChat article_id, Weibo status id, Kuaishou photo_id). */
  externalId: string | null;
  url: string | null;
  publishedAt: Date;
  /** Steps the publisher recorded (e.g. WeChat `wx_msg_data_id`). */
  steps: Record<string, string>;
}

export interface SourceComment {
  /** The platform's comment id, unique per source. */
  externalId: string;
  text: string;
  author?: string;
  createdAt: Date;
}

export interface CommentPage {
  items: SourceComment[];
  /** Where the next fetch continues; stored with the items in one transaction. */
  nextCursor: string | null;
  /** True when nothing more is available now (a later run continues from `nextCursor`). */
  done: boolean;
}

export interface PostFigures {
  reads?: number;
  likes?: number;
  shares?: number;
  comments?: number;
}

/** One platform's comments and statistics. */
export interface FeedbackSource {
  /** The `feedback.source` value, e.g. `wechat`. */
  readonly name: string;
  /** False when the platform serves figures only (Kuaishou). */
  readonly hasComments: boolean;
  /** Whether this post can be followed (e.g. WeChat needs the msg_data_id its publisher recorded). */
  supports(post: FeedbackPost): boolean;
  fetchComments(post: FeedbackPost, cursor: string | null): Promise<CommentPage>;
  /** Null when the platform has no figures for this post (yet). */
  fetchStats(post: FeedbackPost): Promise<PostFigures | null>;
}

/** A failed call to a platform; `retryable` false for failures that will not go away by waiting. */
export class FeedbackSourceError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly platformCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FeedbackSourceError';
  }
}

export type FeedbackOrigin = 'wechat' | 'weibo' | 'kuaishou' | 'chat' | 'form';

export interface FeedbackRecord {
  id: number;
  publicationId: number;
  draftId: number;
  source: string;
  externalId: string;
  /** Already masked. */
  text: string;
  author: string | null;
  sentiment: string;
  score: number;
  flags: string[];
  createdAt: Date;
  collectedAt: Date;
}

export type NewFeedback = Omit<FeedbackRecord, 'id'>;

/** A publication's feedback counted in the database. */
export interface FeedbackCounts {
  volume: number;
  bySource: Record<string, number>;
  sentiment: { positive: number; neutral: number; negative: number };
  /** Items with at least one flag. */
  flagged: number;
  /** Items with a flag of each kind. */
  flagKinds: { error_report: number; complaint: number; question: number };
}

export interface CursorRecord {
  id: number;
  publicationId: number;
  source: string;
  cursor: string | null;
  failures: number;
  lastError: string | null;
  nextAttemptAt: Date;
  done: boolean;
}

export interface StatsRecord extends PostFigures {
  publicationId: number;
  fetchedAt: Date;
}

export interface RectificationRecord {
  id: number;
  feedbackId: number | null;
  draftId: number | null;
  title: string;
  ownerId: string;
  dueAt: Date;
  state: 'open' | 'closed';
  note: string | null;
  closingNote: string | null;
  createdBy: string;
  createdAt: Date;
  closedBy: string | null;
  closedAt: Date | null;
}

/** A published publication as the feedback jobs list it. */
export interface PublishedPost {
  id: number;
  draftId: number;
  platform: Platform;
  account: string;
  url: string | null;
  externalId: string | null;
  publishedAt: Date;
  steps: Record<string, string>;
}

/** Persistence of feedback, figures, cursors, rectification items and sent reminders; every method joins `tx`. */
export interface FeedbackRepo {
  /** Stores an item unless (source, externalId) exists; returns the new id, or null for a duplicate. */
  insertFeedback(tx: Tx, item: NewFeedback): Promise<number | null>;
  getFeedback(tx: Tx, id: number): Promise<FeedbackRecord | null>;
  /** Every item of a publication (tests and tools; the summary reads counts and a sample instead). */
  feedbackOfPublication(tx: Tx, publicationId: number): Promise<FeedbackRecord[]>;
  /** Counts over all of a publication's items, in SQL. */
  feedbackCountsOfPublication(tx: Tx, publicationId: number): Promise<FeedbackCounts>;
  /**
   * A bounded sample of a publication's items, each once: the `recent` latest, the `negative`
   * most negative, and `flagged` flagged items (error reports first, then complaints, then
   * questions; earliest first within a kind, as the summary lists them).
   */
  feedbackSampleOfPublication(tx: Tx, publicationId: number, limits: { recent: number; negative: number; flagged: number }): Promise<FeedbackRecord[]>;

  /** Published publications with publishedAt in [from, to). */
  publishedBetween(tx: Tx, from: Date, to: Date): Promise<PublishedPost[]>;
  /** The draft whose published notice or status card has this platform message id. */
  draftOfMessage(tx: Tx, messageId: string): Promise<number | null>;

  /** Creates the cursor unless one exists for (publication, source). */
  ensureCursor(tx: Tx, publicationId: number, source: string, now: Date): Promise<void>;
  /** Claims due cursors with a lease (conditional update: one replica wins each). */
  claimCursors(tx: Tx, now: Date, owner: string, leaseMs: number, limit: number): Promise<CursorRecord[]>;
  /** Stores the cursor after a page (same transaction as the page's items); keeps the lease. */
  advanceCursor(tx: Tx, id: number, cursor: string | null): Promise<void>;
  /** Releases every cursor lease `owner` holds (a restarted replica takes its cursors up at once). */
  releaseCursorLeases(tx: Tx, owner: string): Promise<number>;
  /** Ends a run: releases the lease and sets the next attempt; `failures` resets on success. */
  finishCursor(tx: Tx, id: number, outcome: { ok: true; nextAttemptAt: Date; done: boolean } | { ok: false; nextAttemptAt: Date; error: string; done: boolean }): Promise<CursorRecord>;

  saveStats(tx: Tx, publicationId: number, figures: PostFigures, now: Date): Promise<void>;
  getStats(tx: Tx, publicationId: number): Promise<StatsRecord | null>;

  /** Records that a reminder / summary / alert went out; false when the key was used before. */
  claimReminder(tx: Tx, key: string, now: Date): Promise<boolean>;
  forgetReminder(tx: Tx, key: string): Promise<void>;

  /** Opens an item; null when the feedback item has an open one already (one open item per feedback item, enforced by a unique index). */
  insertRectification(tx: Tx, r: Omit<RectificationRecord, 'id' | 'closingNote' | 'closedBy' | 'closedAt' | 'state'>): Promise<RectificationRecord | null>;
  getRectification(tx: Tx, id: number): Promise<RectificationRecord | null>;
  openRectificationOf(tx: Tx, feedbackId: number): Promise<RectificationRecord | null>;
  /** Of these feedback items, those with an open rectification item (one query). */
  openRectificationFeedbackIds(tx: Tx, feedbackIds: readonly number[]): Promise<Set<number>>;
  /** Closes an open item; false when it was closed already. */
  closeRectification(tx: Tx, id: number, by: string, note: string, now: Date): Promise<boolean>;
  /** Open items due before `before`. */
  openRectificationsDue(tx: Tx, before: Date): Promise<RectificationRecord[]>;
  /** Items opened or closed in [from, to), and every item still open (for the digest). */
  rectificationsForPeriod(tx: Tx, from: Date, to: Date): Promise<RectificationRecord[]>;
}
