import { EntitySchema, type ValueTransformer } from 'typeorm';

/** Times are stored as fixed-width ISO-8601 UTC strings: portable, readable, and ordered as text. */
export const isoTime: ValueTransformer = {
  to: (d: Date | null | undefined) => (d instanceof Date ? d.toISOString() : (d ?? null)),
  from: (s: string | null) => (s ? new Date(s) : null),
};

export const json: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? null : JSON.stringify(v)),
  from: (s: string | null) => (s === null || s === undefined ? null : JSON.parse(s)),
};

const id = { type: 'integer' as const, primary: true, generated: 'increment' as const };
const time = (nullable = false) => ({ type: 'varchar' as const, length: 30, nullable, transformer: isoTime });
const text = (nullable = false) => ({ type: 'text' as const, nullable });
const str = (length: number, nullable = false) => ({ type: 'varchar' as const, length, nullable });
const jsonText = (nullable = false) => ({ type: 'text' as const, nullable, transformer: json });
const int = { type: 'integer' as const };

export interface MemberRow { id: string; name: string; department: string; roles: string[]; rolesFromChat: boolean; updatedAt: Date }
export const MemberEntity = new EntitySchema<MemberRow>({
  name: 'member',
  columns: {
    id: { type: 'varchar', length: 100, primary: true },
    name: str(100),
    department: str(100),
    roles: jsonText(),
    rolesFromChat: { type: 'boolean', name: 'roles_from_chat', default: false },
    updatedAt: { ...time(), name: 'updated_at' },
  },
});

export interface BindingRow { channel: string; chatId: string; boundBy: string; boundAt: Date }
export const BindingEntity = new EntitySchema<BindingRow>({
  name: 'binding',
  columns: {
    channel: { type: 'varchar', length: 20, primary: true },
    chatId: { ...str(100), name: 'chat_id' },
    boundBy: { ...str(100), name: 'bound_by' },
    boundAt: { ...time(), name: 'bound_at' },
  },
});

export interface DraftRow {
  id: number; channel: string; authorId: string; department: string; category: string; targets: unknown;
  publishAt: Date | null; state: string; revision: number; step: number; version: number; createdAt: Date; updatedAt: Date;
}
export const DraftEntity = new EntitySchema<DraftRow>({
  name: 'draft',
  columns: {
    id,
    channel: str(20),
    authorId: { ...str(100), name: 'author_id' },
    department: str(100),
    category: str(50),
    targets: jsonText(),
    publishAt: { ...time(true), name: 'publish_at' },
    state: str(30),
    revision: int,
    step: int,
    version: int,
    createdAt: { ...time(), name: 'created_at' },
    updatedAt: { ...time(), name: 'updated_at' },
  },
});

export interface RevisionRow {
  id: number; draftId: number; n: number; title: string; body: string; media: unknown; findings: unknown;
  contentHash: string; createdBy: string; createdAt: Date; source: string | null;
}
export const RevisionEntity = new EntitySchema<RevisionRow>({
  name: 'revision',
  columns: {
    id,
    draftId: { ...int, name: 'draft_id' },
    n: int,
    title: text(),
    body: text(),
    media: jsonText(),
    findings: jsonText(),
    contentHash: { ...str(64), name: 'content_hash' },
    createdBy: { ...str(100), name: 'created_by' },
    createdAt: { ...time(), name: 'created_at' },
    source: str(200, true),
  },
});

export interface DecisionRow {
  id: number; draftId: number; revision: number; step: number; role: string; deciderId: string; verdict: string; reason: string; createdAt: Date;
}
export const DecisionEntity = new EntitySchema<DecisionRow>({
  name: 'decision',
  columns: {
    id,
    draftId: { ...int, name: 'draft_id' },
    revision: int,
    step: int,
    role: str(20),
    deciderId: { ...str(100), name: 'decider_id' },
    verdict: str(20),
    reason: text(),
    createdAt: { ...time(), name: 'created_at' },
  },
});

