import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Platform } from '../domain/model';
import type {
  CursorRecord, FeedbackCounts, FeedbackRecord, FeedbackRepo, NewFeedback, PostFigures, PublishedPost, RectificationRecord, StatsRecord,
} from '../ports/feedback';
import type { OutboundMessage } from '../ports/channel';
import type { Tx } from '../ports/store';
import { CardMessageEntity, OutboxEntity, PublicationEntity } from './entities';
import {
  FeedbackCursorEntity, FeedbackEntity, PostStatsEntity, RectificationEntity, ReminderEntity,
  type FeedbackCursorRow, type FeedbackRow, type RectificationRow,
} from './feedback-entities';

const em = (tx: Tx): EntityManager => tx.handle as EntityManager;
const isPostgres = (m: EntityManager) => m.connection.options.type === 'postgres';

const toCursor = (r: FeedbackCursorRow): CursorRecord => ({
  id: Number(r.id), publicationId: Number(r.publicationId), source: r.source, cursor: r.cursor, failures: Number(r.failures), lastError: r.lastError,
  nextAttemptAt: r.nextAttemptAt, done: !!r.done,
});
const toFeedback = (r: FeedbackRow): FeedbackRecord => ({ ...r, id: Number(r.id), publicationId: Number(r.publicationId), draftId: Number(r.draftId), score: Number(r.score), flags: r.flags ?? [] });
const toRectification = (r: RectificationRow): RectificationRecord => ({ ...r, id: Number(r.id), state: r.state === 'closed' ? 'closed' : 'open' });

/** The `FeedbackRepo` port over TypeORM; every method works in the caller's transaction (`tx.handle`). */
export class TypeormFeedbackRepo implements FeedbackRepo {
  async insertFeedback(tx: Tx, item: NewFeedback) {
    const m = em(tx);
    const before = await m.getRepository(FeedbackEntity).findOneBy({ source: item.source, externalId: item.externalId });
    if (before) return null;
    // A copy: TypeORM writes the generated id back into the values object.
    await m.createQueryBuilder().insert().into(FeedbackEntity).values({ ...item }).orIgnore().execute();
    // Read back: on PostgreSQL a concurrent insert of the same key makes ours a no-op.
    const row = await m.getRepository(FeedbackEntity).findOneBy({ source: item.source, externalId: item.externalId });
    return row && row.collectedAt.getTime() === item.collectedAt.getTime() && row.text === item.text ? Number(row.id) : null;
  }

  async getFeedback(tx: Tx, id: number) {
    if (!Number.isSafeInteger(id)) return null;
    const r = await em(tx).getRepository(FeedbackEntity).findOneBy({ id });
    return r ? toFeedback(r) : null;
  }

  async feedbackOfPublication(tx: Tx, publicationId: number) {
    return (await em(tx).getRepository(FeedbackEntity).find({ where: { publicationId }, order: { id: 'ASC' } })).map(toFeedback);
  }

  async feedbackCountsOfPublication(tx: Tx, publicationId: number): Promise<FeedbackCounts> {
    const has = (kind: string) => `SUM(CASE WHEN f.flags LIKE '%"${kind}"%' THEN 1 ELSE 0 END)`;
    const rows = await em(tx)
      .createQueryBuilder()
      .select('f.source', 'source')
      .addSelect('f.sentiment', 'sentiment')
      .addSelect('COUNT(*)', 'n')
      .addSelect("SUM(CASE WHEN f.flags <> '[]' THEN 1 ELSE 0 END)", 'flagged')
      .addSelect(has('error_report'), 'error_report')
      .addSelect(has('complaint'), 'complaint')
      .addSelect(has('question'), 'question')
      .from(FeedbackEntity, 'f')
      .where('f.publication_id = :publicationId', { publicationId })
      .groupBy('f.source')
      .addGroupBy('f.sentiment')
      .getRawMany<Record<'source' | 'sentiment' | 'n' | 'flagged' | 'error_report' | 'complaint' | 'question', string | number | null>>();
    const counts: FeedbackCounts = { volume: 0, bySource: {}, sentiment: { positive: 0, neutral: 0, negative: 0 }, flagged: 0, flagKinds: { error_report: 0, complaint: 0, question: 0 } };
    for (const r of rows) {
      const n = Number(r.n);
      const source = String(r.source);
      counts.volume += n;
      counts.bySource[source] = (counts.bySource[source] ?? 0) + n;
      const label = String(r.sentiment);
      if (label === 'positive' || label === 'neutral' || label === 'negative') counts.sentiment[label] += n;
      counts.flagged += Number(r.flagged ?? 0);
      for (const k of ['error_report', 'complaint', 'question'] as const) counts.flagKinds[k] += Number(r[k] ?? 0);
    }
    return counts;
  }

