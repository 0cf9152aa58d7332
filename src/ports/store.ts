import type { DraftState } from '../domain/draft';
import type { Category, Finding, MediaRef, Platform, Role } from '../domain/model';
import type { Member } from '../domain/roster';
import type { ChannelName, InboundEvent, OutboundMessage } from './channel';

/** Rows as the use cases see them. Times are `Date` (stored as UTC). */
export interface DraftRecord {
  id: number;
  channel: ChannelName;
  authorId: string;
  department: string;
  category: Category;
  targets: { platform: Platform; account?: string }[];
  publishAt: Date | null;
  state: DraftState;
  revision: number;
  /** Index into the approval chain while in review. */
  step: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RevisionRecord {
  draftId: number;
  n: number;
  title: string;
  body: string;
  media: MediaRef[];
  findings: Finding[];
  contentHash: string;
  createdBy: string;
  createdAt: Date;
  /** The event the revision came from, when it came from one (unique). */
  source?: string | null;
}

export type Verdict = 'approve' | 'changes' | 'reject';

export interface DecisionRecord {
  draftId: number;
  revision: number;
  step: number;
  role: Role;
  deciderId: string;
  verdict: Verdict;
  reason: string;
  createdAt: Date;
}

export type PublicationState = 'scheduled' | 'publishing' | 'pending' | 'published' | 'failed' | 'cancelled' | 'removed';

export interface PublicationRecord {
  id: number;
  draftId: number;
  revision: number;
  platform: Platform;
  account: string;
  publisher: string;
  state: PublicationState;
  dueAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  attempts: number;
  steps: Record<string, string>;
  url: string | null;
  externalId: string | null;
  lastError: string | null;
  publishedAt: Date | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  fromState?: string | null;
  toState?: string | null;
  revision?: number | null;
  reason?: string | null;
  detail?: Record<string, unknown>;
}

export interface OutboxRow {
  id: number;
  channel: ChannelName;
  message: OutboundMessage;
  attempts: number;
}

export interface InboxRow {
  id: number;
  channel: ChannelName;
  eventId: string;
  event: InboundEvent;
  attempts: number;
}

/** Everything a use case may read or write inside one transaction. */
export interface Tx {
  /**
   * The underlying unit of work, for database adapters of other ports (e.g. feedback repositories)
   * that must write in this same transaction. Use cases pass it on and never look inside.
   */
  readonly handle: unknown;

  getMember(id: string): Promise<Member | null>;
  listMembers(): Promise<Member[]>;
  membersWithRole(role: Role): Promise<Member[]>;
  upsertMember(m: Member, opts?: { keepRoles?: boolean }): Promise<void>;
  setRoles(id: string, roles: Role[]): Promise<void>;

  getBinding(channel: ChannelName): Promise<string | null>;
  setBinding(channel: ChannelName, chatId: string, by: string): Promise<void>;

  insertDraft(d: Omit<DraftRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<DraftRecord>;
  getDraft(id: number): Promise<DraftRecord | null>;
  /** Optimistic update: fails with `AppError('conflict')` when the draft changed meanwhile. */
  updateDraft(d: DraftRecord, changes: Partial<Pick<DraftRecord, 'state' | 'revision' | 'step' | 'publishAt'>>): Promise<DraftRecord>;
  draftsByAuthor(authorId: string, limit: number): Promise<DraftRecord[]>;

  insertRevision(r: Omit<RevisionRecord, 'createdAt'>): Promise<RevisionRecord>;
  getRevision(draftId: number, n: number): Promise<RevisionRecord | null>;
  /** The revision created from this event, if any (the event was handled before). */
  revisionBySource(source: string): Promise<RevisionRecord | null>;

  /** Returns false when a decision for (draft, revision, step) exists already. */
  insertDecision(d: Omit<DecisionRecord, 'createdAt'>): Promise<boolean>;
  getDecision(draftId: number, revision: number, step: number): Promise<DecisionRecord | null>;
  decisions(draftId: number): Promise<DecisionRecord[]>;

  insertPublication(p: Omit<PublicationRecord, 'id' | 'leaseOwner' | 'leaseUntil' | 'attempts' | 'steps' | 'url' | 'externalId' | 'lastError' | 'publishedAt'>): Promise<PublicationRecord>;
  publications(draftId: number): Promise<PublicationRecord[]>;
  getPublication(id: number): Promise<PublicationRecord | null>;
  /** The publication whose recorded step `name` has `value` (e.g. WeChat's `wx_publish_id`). */
  publicationByStep(name: string, value: string): Promise<PublicationRecord | null>;
  updatePublication(id: number, changes: Partial<Omit<PublicationRecord, 'id' | 'draftId'>>): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  /** Writes a message to the outbox; it is delivered after the transaction commits. */
  enqueue(channel: ChannelName, message: OutboundMessage): Promise<void>;
}

/** The persistence port: transactions plus the few operations that are atomic on their own. */
export interface Store {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;

  /** Claims up to `limit` publications due by `now` (or whose lease expired) for `owner`. */
  claimDuePublications(now: Date, owner: string, leaseMs: number, limit: number): Promise<PublicationRecord[]>;
  /**
   * Records a completed external step of a publication (outside any transaction, durably at once),
   * only while `owner` still holds its lease; false when the lease was lost to another replica.
   */
  recordPublicationStep(id: number, name: string, value: string, owner: string): Promise<boolean>;
  /** Extends the lease of a publication this replica is publishing; false when it no longer holds it. */
  renewPublicationLease(id: number, owner: string, until: Date): Promise<boolean>;

  /** Stores an inbound event once; `duplicate` when its id was seen before. */
  acceptInbound(channel: ChannelName, eventId: string, event: InboundEvent, now: Date): Promise<'accepted' | 'duplicate'>;
  claimInbox(now: Date, owner: string, leaseMs: number, limit: number): Promise<InboxRow[]>;
  finishInbox(id: number, error?: string): Promise<void>;

  claimOutbox(now: Date, owner: string, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  markOutboxSent(id: number, messageId: string | null): Promise<void>;
  markOutboxRetry(id: number, nextAt: Date, error: string): Promise<void>;
  markOutboxFailed(id: number, error: string): Promise<void>;
  /** True when a later outbox row updates the same card: this one is stale and must not be applied. */
  hasNewerCardMessage(channel: ChannelName, cardKey: string, id: number): Promise<boolean>;
  /** Message id of a card sent earlier under `cardKey`. */
  cardMessageId(channel: ChannelName, cardKey: string): Promise<string | null>;
  setCardMessageId(channel: ChannelName, cardKey: string, messageId: string): Promise<void>;

  /** At start-up: work this replica had claimed before it stopped becomes claimable again at once. */
  releaseLeases(owner: string): Promise<void>;

  ping(): Promise<boolean>;
  close(): Promise<void>;
}