export interface PublicationRow {
  id: number; draftId: number; revision: number; platform: string; account: string; publisher: string; state: string;
  dueAt: Date; leaseOwner: string | null; leaseUntil: Date | null; attempts: number; steps: Record<string, string>;
  url: string | null; externalId: string | null; lastError: string | null; publishedAt: Date | null; updatedAt: Date;
}
export const PublicationEntity = new EntitySchema<PublicationRow>({
  name: 'publication',
  columns: {
    id,
    draftId: { ...int, name: 'draft_id' },
    revision: int,
    platform: str(20),
    account: str(100),
    publisher: str(30),
    state: str(20),
    dueAt: { ...time(), name: 'due_at' },
    leaseOwner: { ...str(100, true), name: 'lease_owner' },
    leaseUntil: { ...time(true), name: 'lease_until' },
    attempts: int,
    steps: jsonText(),
    url: text(true),
    externalId: { ...str(200, true), name: 'external_id' },
    lastError: { ...text(true), name: 'last_error' },
    publishedAt: { ...time(true), name: 'published_at' },
    updatedAt: { ...time(), name: 'updated_at' },
  },
});

export interface AuditRow {
  id: number; actor: string; action: string; subject: string; fromState: string | null; toState: string | null;
  revision: number | null; reason: string | null; detail: unknown; createdAt: Date; prevHash: string; hash: string;
}
export const AuditEntity = new EntitySchema<AuditRow>({
  name: 'audit_log',
  columns: {
    id,
    actor: str(100),
    action: str(50),
    subject: str(100),
    fromState: { ...str(30, true), name: 'from_state' },
    toState: { ...str(30, true), name: 'to_state' },
    revision: { type: 'integer', nullable: true },
    reason: text(true),
    detail: jsonText(true),
    createdAt: { ...time(), name: 'created_at' },
    prevHash: { ...str(64), name: 'prev_hash' },
    hash: str(64),
  },
});

export interface InboxEventRow {
  id: number; channel: string; eventId: string; payload: unknown; state: string; token: string; attempts: number;
  leaseOwner: string | null; leaseUntil: Date | null; receivedAt: Date; processedAt: Date | null; lastError: string | null;
}
export const InboxEntity = new EntitySchema<InboxEventRow>({
  name: 'inbox',
  columns: {
    id,
    channel: str(20),
    eventId: { ...str(200), name: 'event_id' },
    payload: jsonText(),
    state: str(20),
    token: str(40),
    attempts: int,
    leaseOwner: { ...str(100, true), name: 'lease_owner' },
    leaseUntil: { ...time(true), name: 'lease_until' },
    receivedAt: { ...time(), name: 'received_at' },
    processedAt: { ...time(true), name: 'processed_at' },
    lastError: { ...text(true), name: 'last_error' },
  },
});

export interface OutboxMessageRow {
  id: number; channel: string; message: unknown; cardKey: string | null; state: string; attempts: number;
  nextAttemptAt: Date; leaseOwner: string | null; leaseUntil: Date | null; messageId: string | null;
  lastError: string | null; createdAt: Date; sentAt: Date | null;
}
export const OutboxEntity = new EntitySchema<OutboxMessageRow>({
  name: 'outbox',
  columns: {
    id,
    channel: str(20),
    message: jsonText(),
    cardKey: { ...str(200, true), name: 'card_key' },
    state: str(20),
    attempts: int,
    nextAttemptAt: { ...time(), name: 'next_attempt_at' },
    leaseOwner: { ...str(100, true), name: 'lease_owner' },
    leaseUntil: { ...time(true), name: 'lease_until' },
    messageId: { ...str(200, true), name: 'message_id' },
    lastError: { ...text(true), name: 'last_error' },
    createdAt: { ...time(), name: 'created_at' },
    sentAt: { ...time(true), name: 'sent_at' },
  },
});

export interface CardMessageRow { channel: string; cardKey: string; messageId: string; updatedAt: Date }
export const CardMessageEntity = new EntitySchema<CardMessageRow>({
  name: 'card_message',
  columns: {
    channel: { type: 'varchar', length: 20, primary: true },
    cardKey: { type: 'varchar', length: 200, primary: true, name: 'card_key' },
    messageId: { ...str(200), name: 'message_id' },
    updatedAt: { ...time(), name: 'updated_at' },
  },
});

export const ENTITIES = [
  MemberEntity, BindingEntity, DraftEntity, RevisionEntity, DecisionEntity, PublicationEntity,
  AuditEntity, InboxEntity, OutboxEntity, CardMessageEntity,
];