  async feedbackSampleOfPublication(tx: Tx, publicationId: number, limits: { recent: number; negative: number; flagged: number }) {
    const repo = em(tx).getRepository(FeedbackEntity);
    const of = () => repo.createQueryBuilder('f').where('f.publication_id = :publicationId', { publicationId });
    const recent = await of().orderBy('f.created_at', 'DESC').addOrderBy('f.id', 'DESC').limit(limits.recent).getMany();
    const negative = await of().andWhere("f.sentiment = 'negative'").orderBy('f.score', 'ASC').addOrderBy('f.id', 'ASC').limit(limits.negative).getMany();
    const flagged = await of()
      .andWhere("f.flags <> '[]'")
      .addSelect(`CASE WHEN f.flags LIKE '%"error_report"%' THEN 0 WHEN f.flags LIKE '%"complaint"%' THEN 1 ELSE 2 END`, 'flag_rank')
      .orderBy('flag_rank', 'ASC')
      .addOrderBy('f.created_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(limits.flagged)
      .getMany();
    const byId = new Map<number, FeedbackRecord>();
    for (const r of [...recent, ...negative, ...flagged]) if (!byId.has(Number(r.id))) byId.set(Number(r.id), toFeedback(r));
    return [...byId.values()];
  }

  async publishedBetween(tx: Tx, from: Date, to: Date): Promise<PublishedPost[]> {
    const rows = await em(tx)
      .getRepository(PublicationEntity)
      .createQueryBuilder('p')
      .where("p.state = 'published' AND p.published_at >= :from AND p.published_at < :to", { from: from.toISOString(), to: to.toISOString() })
      .orderBy('p.id', 'ASC')
      .getMany();
    return rows
      .filter((r) => r.publishedAt)
      .map((r) => ({
        id: Number(r.id), draftId: Number(r.draftId), platform: r.platform as Platform, account: r.account, url: r.url, externalId: r.externalId,
        publishedAt: r.publishedAt!, steps: r.steps ?? {},
      }));
  }

  async draftOfMessage(tx: Tx, messageId: string) {
    const m = em(tx);
    const card = await m.getRepository(CardMessageEntity).findOneBy({ messageId });
    const fromKey = card && /^status:(\d+)$/.exec(card.cardKey);
    if (fromKey) return Number(fromKey[1]);
    const rows = await m.getRepository(OutboxEntity).find({ where: { messageId }, order: { id: 'ASC' }, take: 5 });
    for (const r of rows) {
      const msg = r.message as OutboundMessage;
      const key = msg.cardKey && /^status:(\d+)$/.exec(msg.cardKey);
      if (key) return Number(key[1]);
      // The author's 已发布 notice (src/usecases/publish.ts).
      const notice = msg.body.kind === 'text' && /^稿件 #(\d+) 已发布/.exec(msg.body.text);
      if (notice) return Number(notice[1]);
    }
    return null;
  }

  async ensureCursor(tx: Tx, publicationId: number, source: string, now: Date) {
    const m = em(tx);
    if (await m.getRepository(FeedbackCursorEntity).findOneBy({ publicationId, source })) return;
    await m
      .createQueryBuilder()
      .insert()
      .into(FeedbackCursorEntity)
      .values({ publicationId, source, cursor: null, failures: 0, lastError: null, nextAttemptAt: now, done: false, leaseOwner: null, leaseUntil: null })
      .orIgnore()
      .execute();
  }

  async claimCursors(tx: Tx, now: Date, owner: string, leaseMs: number, limit: number) {
    const m = em(tx);
    const iso = now.toISOString();
    const claimable = 'NOT done AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)';
    const params = { now: iso };
    const candidates = await m
      .createQueryBuilder()
      .select('c.id', 'id')
      .from(FeedbackCursorEntity, 'c')
      .where('NOT c.done AND c.next_attempt_at <= :now AND (c.lease_until IS NULL OR c.lease_until < :now)', params)
      .orderBy('c.next_attempt_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number | string }>();
    const won: number[] = [];
    for (const { id } of candidates) {
      const res = await m
        .createQueryBuilder()
        .update(FeedbackCursorEntity)
        .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
        .where(`id = :id AND ${claimable}`, { ...params, id: Number(id) })
        .execute();
      if (res.affected === 1) won.push(Number(id));
    }
    if (!won.length) return [];
    return (await m.getRepository(FeedbackCursorEntity).find({ where: { id: In(won) }, order: { id: 'ASC' } })).map(toCursor);
  }

  async advanceCursor(tx: Tx, id: number, cursor: string | null) {
    await em(tx).getRepository(FeedbackCursorEntity).update({ id }, { cursor });
  }

  async releaseCursorLeases(tx: Tx, owner: string) {
    const res = await em(tx)
      .createQueryBuilder()
      .update(FeedbackCursorEntity)
      .set({ leaseOwner: null, leaseUntil: null })
      .where('lease_owner = :owner', { owner })
      .execute();
    return res.affected ?? 0;
  }

  async finishCursor(tx: Tx, id: number, outcome: Parameters<FeedbackRepo['finishCursor']>[2]) {
    const repo = em(tx).getRepository(FeedbackCursorEntity);
    const row = await repo.findOneByOrFail({ id });
    const changes: Partial<FeedbackCursorRow> = outcome.ok
      ? { failures: 0, lastError: null, nextAttemptAt: outcome.nextAttemptAt, done: outcome.done, leaseOwner: null, leaseUntil: null }
      : { failures: Number(row.failures) + 1, lastError: outcome.error.slice(0, 1000), nextAttemptAt: outcome.nextAttemptAt, done: outcome.done, leaseOwner: null, leaseUntil: null };
    await repo.update({ id }, changes);
    return toCursor({ ...row, ...changes });
  }

  async saveStats(tx: Tx, publicationId: number, f: PostFigures, now: Date) {
    const repo = em(tx).getRepository(PostStatsEntity);
    const values = { reads: f.reads ?? null, likes: f.likes ?? null, shares: f.shares ?? null, comments: f.comments ?? null, fetchedAt: now };
    const existing = await repo.findOneBy({ publicationId });
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ publicationId, ...values, extra: null });
  }

