import type { MediaRef, Platform } from '../domain/model';

/** What a publisher receives: the approved revision of a draft for one target. */
export interface PublishJob {
  publicationId: number;
  draftNo: number;
  revision: number;
  platform: Platform;
  /** Account name when the organisation has several per platform. */
  account?: string;
  title: string;
  body: string;
  media: MediaRef[];
  category: string;
  department: string;
  author: string;
  /** Stable across retries and restarts; the platform or receiver de-duplicates on it. */
  idempotencyKey: string;
  /** Results of steps completed by earlier attempts (e.g. `media_id`), to resume instead of repeating. */
  steps: Record<string, string>;
  /** Records a completed step durably before the next one starts. */
  recordStep(name: string, value: string): Promise<void>;
}

export type PublishResult =
  | { status: 'published'; url?: string; externalId?: string }
  /** Handed to a person (manual publisher) or to an asynchronous platform job; settled later. */
  | { status: 'pending'; note?: string };

export class PublishError extends Error {
  constructor(
    message: string,
    /** Retry later (5xx, time-out, rate limit); false for final failures such as review rejection. */
    readonly retryable: boolean,
    readonly platformCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PublishError';
  }
}

export interface Publisher {
  /** e.g. `webhook`, `manual`, `wechat`. */
  readonly name: string;
  /**
   * Publishes, resuming from `job.steps`. `pending` from a platform publisher means the platform is
   * still working (e.g. WeChat's asynchronous publish): the core calls `publish` again later.
   */
  publish(job: PublishJob): Promise<PublishResult>;
  /** Removes a published post where the platform allows it (`externalId` as returned when published). */
  takedown?(externalId: string): Promise<void>;
}
