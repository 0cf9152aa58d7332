import { AuditEntity } from '../../../src/db/entities';
import { FeedbackEntity, RectificationEntity } from '../../../src/db/feedback-entities';
import { TypeormFeedbackRepo } from '../../../src/db/feedback-repo';
import type { Tx } from '../../../src/ports/store';
import { DEFAULT_FEEDBACK_SETTINGS, type FeedbackDeps } from '../../../src/usecases/feedback/deps';
import { createRectification } from '../../../src/usecases/feedback/rectification';
import { EDITOR, LEADER, startWorld, type World } from './harness';

/**
 * Two 「建立」 taps on one feedback item at the same time. On PostgreSQL both transactions pass
 * the "no open item yet" check before either inserts (a barrier holds each at the check until the
 * other has made it too); the partial unique index lets one insert win, and the other is answered
 * like a double tap. SQLite runs the transactions one after the other (no barrier there).
 */
describe('rectification: simultaneous creates for one feedback item', () => {
  let w: World;
  let feedbackId: number;
  beforeAll(async () => {
    w = await startWorld();
    const { no } = await w.publish('同时建整改测试');
    await w.client.say(EDITOR, `/feedback ${no} 文中的日期写错了，应为12月3日。`);
    await w.app.settle();
    feedbackId = (await w.app.dataSource.getRepository(FeedbackEntity).findOneByOrFail({ source: 'chat' })).id;
  });
  afterAll(async () => {
    await w.close();
  });

  /** A repository whose first two "open item?" checks wait for each other (PostgreSQL only). */
  function racingRepo(parties: number) {
    let waiting = 0;
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    const repo = new TypeormFeedbackRepo();
    const check = repo.openRectificationOf.bind(repo);
    repo.openRectificationOf = async (tx: Tx, id: number) => {
      const found = await check(tx, id);
      if (parties > 1 && waiting < parties) {
        waiting += 1;
        if (waiting === parties) release();
        await together;
      }
      return found;
    };
    return repo;
  }

  it('creates one open item; the other tap gets the existing item, like a double tap', async () => {
    const parties = w.db.dialect === 'postgres' ? 2 : 1;
    const fb: FeedbackDeps = { repo: racingRepo(parties), sources: {}, settings: DEFAULT_FEEDBACK_SETTINGS };
    const create = (operatorId: string) =>
      createRectification(w.app.deps, fb, { channel: 'sandbox', operatorId, feedbackId, ownerId: EDITOR, due: '2026-12-03', note: '核实后更正' });
    const answers = await Promise.all([create(EDITOR), create(LEADER)]);
    await w.app.settle();

    const items = await w.app.dataSource.getRepository(RectificationEntity).find({ where: { feedbackId } });
    expect(items.map((r) => r.state)).toEqual(['open']);
    const id = items[0].id;
    const toasts = answers.map((a) => a.toast).sort((a, b) => a!.type.localeCompare(b!.type));
    expect(toasts).toEqual([
      { type: 'info', content: `已有整改事项 #${id}。` },
      { type: 'success', content: `已建立整改事项 #${id}，已通知 李编辑。` },
    ]);
    const audits = await w.app.dataSource.getRepository(AuditEntity).findBy({ action: 'rectification_opened' });
    expect(audits.map((a) => a.subject)).toEqual([`rectification:${id}`]);
    const ownerCards = (await w.client.botMessages(EDITOR)).filter((m) => m.template === 'rectification');
    expect(ownerCards).toHaveLength(1);
  });
});