  async getStats(tx: Tx, publicationId: number): Promise<StatsRecord | null> {
    const r = await em(tx).getRepository(PostStatsEntity).findOneBy({ publicationId });
    if (!r) return null;
    const n = (v: number | null) => (v === null || v === undefined ? undefined : Number(v));
    return { publicationId, reads: n(r.reads), likes: n(r.likes), shares: n(r.shares), comments: n(r.comments), fetchedAt: r.fetchedAt };
  }

  async claimReminder(tx: Tx, key: string, now: Date) {
    const m = em(tx);
    // INSERT … ON CONFLICT DO NOTHING RETURNING: exact under concurrency on both dialects (SQLite >= 3.35).
    const sql = isPostgres(m)
      ? 'INSERT INTO "reminder" ("key", "sent_at") VALUES ($1, $2) ON CONFLICT ("key") DO NOTHING RETURNING "id"'
      : 'INSERT INTO "reminder" ("key", "sent_at") VALUES (?, ?) ON CONFLICT ("key") DO NOTHING RETURNING "id"';
    const rows: unknown = await m.query(sql, [key, now.toISOString()]);
    return Array.isArray(rows) && rows.length > 0;
  }

  async forgetReminder(tx: Tx, key: string) {
    await em(tx).getRepository(ReminderEntity).delete({ key });
  }

