import type { DataSource } from 'typeorm';
import { openDatabase } from '../../../src/db/data-source';
import { TypeormFeedbackRepo } from '../../../src/db/feedback-repo';
import { TypeormStore } from '../../../src/db/store';
import { testDatabase } from '../../support/db';

/** The feedback repository on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL). */
describe('feedback repository', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let ds: DataSource;
  let store: TypeormStore;
  const repo = new TypeormFeedbackRepo();
  const now = new Date('2026-11-30T02:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  beforeAll(async () => {
    db = await testDatabase();
    ds = await openDatabase(db.url, { schema: db.schema });
    store = new TypeormStore(ds, () => now);
  });
  afterAll(async () => {
    await store.close();
    await db.cleanup();
  });

  it('lets two replicas claim due cursors without overlap; a lease that ran out is taken over; done cursors are not claimed', async () => {
    await store.transaction(async (tx) => {
      for (let p = 1; p <= 6; p++) await repo.ensureCursor(tx, p, 'wechat', now);
      await repo.ensureCursor(tx, 1, 'wechat', now); // exists already: no second cursor
    });
    const [a, b] = await Promise.all([
      store.transaction((tx) => repo.claimCursors(tx, now, 'replica-a', 60_000, 4)),
      store.transaction((tx) => repo.claimCursors(tx, now, 'replica-b', 60_000, 4)),
    ]);
    // Disjoint; on PostgreSQL the loser of a row waits for the winner's commit and then skips it.
    const first = [...a, ...b].map((c) => c.id);
    expect(new Set(first).size).toBe(first.length);
    expect(first.length).toBeGreaterThanOrEqual(4);
    const rest = await store.transaction((tx) => repo.claimCursors(tx, now, 'replica-b', 60_000, 10));
    const ids = [...first, ...rest.map((c) => c.id)];
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(await store.transaction((tx) => repo.claimCursors(tx, now, 'replica-c', 60_000, 10))).toEqual([]);

    await store.transaction((tx) => repo.finishCursor(tx, a[0].id, { ok: true, nextAttemptAt: now, done: true }));
    expect(await store.transaction((tx) => repo.claimCursors(tx, later(30_000), 'replica-c', 60_000, 10))).toEqual([]);
    const taken = await store.transaction((tx) => repo.claimCursors(tx, later(61_000), 'replica-c', 60_000, 10));
    expect(taken.map((c) => c.id).sort()).toEqual(ids.filter((id) => id !== a[0].id).sort());
  });

  it('counts failures and resets them on success', async () => {
    const [c] = await store.transaction(async (tx) => {
      await repo.ensureCursor(tx, 99, 'weibo', now);
      return repo.claimCursors(tx, later(10 * 60_000), 'replica-a', 60_000, 1);
    });
    const f1 = await store.transaction((tx) => repo.finishCursor(tx, c.id, { ok: false, nextAttemptAt: later(1000), error: 'boom', done: false }));
    const f2 = await store.transaction((tx) => repo.finishCursor(tx, c.id, { ok: false, nextAttemptAt: later(2000), error: 'boom again', done: false }));
    expect([f1.failures, f2.failures, f2.lastError]).toEqual([1, 2, 'boom again']);
    const ok = await store.transaction((tx) => repo.finishCursor(tx, c.id, { ok: true, nextAttemptAt: later(3000), done: false }));
    expect([ok.failures, ok.lastError]).toEqual([0, null]);
  });

  it('stores a feedback item once per (source, external id), and a reminder key once', async () => {
    const item = { publicationId: 1, draftId: 1, source: 'wechat', externalId: '1:0:7', text: '好', author: null, sentiment: 'positive', score: 0.5, flags: [], createdAt: now, collectedAt: now };
    const first = await store.transaction((tx) => repo.insertFeedback(tx, item));
    const second = await store.transaction((tx) => repo.insertFeedback(tx, { ...item, text: '又一次' }));
    expect(first).toEqual(expect.any(Number));
    expect(second).toBeNull();
    expect(await store.transaction((tx) => repo.insertFeedback(tx, { ...item, source: 'weibo' }))).toEqual(expect.any(Number));

    const claims = await Promise.all([1, 2, 3].map(() => store.transaction((tx) => repo.claimReminder(tx, 'summary:pub:1', now))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.transaction((tx) => repo.forgetReminder(tx, 'summary:pub:1'));
    expect(await store.transaction((tx) => repo.claimReminder(tx, 'summary:pub:1', now))).toBe(true);
  });

  it('opens at most one item per feedback item at a time; a closed one makes room for the next', async () => {
    const item = { feedbackId: 901, draftId: 1, title: '更正日期', ownerId: 'ou_a', dueAt: later(86_400_000), note: null, createdBy: 'ou_a', createdAt: now };
    const first = await store.transaction((tx) => repo.insertRectification(tx, item));
    expect(first).toMatchObject({ feedbackId: 901, state: 'open', dueAt: item.dueAt });
    expect(await store.transaction((tx) => repo.getRectification(tx, first!.id))).toEqual(first);
    expect(await store.transaction((tx) => repo.insertRectification(tx, { ...item, ownerId: 'ou_b' }))).toBeNull();
    // Items without a feedback item are not limited.
    const loose = await Promise.all([1, 2].map(() => store.transaction((tx) => repo.insertRectification(tx, { ...item, feedbackId: null }))));
    expect(loose.every((r) => r !== null)).toBe(true);
    await store.transaction((tx) => repo.closeRectification(tx, first!.id, 'ou_a', '已更正', now));
    expect(await store.transaction((tx) => repo.insertRectification(tx, item))).toMatchObject({ feedbackId: 901, state: 'open' });
  });

  it('the migration closes items a race opened twice, keeping the earliest open', async () => {
    await ds.undoLastMigration({ transaction: 'each' });
    const row = (title: string) => [902, 1, title, 'ou_a', later(0).toISOString(), 'open', null, null, 'ou_a', now.toISOString(), null, null];
    const pg = ds.options.type === 'postgres';
    const sql = `INSERT INTO "rectification" ("feedback_id", "draft_id", "title", "owner_id", "due_at", "state", "note", "closing_note", "created_by", "created_at", "closed_by", "closed_at") VALUES (${Array.from({ length: 12 }, (_, i) => (pg ? `$${i + 1}` : '?')).join(', ')})`;
    for (const t of ['first', 'second', 'third']) await ds.query(sql, row(t));
    await ds.runMigrations({ transaction: 'each' });
    const rows = (await ds.query(`SELECT "title", "state", "closed_by", "closed_at", "created_at" FROM "rectification" WHERE "feedback_id" = 902 ORDER BY "id"`)) as Record<string, unknown>[];
    expect(rows.map((r) => [r.title, r.state, r.closed_by])).toEqual([['first', 'open', null], ['second', 'closed', 'system'], ['third', 'closed', 'system']]);
    expect(rows[1].closed_at).toBe(rows[1].created_at);
    expect(await store.transaction((tx) => repo.insertRectification(tx, { feedbackId: 902, draftId: 1, title: 'x', ownerId: 'ou_a', dueAt: now, note: null, createdBy: 'ou_a', createdAt: now }))).toBeNull();
  });
});
