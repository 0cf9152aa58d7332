import { openDatabase } from '../../src/db/data-source';
import { AuditEntity } from '../../src/db/entities';
import { TypeormStore, auditHash } from '../../src/db/store';
import { createDbTokenStore } from '../../src/db/token-store';
import { FakeClock } from '../support/clock';
import { testDatabase } from '../support/db';

/** The store's atomic claims, leases and audit chain, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. */
describe('TypeormStore', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  let a: TypeormStore;
  let b: TypeormStore;

  beforeAll(async () => {
    db = await testDatabase();
    a = new TypeormStore(await openDatabase(db.url, { schema: db.schema }), () => clock.now());
    // A second replica: its own connection to the same database.
    b = new TypeormStore(await openDatabase(db.url, { schema: db.schema }), () => clock.now());
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.cleanup();
  });

  it('lets two replicas claim due publications without overlap, and takes over expired leases only', async () => {
    const draft = await a.transaction(async (tx) => {
      const d = await tx.insertDraft({ channel: 'sandbox', authorId: 'ou_1', department: '宣传部', category: '其他', targets: [{ platform: 'wechat' }], publishAt: null, state: 'scheduled', revision: 1, step: 0 });
      for (let i = 0; i < 30; i++) {
        await tx.insertPublication({ draftId: d.id, revision: 1, platform: 'wechat', account: `acct-${i}`, publisher: 'webhook', state: 'scheduled', dueAt: clock.now() });
      }
      await tx.insertPublication({ draftId: d.id, revision: 1, platform: 'weibo', account: 'later', publisher: 'webhook', state: 'scheduled', dueAt: new Date(clock.now().getTime() + 3_600_000) });
      return d;
    });
    const [ca, cb] = await Promise.all([a.claimDuePublications(clock.now(), 'replica-a', 60_000, 50), b.claimDuePublications(clock.now(), 'replica-b', 60_000, 50)]);
    const ids = [...ca, ...cb].map((p) => p.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect([...ca, ...cb].every((p) => p.state === 'publishing' && p.attempts === 1)).toBe(true);

    // Within the lease nobody else takes them; after it expires another replica does.
    expect(await b.claimDuePublications(clock.now(), 'replica-b', 60_000, 50)).toHaveLength(0);
    clock.advance(61_000);
    const taken = await b.claimDuePublications(clock.now(), 'replica-b', 60_000, 50);
    expect(taken).toHaveLength(30);
    expect(taken.every((p) => p.leaseOwner === 'replica-b' && p.attempts === 2)).toBe(true);
    const pubs = await a.transaction((tx) => tx.publications(draft.id));
    expect(pubs.filter((p) => p.state === 'scheduled')).toHaveLength(1);
  });

  it('releases a replica’s own leases at start-up so its work resumes at once', async () => {
    const d = await a.transaction((tx) => tx.insertDraft({ channel: 'sandbox', authorId: 'ou_1', department: '', category: '其他', targets: [], publishAt: null, state: 'scheduled', revision: 1, step: 0 }));
    await a.transaction((tx) => tx.insertPublication({ draftId: d.id, revision: 1, platform: 'douyin', account: '', publisher: 'webhook', state: 'scheduled', dueAt: clock.now() }));
    const mine = await a.claimDuePublications(clock.now(), 'replica-c', 600_000, 50);
    expect(mine.length).toBeGreaterThan(0);
    expect(await a.claimDuePublications(clock.now(), 'replica-c', 600_000, 50)).toHaveLength(0);
    await a.releaseLeases('replica-c');
    expect((await a.claimDuePublications(clock.now(), 'replica-c', 600_000, 50)).map((p) => p.id)).toEqual(mine.map((p) => p.id));
  });

  it('stores an inbound event once', async () => {
    const ev = { type: 'message' as const, channel: 'sandbox' as const, eventId: 'ev-1', messageId: 'm1', chatId: 'c1', chatType: 'p2p' as const, senderId: 'ou_1', text: 'hi', images: [], mentions: [], mentionsBot: false, createdAt: clock.now() };
    const results = await Promise.all([a.acceptInbound('sandbox', 'ev-1', ev, clock.now()), b.acceptInbound('sandbox', 'ev-1', ev, clock.now())]);
    expect(results.sort()).toEqual(['accepted', 'duplicate']);
  });

  it('keeps decisions unique per draft, revision and step', async () => {
    const ok = await a.transaction(async (tx) => {
      const d = await tx.insertDraft({ channel: 'sandbox', authorId: 'ou_1', department: '', category: '其他', targets: [], publishAt: null, state: 'in_review', revision: 1, step: 0 });
      const first = await tx.insertDecision({ draftId: d.id, revision: 1, step: 0, role: 'editor', deciderId: 'ou_e1', verdict: 'approve', reason: '' });
      const second = await tx.insertDecision({ draftId: d.id, revision: 1, step: 0, role: 'editor', deciderId: 'ou_e2', verdict: 'reject', reason: 'x' });
      return [first, second];
    });
    expect(ok).toEqual([true, false]);
  });

  it('keeps rotated platform tokens across instances', async () => {
    const tokens = createDbTokenStore(a, () => clock.now());
    expect(await tokens.get('kuaishou:refresh')).toBeUndefined();
    await tokens.set('kuaishou:refresh', 'r1');
    await tokens.set('kuaishou:refresh', 'r2');
    expect(await createDbTokenStore(b, () => clock.now()).get('kuaishou:refresh')).toBe('r2');
    // A rotation written while another transaction is open survives that transaction's rollback.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = a.transaction(async (tx) => {
      await tx.audit({ actor: 'x', action: 'probe', subject: 's' });
      await gate;
      throw new Error('rolled back');
    });
    const write = tokens.set('kuaishou:refresh', 'r3');
    release();
    await expect(failing).rejects.toThrow('rolled back');
    await write;
    expect(await tokens.get('kuaishou:refresh')).toBe('r3');
  });

  it('knows when a later outbox row updates the same card', async () => {
    await a.transaction(async (tx) => {
      await tx.enqueue('sandbox', { to: { kind: 'chat', id: 'oc_1' }, body: { kind: 'text', text: 'v1' }, cardKey: 'status:99' });
      await tx.enqueue('sandbox', { to: { kind: 'chat', id: 'oc_1' }, body: { kind: 'text', text: 'v2' }, cardKey: 'status:99' });
    });
    const rows = await a.claimOutbox(clock.now(), 'r', 60_000, 100);
    const mine = rows.filter((r) => r.message.cardKey === 'status:99');
    expect(await a.hasNewerCardMessage('sandbox', 'status:99', mine[0].id)).toBe(true);
    expect(await a.hasNewerCardMessage('sandbox', 'status:99', mine[1].id)).toBe(false);
  });

  it('chains audit rows so that an edited row shows', async () => {
    await a.transaction(async (tx) => {
      await tx.audit({ actor: 'ou_1', action: 'submit', subject: 'draft:1', toState: 'in_review', revision: 1 });
      await tx.audit({ actor: 'ou_2', action: 'approve_step', subject: 'draft:1', fromState: 'in_review', toState: 'in_review', revision: 1 });
    });
    const rows = await a.dataSource.getRepository(AuditEntity).find({ order: { id: 'ASC' } });
    const verify = (list: typeof rows) => list.every((r, i) => auditHash({ ...r }) === r.hash && (i === 0 || r.prevHash === list[i - 1].hash));
    expect(verify(rows)).toBe(true);
    const tampered = rows.map((r, i) => (i === 0 ? { ...r, actor: 'someone-else' } : r));
    expect(verify(tampered)).toBe(false);
  });
});
