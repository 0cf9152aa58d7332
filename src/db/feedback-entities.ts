import { EntitySchema } from 'typeorm';
import { isoTime, json } from './entities';

/** Entities of the feedback schema (migrations/1764380000000-feedback-schema.ts). */

const id = { type: 'integer' as const, primary: true, generated: 'increment' as const };
const time = (nullable = false) => ({ type: 'varchar' as const, length: 30, nullable, transformer: isoTime });
const int = (nullable = false) => ({ type: 'integer' as const, nullable });

export interface FeedbackRow {
  id: number; publicationId: number; draftId: number; source: string; externalId: string; text: string; author: string | null;
  sentiment: string; score: number; flags: string[]; createdAt: Date; collectedAt: Date;
}
export const FeedbackEntity = new EntitySchema<FeedbackRow>({
  name: 'feedback',
  columns: {
    id,
    publicationId: { ...int(), name: 'publication_id' },
    draftId: { ...int(), name: 'draft_id' },
    source: { type: 'varchar', length: 20 },
    externalId: { type: 'varchar', length: 200, name: 'external_id' },
    text: { type: 'text' },
    author: { type: 'varchar', length: 100, nullable: true },
    sentiment: { type: 'varchar', length: 10 },
    score: { type: 'real', default: 0 },
    flags: { type: 'text', transformer: json },
    createdAt: { ...time(), name: 'created_at' },
    collectedAt: { ...time(), name: 'collected_at' },
  },
});

export interface PostStatsRow {
  id: number; publicationId: number; reads: number | null; likes: number | null; shares: number | null; comments: number | null;
  extra: Record<string, unknown> | null; fetchedAt: Date;
}
export const PostStatsEntity = new EntitySchema<PostStatsRow>({
  name: 'post_stats',
  columns: {
    id,
    publicationId: { ...int(), name: 'publication_id' },
    reads: int(true),
    likes: int(true),
    shares: int(true),
    comments: int(true),
    extra: { type: 'text', nullable: true, transformer: json },
    fetchedAt: { ...time(), name: 'fetched_at' },
  },
});

export interface FeedbackCursorRow {
  id: number; publicationId: number; source: string; cursor: string | null; failures: number; lastError: string | null;
  nextAttemptAt: Date; done: boolean; leaseOwner: string | null; leaseUntil: Date | null;
}
export const FeedbackCursorEntity = new EntitySchema<FeedbackCursorRow>({
  name: 'feedback_cursor',
  columns: {
    id,
    publicationId: { ...int(), name: 'publication_id' },
    source: { type: 'varchar', length: 20 },
    cursor: { type: 'text', nullable: true },
    failures: int(),
    lastError: { type: 'text', nullable: true, name: 'last_error' },
    nextAttemptAt: { ...time(), name: 'next_attempt_at' },
    done: { type: 'boolean', default: false },
    leaseOwner: { type: 'varchar', length: 100, nullable: true, name: 'lease_owner' },
    leaseUntil: { ...time(true), name: 'lease_until' },
  },
});

export interface RectificationRow {
  id: number; feedbackId: number | null; draftId: number | null; title: string; ownerId: string; dueAt: Date; state: string;
  note: string | null; closingNote: string | null; createdBy: string; createdAt: Date; closedBy: string | null; closedAt: Date | null;
}
export const RectificationEntity = new EntitySchema<RectificationRow>({
  name: 'rectification',
  columns: {
    id,
    feedbackId: { ...int(true), name: 'feedback_id' },
    draftId: { ...int(true), name: 'draft_id' },
    title: { type: 'text' },
    ownerId: { type: 'varchar', length: 100, name: 'owner_id' },
    dueAt: { ...time(), name: 'due_at' },
    state: { type: 'varchar', length: 10 },
    note: { type: 'text', nullable: true },
    closingNote: { type: 'text', nullable: true, name: 'closing_note' },
    createdBy: { type: 'varchar', length: 100, name: 'created_by' },
    createdAt: { ...time(), name: 'created_at' },
    closedBy: { type: 'varchar', length: 100, nullable: true, name: 'closed_by' },
    closedAt: { ...time(true), name: 'closed_at' },
  },
});

export interface ReminderRow { id: number; key: string; sentAt: Date }
export const ReminderEntity = new EntitySchema<ReminderRow>({
  name: 'reminder',
  columns: { id, key: { type: 'varchar', length: 200 }, sentAt: { ...time(), name: 'sent_at' } },
});

export const FEEDBACK_ENTITIES = [FeedbackEntity, PostStatsEntity, FeedbackCursorEntity, RectificationEntity, ReminderEntity];
