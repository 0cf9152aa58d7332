import type { FeedbackRepo, FeedbackSource } from '../../ports/feedback';

/** Settings of the feedback module, read from the environment by src/feedback-module.ts. */
export interface FeedbackSettings {
  /** Comments are collected for this long after publishing (FEEDBACK_WINDOW_HOURS). */
  windowMs: number;
  /** The summary card is posted this long after publishing (SUMMARY_AFTER_HOURS). */
  summaryAfterMs: number;
  /** Consecutive failures of one post's source before the working group is told (FEEDBACK_FAILURE_ALERT_AFTER). */
  failureAlertAfter: number;
  /** Pages fetched per post and run. */
  pageLimit: number;
  /** Lease of a claimed cursor. */
  leaseMs: number;
  /** First back-off after a failure; doubles per failure up to `maxRetryMs`. */
  retryBaseMs: number;
  maxRetryMs: number;
  /** Cursors handled per run. */
  batch: number;
}

export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = {
  windowMs: 72 * 3_600_000,
  summaryAfterMs: 24 * 3_600_000,
  failureAlertAfter: 3,
  pageLimit: 20,
  leaseMs: 10 * 60_000,
  retryBaseMs: 10 * 60_000,
  maxRetryMs: 6 * 3_600_000,
  batch: 50,
};

/** What the feedback use cases need beyond the core `Deps`. */
export interface FeedbackDeps {
  repo: FeedbackRepo;
  /**
   * Sources keyed like the publishers: `platform:account` for a named account, `platform` for the
   * account that serves plain platform targets; accounts without credentials are absent.
   */
  sources: Partial<Record<string, FeedbackSource>>;
  settings: FeedbackSettings;
}

/** The source of a publication's (platform, account); a named account never falls back to another account's credentials. */
export function sourceFor(sources: FeedbackDeps['sources'], platform: string, account: string): FeedbackSource | undefined {
  return account ? sources[`${platform}:${account}`] : sources[platform];
}
