import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, ObjectLiteral, EntitySchema } from 'typeorm';
import { In } from 'typeorm';
import type { DraftState } from '../domain/draft';
import { AppError } from '../domain/errors';
import type { Category, Finding, MediaRef, Platform, Role } from '../domain/model';
import type { Member } from '../domain/roster';
import type { ChannelName, InboundEvent, OutboundMessage } from '../ports/channel';
import type {
  AuditEntry, DecisionRecord, DraftRecord, InboxRow, OutboxRow, PublicationRecord, PublicationState, RevisionRecord, Store, Tx, Verdict,
} from '../ports/store';
import {
  AuditEntity, BindingEntity, CardMessageEntity, DecisionEntity, DraftEntity, InboxEntity, MemberEntity, OutboxEntity,
  PublicationEntity, RevisionEntity,
  type AuditRow, type DecisionRow, type DraftRow, type InboxEventRow, type MemberRow, type OutboxMessageRow, type PublicationRow, type RevisionRow,
} from './entities';

/** Serialises work on the single SQLite connection: a statement outside a transaction would otherwise join it. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const toDraft = (r: DraftRow): DraftRecord => ({
  id: r.id, channel: r.channel as ChannelName, authorId: r.authorId, department: r.department, category: r.category as Category,
  targets: r.targets as DraftRecord['targets'], publishAt: r.publishAt, state: r.state as DraftState, revision: r.revision,
  step: r.step, version: r.version, createdAt: r.createdAt, updatedAt: r.updatedAt,
});
const toRevision = (r: RevisionRow): RevisionRecord => ({
  draftId: r.draftId, n: r.n, title: r.title, body: r.body, media: r.media as MediaRef[], findings: r.findings as Finding[],
  contentHash: r.contentHash, createdBy: r.createdBy, createdAt: r.createdAt, source: r.source,
});
const toDecision = (r: DecisionRow): DecisionRecord => ({
  draftId: r.draftId, revision: r.revision, step: r.step, role: r.role as Role, deciderId: r.deciderId, verdict: r.verdict as Verdict,
  reason: r.reason, createdAt: r.createdAt,
});
const toPublication = (r: PublicationRow): PublicationRecord => ({
  id: r.id, draftId: r.draftId, revision: r.revision, platform: r.platform as Platform, account: r.account, publisher: r.publisher,
  state: r.state as PublicationState, dueAt: r.dueAt, leaseOwner: r.leaseOwner, leaseUntil: r.leaseUntil, attempts: r.attempts,
  steps: r.steps ?? {}, url: r.url, externalId: r.externalId, lastError: r.lastError, publishedAt: r.publishedAt,
});
const toMember = (r: MemberRow): Member => ({ id: r.id, name: r.name, department: r.department, roles: r.roles as Role[] });

class TypeormTx implements Tx {
  constructor(
    readonly em: EntityManager,
    private readonly now: () => Date,
    private readonly postgres: boolean,
  ) {}

  get handle(): EntityManager {
    return this.em;
  }

  private repo<T extends ObjectLiteral>(e: EntitySchema<T>) {
    return this.em.getRepository<T>(e);
  }

  async getMember(id: string) {
    const r = await this.repo(MemberEntity).findOneBy({ id });
    return r ? toMember(r) : null;
  }
  async listMembers() {
    return (await this.repo(MemberEntity).find({ order: { id: 'ASC' } })).map(toMember);
  }
  async membersWithRole(role: Role) {
    return (await this.listMembers()).filter((m) => m.roles.includes(role));
  }
  async upsertMember(m: Member, opts: { keepRoles?: boolean } = {}) {
    const repo = this.repo(MemberEntity);
    const existing = await repo.findOneBy({ id: m.id });
    if (!existing) {
      await repo.insert({ ...m, rolesFromChat: false, updatedAt: this.now() });
      return;
    }
    const keepRoles = opts.keepRoles && existing.rolesFromChat;
    await repo.update({ id: m.id }, { name: m.name, department: m.department, ...(keepRoles ? {} : { roles: m.roles }), updatedAt: this.now() });
  }
  async setRoles(id: string, roles: Role[]) {
    await this.repo(MemberEntity).update({ id }, { roles, rolesFromChat: true, updatedAt: this.now() });
  }

  async getBinding(channel: ChannelName) {
    return (await this.repo(BindingEntity).findOneBy({ channel }))?.chatId ?? null;
  }
  async setBinding(channel: ChannelName, chatId: string, by: string) {
    const repo = this.repo(BindingEntity);
    await repo.delete({ channel });
    await repo.insert({ channel, chatId, boundBy: by, boundAt: this.now() });
  }

  async insertDraft(d: Omit<DraftRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>) {
    const now = this.now();
    const row = { ...d, version: 1, createdAt: now, updatedAt: now };
    const res = await this.repo(DraftEntity).insert(row);
    return toDraft({ ...row, id: Number(res.identifiers[0].id) } as DraftRow);
  }
  async getDraft(id: number) {
    if (!Number.isSafeInteger(id)) return null;
    const r = await this.repo(DraftEntity).findOneBy({ id });
    return r ? toDraft(r) : null;
  }
  async updateDraft(d: DraftRecord, changes: Partial<Pick<DraftRecord, 'state' | 'revision' | 'step' | 'publishAt'>>) {
    const updatedAt = this.now();
    const res = await this.em
      .createQueryBuilder()
      .update(DraftEntity)
      .set({ ...changes, version: d.version + 1, updatedAt } as never)
      .where('id = :id AND version = :version', { id: d.id, version: d.version })
      .execute();
    if (res.affected !== 1) throw new AppError('conflict', `稿件 #${d.id} 刚刚被其他操作更新，请重试。`);
    return { ...d, ...changes, version: d.version + 1, updatedAt };
  }
  async draftsByAuthor(authorId: string, limit: number) {
    return (await this.repo(DraftEntity).find({ where: { authorId }, order: { id: 'DESC' }, take: limit })).map(toDraft);
  }

  async insertRevision(r: Omit<RevisionRecord, 'createdAt'>) {
    const row = { ...r, source: r.source ?? null, createdAt: this.now() };
    await this.repo(RevisionEntity).insert(row);
    return row;
  }
  async revisionBySource(source: string) {
    const r = await this.repo(RevisionEntity).findOneBy({ source });
    return r ? toRevision(r) : null;
  }
  async getRevision(draftId: number, n: number) {
    const r = await this.repo(RevisionEntity).findOneBy({ draftId, n });
    return r ? toRevision(r) : null;
  }

  async insertDecision(d: Omit<DecisionRecord, 'createdAt'>) {
    if (await this.getDecision(d.draftId, d.revision, d.step)) return false;
    const res = await this.em.createQueryBuilder().insert().into(DecisionEntity).values({ ...d, createdAt: this.now() }).orIgnore().execute();
    const again = await this.getDecision(d.draftId, d.revision, d.step);
    return !!again && again.deciderId === d.deciderId && res !== undefined;
  }
  async getDecision(draftId: number, revision: number, step: number) {
    const r = await this.repo(DecisionEntity).findOneBy({ draftId, revision, step });
    return r ? toDecision(r) : null;
  }
  async decisions(draftId: number) {
    return (await this.repo(DecisionEntity).find({ where: { draftId }, order: { id: 'ASC' } })).map(toDecision);
  }

  async insertPublication(p: Parameters<Tx['insertPublication']>[0]) {
    const row = { ...p, leaseOwner: null, leaseUntil: null, attempts: 0, steps: {}, url: null, externalId: null, lastError: null, publishedAt: null, updatedAt: this.now() };
    const res = await this.repo(PublicationEntity).insert(row);
    return toPublication({ ...row, id: Number(res.identifiers[0].id) } as PublicationRow);
  }
  async publications(draftId: number) {
    return (await this.repo(PublicationEntity).find({ where: { draftId }, order: { id: 'ASC' } })).map(toPublication);
  }
  async getPublication(id: number) {
    const r = await this.repo(PublicationEntity).findOneBy({ id });
    return r ? toPublication(r) : null;
  }
  async publicationByStep(name: string, value: string) {
    if (!/^[\w-]{1,100}$/.test(name) || !/^[\w-]{1,200}$/.test(value)) return null;
    // Steps are stored as JSON text; the LIKE narrows, the parse decides.
    const rows = await this.repo(PublicationEntity)
      .createQueryBuilder('p')
      .where('p.steps LIKE :pattern', { pattern: `%${JSON.stringify(name)}:${JSON.stringify(value)}%` })
      .getMany();
    const row = rows.find((r) => r.steps?.[name] === value);
    return row ? toPublication(row) : null;
  }
  async updatePublication(id: number, changes: Partial<Omit<PublicationRecord, 'id' | 'draftId'>>) {
    await this.repo(PublicationEntity).update({ id }, { ...changes, updatedAt: this.now() } as Partial<PublicationRow>);
  }

  async audit(entry: AuditEntry) {
    // The log is a hash chain: each row seals the previous one, so an edited or deleted row shows.
    if (this.postgres) await this.em.query('SELECT pg_advisory_xact_lock(7305)');
    const repo = this.repo(AuditEntity);
    const last = await repo.find({ order: { id: 'DESC' }, take: 1 });
    const prevHash = last[0]?.hash ?? '0'.repeat(64);
    const createdAt = this.now();
    const row: Omit<AuditRow, 'id'> = {
      actor: entry.actor, action: entry.action, subject: entry.subject, fromState: entry.fromState ?? null, toState: entry.toState ?? null,
      revision: entry.revision ?? null, reason: entry.reason ?? null, detail: entry.detail ?? null, createdAt, prevHash, hash: '',
    };
    row.hash = auditHash(row);
    await repo.insert(row as never);
  }

  async enqueue(channel: ChannelName, message: OutboundMessage) {
    const now = this.now();
    await this.repo(OutboxEntity).insert({
      channel, message, cardKey: message.cardKey ?? null, state: 'pending', attempts: 0, nextAttemptAt: now,
      leaseOwner: null, leaseUntil: null, messageId: null, lastError: null, createdAt: now, sentAt: null,
    });
  }
}

/** Hash of an audit row's content and the previous row's hash (the fields are listed so the id and the hash stay out). */
export function auditHash(row: Omit<AuditRow, 'id'>): string {
  const content = [row.prevHash, row.createdAt.toISOString(), row.actor, row.action, row.subject, row.fromState, row.toState, row.revision, row.reason, row.detail ?? null];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The `Store` port over TypeORM (SQLite through better-sqlite3, or PostgreSQL). */
export class TypeormStore implements Store {
  private readonly mutex = new Mutex();
  private readonly postgres: boolean;

  constructor(
    readonly dataSource: DataSource,
    private readonly now: () => Date,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** On SQLite everything runs one at a time; PostgreSQL has its own concurrency control. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.postgres ? fn() : this.mutex.run(fn);
  }

  /** A transaction of its own for other database adapters (e.g. the token store), under the same lock. */
  exclusive<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.serial(() => this.dataSource.transaction(fn));
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serial(() => this.dataSource.transaction((em) => fn(new TypeormTx(em, this.now, this.postgres))));
  }

  /** Takes a row only if it is still claimable: the conditional UPDATE is the atomic claim. */
  private async claim<T extends ObjectLiteral & { id: number }>(
    entity: EntitySchema<T>,
    candidates: string,
    claimable: string,
    params: Record<string, unknown>,
    set: Record<string, unknown>,
    limit: number,
  ): Promise<number[]> {
    const ids = (
      await this.dataSource.createQueryBuilder().select('e.id', 'id').from(entity, 'e').where(candidates, params).orderBy('e.id', 'ASC').limit(limit).getRawMany()
    ).map((r: { id: number | string }) => Number(r.id));
    const won: number[] = [];
    for (const id of ids) {
      const res = await this.dataSource.createQueryBuilder().update(entity).set(set as never).where(`id = :id AND (${claimable})`, { ...params, id }).execute();
      if (res.affected === 1) won.push(id);
    }
    return won;
  }

  claimDuePublications(now: Date, owner: string, leaseMs: number, limit: number) {
    return this.serial(async () => {
      const iso = now.toISOString();
      const cond = "(state = 'scheduled' AND due_at <= :now) OR (state = 'publishing' AND lease_until < :now)";
      const ids = await this.claim(PublicationEntity, cond.replace(/state/g, 'e.state').replace(/due_at/g, 'e.due_at').replace(/lease_until/g, 'e.lease_until'), cond, { now: iso }, {
        state: 'publishing', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), attempts: () => 'attempts + 1', updatedAt: iso,
      }, limit);
      if (!ids.length) return [];
      const rows = await this.dataSource.getRepository(PublicationEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
      return rows.map(toPublication);
    });
  }

  recordPublicationStep(id: number, name: string, value: string, owner: string) {
    return this.transaction(async (tx) => {
      const repo = (tx as TypeormTx).em.getRepository(PublicationEntity);
      const row = await repo.findOneBy({ id });
      if (!row || row.leaseOwner !== owner || row.state !== 'publishing') return false;
      await repo.update({ id }, { steps: { ...(row.steps ?? {}), [name]: value }, updatedAt: this.now() });
      return true;
    });
  }

  renewPublicationLease(id: number, owner: string, until: Date) {
    return this.serial(async () => {
      const res = await this.dataSource
        .createQueryBuilder()
        .update(PublicationEntity)
        .set({ leaseUntil: until.toISOString() } as never)
        .where("id = :id AND lease_owner = :owner AND state = 'publishing'", { id, owner })
        .execute();
      return res.affected === 1;
    });
  }

  acceptInbound(channel: ChannelName, eventId: string, event: InboundEvent, now: Date) {
    return this.serial(async () => {
      const token = randomUUID();
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(InboxEntity)
        .values({ channel, eventId, payload: event, state: 'pending', token, attempts: 0, leaseOwner: null, leaseUntil: null, receivedAt: now, processedAt: null, lastError: null })
        .orIgnore()
        .execute();
      const row = await this.dataSource.getRepository(InboxEntity).findOneBy({ channel, eventId });
      return row?.token === token ? 'accepted' : 'duplicate';
    });
  }

  claimInbox(now: Date, owner: string, leaseMs: number, limit: number) {
    return this.serial(async () => {
      const cond = "(state = 'pending') OR (state = 'processing' AND lease_until < :now)";
      const ids = await this.claim(InboxEntity, cond.replace(/state/g, 'e.state').replace(/lease_until/g, 'e.lease_until'), cond, { now: now.toISOString() }, {
        state: 'processing', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), attempts: () => 'attempts + 1',
      }, limit);
      if (!ids.length) return [];
      const rows = await this.dataSource.getRepository(InboxEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
      return rows.map((r: InboxEventRow): InboxRow => ({ id: r.id, channel: r.channel as ChannelName, eventId: r.eventId, event: r.payload as InboundEvent, attempts: r.attempts }));
    });
  }

  finishInbox(id: number, error?: string) {
    return this.serial(async () => {
      const repo = this.dataSource.getRepository(InboxEntity);
      const row = await repo.findOneBy({ id });
      // Once handled, the message text is not kept: feedback and drafts keep their own (masked) copies.
      const payload = row ? { type: (row.payload as InboundEvent).type, eventId: row.eventId, redacted: true } : null;
      await repo.update({ id }, { state: error ? 'failed' : 'done', processedAt: this.now(), lastError: error ?? null, leaseOwner: null, ...(payload ? { payload } : {}) });
    });
  }

  claimOutbox(now: Date, owner: string, leaseMs: number, limit: number) {
    return this.serial(async () => {
      const iso = now.toISOString();
      const cond = "(state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND lease_until < :now)";
      const ids = await this.claim(OutboxEntity, cond.replace(/state/g, 'e.state').replace(/next_attempt_at/g, 'e.next_attempt_at').replace(/lease_until/g, 'e.lease_until'), cond, { now: iso }, {
        state: 'sending', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), attempts: () => 'attempts + 1',
      }, limit);
      if (!ids.length) return [];
      const rows = await this.dataSource.getRepository(OutboxEntity).find({ where: { id: In(ids) }, order: { id: 'ASC' } });
      return rows.map((r: OutboxMessageRow): OutboxRow => ({ id: r.id, channel: r.channel as ChannelName, message: r.message as OutboundMessage, attempts: r.attempts }));
    });
  }

  markOutboxSent(id: number, messageId: string | null) {
    return this.serial(async () => {
      await this.dataSource.getRepository(OutboxEntity).update({ id }, { state: 'sent', messageId, sentAt: this.now(), leaseOwner: null, lastError: null });
    });
  }
  markOutboxRetry(id: number, nextAt: Date, error: string) {
    return this.serial(async () => {
      await this.dataSource.getRepository(OutboxEntity).update({ id }, { state: 'pending', nextAttemptAt: nextAt, lastError: error, leaseOwner: null });
    });
  }
  markOutboxFailed(id: number, error: string) {
    return this.serial(async () => {
      await this.dataSource.getRepository(OutboxEntity).update({ id }, { state: 'failed', lastError: error, leaseOwner: null });
    });
  }
  hasNewerCardMessage(channel: ChannelName, cardKey: string, id: number) {
    return this.serial(async () => {
      const newer = await this.dataSource
        .getRepository(OutboxEntity)
        .createQueryBuilder('o')
        .where("o.channel = :channel AND o.card_key = :cardKey AND o.id > :id AND o.state <> 'failed'", { channel, cardKey, id })
        .getCount();
      return newer > 0;
    });
  }

  cardMessageId(channel: ChannelName, cardKey: string) {
    return this.serial(async () => (await this.dataSource.getRepository(CardMessageEntity).findOneBy({ channel, cardKey }))?.messageId ?? null);
  }
  setCardMessageId(channel: ChannelName, cardKey: string, messageId: string) {
    return this.serial(async () => {
      const repo = this.dataSource.getRepository(CardMessageEntity);
      await repo.delete({ channel, cardKey });
      await repo.insert({ channel, cardKey, messageId, updatedAt: this.now() });
    });
  }

  releaseLeases(owner: string) {
    return this.serial(async () => {
      const past = new Date(0).toISOString();
      for (const entity of [PublicationEntity, InboxEntity, OutboxEntity] as EntitySchema<ObjectLiteral>[]) {
        await this.dataSource.createQueryBuilder().update(entity).set({ leaseUntil: past } as never).where('lease_owner = :owner', { owner }).execute();
      }
    });
  }

  async ping() {
    try {
      await this.serial(() => this.dataSource.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
