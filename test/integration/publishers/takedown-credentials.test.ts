/**
 * Through the real app with its own publisher registry (env as in production): /takedown with its
 * confirmation, and credential problems announced in the working-group chat.
 */
import pino from 'pino';
import { createApp, type CopydeskApp } from '../../../src/app';
import { readConfig } from '../../../src/config';
import { AuditEntity, DraftEntity, PublicationEntity } from '../../../src/db/entities';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeWeibo } from '../../fakes/weibo';
import { buttonValues, cardText, sandboxClient } from '../../support/sandbox-client';
import { testDatabase } from '../../support/db';
import { FakeClock } from '../../support/clock';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const LEADER = 'ou_sandbox_leader';

describe('takedown and credential notices', () => {
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  const wechat = new FakeWechatMp();
  const weibo = new FakeWeibo();
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let client: ReturnType<typeof sandboxClient>;

  beforeAll(async () => {
    await Promise.all([wechat.start(), weibo.start()]);
    wechat.now = () => Math.floor(clock.now().getTime() / 1000);
    weibo.now = () => clock.now();
    db = await testDatabase();
    app = await createApp({
      config: readConfig({
        DATABASE_URL: db.url,
        REPLICA_ID: 'replica-t',
        WECHAT_MP_APP_ID: wechat.appId,
        WECHAT_MP_APP_SECRET: wechat.appSecret,
        WECHAT_MP_BASE_URL: wechat.baseUrl,
        WECHAT_MP_DEFAULT_THUMB_MEDIA_ID: wechat.seedMaterial(),
        WEIBO_ACCESS_TOKEN: weibo.accessToken,
        WEIBO_BASE_URL: weibo.baseUrl,
        WEIBO_LINK_URL: 'https://www.example.gov.cn/news/',
        WEIBO_TOKEN_EXPIRES_AT: '2026-12-03T02:00:00Z',
      }),
      logger: pino({ level: 'silent' }),
      clock,
      sleep: async (ms) => clock.advance(ms),
      dbSchema: db.schema,
    });
    server = await app.listen(0);
    client = sandboxClient(`http://127.0.0.1:${server.port}`);
    await app.settle();
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await db?.cleanup();
    await Promise.all([wechat.stop(), weibo.stop()]);
  });

  const groupCards = async (text: string) => (await client.botMessages(LEADER, 'group')).filter((m) => cardText(m.card).includes(text));
  const publishApproved = async (title: string) => {
    await client.say(LIAISON, `投稿\n${title}\n平台：公众号、微博\n今天召开了年终总结会，部署明年重点工作。`);
    await app.settle();
    const no = Number(/#(\d+)/.exec(cardText((await client.botMessages(LIAISON)).at(-1)!.card))![1]);
    for (const who of [EDITOR, LEADER]) {
      const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
      await client.tap(who, card.id, buttonValues(card.card).find((v) => v.a === 'approve')!);
      await app.settle();
    }
    await app.runJobs();
    return no;
  };

  it('warns the group at start-up about a grant that expires in a few days', async () => {
    const warnings = await groupCards('发布账号需要处理');
    expect(warnings).toHaveLength(1);
    expect(cardText(warnings[0].card)).toContain('3 天后过期');
  });

  it('takes a published post down on both platforms after a leader confirms, and audits it', async () => {
    const no = await publishApproved('撤下测试');
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state).toBe('published');
    expect([wechat.postCount, weibo.postCount]).toEqual([1, 1]);

    await client.say(LIAISON, `/takedown ${no}`);
    await app.settle();
    expect((await client.botMessages(LIAISON)).at(-1)!.text).toContain('只有组长');

    await client.say(LEADER, `/takedown ${no}`);
    await app.settle();
    const confirm = (await client.botMessages(LEADER)).at(-1)!;
    expect(cardText(confirm.card)).toContain('确认撤下');
    const value = buttonValues(confirm.card).find((v) => v.a === 'takedown')!;
    // Nothing is removed before the confirmation.
    expect([wechat.postCount, weibo.postCount]).toEqual([1, 1]);

    const { handleCardAction } = await import('../../../src/usecases/router');
    const forged = await handleCardAction(app.deps, { type: 'card_action', channel: 'sandbox', eventId: 'x', operatorId: EDITOR, value, formValue: {} });
    expect(forged.toast.type).toBe('error');
    expect([wechat.postCount, weibo.postCount]).toEqual([1, 1]);

    const res = await client.tap(LEADER, confirm.id, value);
    expect((res.body as { toast: { type: string } }).toast.type).toBe('success');
    await app.settle();
    expect([wechat.postCount, weibo.postCount]).toEqual([0, 0]);
    const pubs = await app.dataSource.getRepository(PublicationEntity).findBy({ draftId: no });
    expect(pubs.map((p) => p.state)).toEqual(['removed', 'removed']);
    expect(await app.dataSource.getRepository(AuditEntity).countBy({ action: 'takedown', actor: LEADER })).toBe(2);
    const result = (await client.botMessages(LEADER, 'group')).filter((m) => (m.text ?? '').includes(`稿件 #${no} 撤下结果`));
    expect(result).toHaveLength(1);
    expect(result[0].text).toContain('已撤下：公众号、微博');

    // A second confirmation finds nothing left to remove.
    const again = await client.tap(LEADER, confirm.id, value);
    expect((again.body as { toast: { type: string } }).toast.type).toBe('info');
  });

  it('announces revoked credentials at once when publishing fails on them', async () => {
    weibo.inject('/2/statuses/share.json', { kind: 'tokenExpired' });
    const no = await publishApproved('授权过期测试');
    await app.settle();
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state).toBe('publish_failed');
    const failure = await groupCards(`发布失败：稿件 #${no}`);
    expect(failure).toHaveLength(1);
    const credential = (await groupCards('发布账号需要处理')).map((m) => cardText(m.card)).join('\n');
    expect(credential).toMatch(/微博/);
    expect(credential).toMatch(/过期|授权/);
  });
});
