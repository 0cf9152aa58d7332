import pino from 'pino';
import { createApp, type CopydeskApp } from '../../src/app';
import { readConfig } from '../../src/config';
import { DraftEntity, PublicationEntity } from '../../src/db/entities';
import { PublishError, type Publisher } from '../../src/ports/publisher';
import { FakeClock } from '../support/clock';
import { testDatabase } from '../support/db';
import { buttonValues, cardText, sandboxClient } from '../support/sandbox-client';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const LEADER = 'ou_sandbox_leader';

/** Mixed targets: one handed to a person (manual), one platform failing for good, then recovering. */
describe('publishing with a manual target and a failing platform', () => {
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let client: ReturnType<typeof sandboxClient>;
  let weiboUp = false;
  const posted: string[] = [];
  // The platform adapter itself is the network edge here: it refuses until "credentials are fixed".
  const weibo: Publisher = {
    name: 'weibo-edge',
    async publish(job) {
      if (!weiboUp) throw new PublishError('微博账号授权已被撤销', false, '21332');
      posted.push(job.idempotencyKey);
      return { status: 'published', url: 'https://weibo.com/123/abc' };
    },
  };

  beforeAll(async () => {
    db = await testDatabase();
    app = await createApp({ config: readConfig({ DATABASE_URL: db.url, REPLICA_ID: 'edge' }), logger: pino({ level: 'silent' }), clock, dbSchema: db.schema, platformPublishers: { weibo } });
    server = await app.listen(0);
    client = sandboxClient(`http://127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await db?.cleanup();
  });

  it('retries the failed target while the manual one is still open, and settles once both are done', async () => {
    const body = '正文'.repeat(2000); // longer than a card may show
    await client.say(LIAISON, `投稿\n混合发布测试\n平台：公众号、微博\n${body}`);
    await app.settle();
    const no = Number(/#(\d+)/.exec(cardText((await client.botMessages(LIAISON)).at(-1)!.card))![1]);
    for (const who of [EDITOR, LEADER]) {
      const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
      // The long text is over Weibo's limit (a block): the leader approves with a reason.
      await client.tap(who, card.id, buttonValues(card.card).find((v) => v.a === 'approve')!, { reason: '微博发摘要，经组长同意' });
      await app.settle();
    }
    await app.runJobs();
    const draft = () => app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no });
    const pubs = () => app.dataSource.getRepository(PublicationEntity).find({ where: { draftId: no }, order: { id: 'ASC' } });
    expect((await pubs()).map((p) => p.state)).toEqual(['pending', 'failed']);
    expect((await draft()).state).toBe('publishing');

    // The editor got the full text as a message and a card within Feishu's size limit.
    const editorMsgs = await client.botMessages(EDITOR);
    const manualCard = editorMsgs.filter((m) => m.template === 'manual-publish').at(-1)!;
    expect(Buffer.byteLength(JSON.stringify(manualCard.card))).toBeLessThan(30 * 1024);
    expect(cardText(manualCard.card)).toContain('全文见上一条消息');
    expect(editorMsgs.some((m) => (m.text ?? '').includes(body))).toBe(true);

    // The failure reached the group with a retry button; the leader fixes the account and retries.
    const notice = (await client.botMessages(LEADER, 'group')).filter((m) => m.template === 'notice' && cardText(m.card).includes(`#${no}`)).at(-1)!;
    expect(cardText(notice.card)).toContain('微博账号授权已被撤销');
    weiboUp = true;
    const res = await client.tap(LEADER, notice.id, buttonValues(notice.card).find((v) => v.a === 'retry')!);
    expect((res.body as { toast: { type: string; content: string } }).toast.content).toContain('已重新加入发布队列');
    await app.runJobs();
    expect((await pubs()).map((p) => p.state)).toEqual(['pending', 'published']);
    expect(posted).toHaveLength(1);

    const tap = await client.tap(EDITOR, manualCard.id, buttonValues(manualCard.card).find((v) => v.a === 'manual_done')!, { link: 'https://mp.weixin.qq.com/s/abc' });
    expect((tap.body as { toast: { type: string } }).toast.type).toBe('success');
    await app.settle();
    expect((await draft()).state).toBe('published');
  });

  it('keeps a meeting time line in the body and lets a short date roll into next year', async () => {
    clock.set('2026-12-30T02:00:00Z');
    await client.say(LIAISON, '投稿\n年会通知\n时间：1月5日 14:30\n地点：礼堂\n发布时间：01-02 09:00');
    await app.settle();
    const receipt = cardText((await client.botMessages(LIAISON)).at(-1)!.card);
    expect(receipt).toContain('2027-01-02 09:00');
    const no = Number(/#(\d+)/.exec(receipt)![1]);
    const { RevisionEntity } = await import('../../src/db/entities');
    const rev = await app.dataSource.getRepository(RevisionEntity).findOneByOrFail({ draftId: no, n: 1 });
    expect(rev.body).toBe('时间：1月5日 14:30\n地点：礼堂');
  });
});