  async insertRectification(tx: Tx, r: Parameters<FeedbackRepo['insertRectification']>[1]) {
    const m = em(tx);
    // ON CONFLICT DO NOTHING against the partial unique index on open items per feedback item
    // (migrations/1764410000000-rectification-unique.ts): of two simultaneous inserts one wins, the
    // other waits for it (PostgreSQL) and inserts nothing. RETURNING needs SQLite >= 3.35.
    const values = [r.feedbackId, r.draftId, r.title, r.ownerId, r.dueAt.toISOString(), 'open', r.note, null, r.createdBy, r.createdAt.toISOString(), null, null];
    const marks = values.map((_, i) => (isPostgres(m) ? `$${i + 1}` : '?')).join(', ');
    const rows: unknown = await m.query(
      'INSERT INTO "rectification" ("feedback_id", "draft_id", "title", "owner_id", "due_at", "state", "note", "closing_note", "created_by", "created_at", "closed_by", "closed_at") ' +
        `VALUES (${marks}) ON CONFLICT DO NOTHING RETURNING "id"`,
      values,
    );
    const inserted = Array.isArray(rows) ? (rows[0] as { id: number | string } | undefined) : undefined;
    if (!inserted) return null;
    return toRectification({ ...r, id: Number(inserted.id), state: 'open', closingNote: null, closedBy: null, closedAt: null });
  }

  async getRectification(tx: Tx, id: number) {
    if (!Number.isSafeInteger(id)) return null;
    const r = await em(tx).getRepository(RectificationEntity).findOneBy({ id });
    return r ? toRectification(r) : null;
  }

  async openRectificationOf(tx: Tx, feedbackId: number) {
    const r = await em(tx).getRepository(RectificationEntity).findOne({ where: { feedbackId, state: 'open' }, order: { id: 'ASC' } });
    return r ? toRectification(r) : null;
  }

  async openRectificationFeedbackIds(tx: Tx, feedbackIds: readonly number[]) {
    const ids = [...new Set(feedbackIds.filter((id) => Number.isSafeInteger(id)))];
    if (!ids.length) return new Set<number>();
    const rows = await em(tx)
      .createQueryBuilder()
      .select('r.feedback_id', 'feedbackId')
      .from(RectificationEntity, 'r')
      .where("r.state = 'open' AND r.feedback_id IN (:...ids)", { ids })
      .getRawMany<{ feedbackId: number | string }>();
    return new Set(rows.map((r) => Number(r.feedbackId)));
  }

  async closeRectification(tx: Tx, id: number, by: string, note: string, now: Date) {
    const res = await em(tx)
      .createQueryBuilder()
      .update(RectificationEntity)
      .set({ state: 'closed', closedBy: by, closingNote: note, closedAt: now })
      .where("id = :id AND state = 'open'", { id })
      .execute();
    return res.affected === 1;
  }

  async openRectificationsDue(tx: Tx, before: Date) {
    const rows = await em(tx)
      .getRepository(RectificationEntity)
      .createQueryBuilder('r')
      .where("r.state = 'open' AND r.due_at < :before", { before: before.toISOString() })
      .orderBy('r.due_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
    return rows.map(toRectification);
  }

  async rectificationsForPeriod(tx: Tx, from: Date, to: Date) {
    const f = from.toISOString();
    const t = to.toISOString();
    const rows = await em(tx)
      .getRepository(RectificationEntity)
      .createQueryBuilder('r')
      .where("r.state = 'open' OR (r.created_at >= :f AND r.created_at < :t) OR (r.closed_at >= :f AND r.closed_at < :t)", { f, t })
      .orderBy('r.id', 'ASC')
      .getMany();
    return rows.map(toRectification);
  }
}
