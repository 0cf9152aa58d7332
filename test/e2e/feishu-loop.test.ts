import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type CopydeskApp } from '../../src/app';
import { readConfig } from '../../src/config';
import { DraftEntity, InboxEntity } from '../../src/db/entities';
import { FakeClock } from '../support/clock';
import { testDatabase } from '../support/db';
import { buttonValues, cardText } from '../support/sandbox-client';
import { startFakeFeishu, type FakeFeishu } from '../fakes/feishu-openapi';
import { FIXTURE_TOKEN, cardActionEvent, createFeishuSender, textMessageEvent, urlVerification, type FeishuSender } from '../fakes/feishu-events';
import { startWebhookReceiver } from '../fakes/webhook-receiver';

const LIAISON = 'ou_liaison00000000000000000000000';
const EDITOR = 'ou_editor000000000000000000000000';
const LEADER = 'ou_leader000000000000000000000000';
const GROUP = 'oc_workinggroup000000000000000000';
const ENCRYPT_KEY = 'e2e-encrypt-key';
const SECRET = 'e2e-webhook-secret';

/**
 * The loop as Feishu drives it: encrypted, signed events over real HTTP → receipt and approval cards
 * sent by the real SDK to a fake OpenAPI server → card callbacks → fake clock → the webhook publisher
 * called exactly once → notices.
 */
describe('Feishu end to end', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let fake: FakeFeishu;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let feishu: FeishuSender;
  const clock = new FakeClock('2026-11-30T01:00:00Z');

  beforeAll(async () => {
    db = await testDatabase();
    fake = await startFakeFeishu();
    receiver = await startWebhookReceiver(SECRET);
    const dir = mkdtempSync(join(tmpdir(), 'copydesk-org-'));
    const orgFile = join(dir, 'org.json');
    writeFileSync(
      orgFile,
      JSON.stringify({
        timezone: 'Asia/Shanghai',
        workingGroupChat: GROUP,
        departments: [{ name: '宣传部' }, { name: '人力资源部' }, { name: '党政办公室' }],
        members: [
          { openId: LIAISON, name: '张信息员', department: '人力资源部', roles: ['liaison'] },
          { openId: EDITOR, name: '李编辑', department: '宣传部', roles: ['editor'] },
          { openId: LEADER, name: '王组长', department: '党政办公室', roles: ['leader'] },
        ],
      }),
    );
    const config = readConfig({
      DATABASE_URL: db.url, ORG_FILE: orgFile, FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: FIXTURE_TOKEN, FEISHU_BASE_URL: fake.baseUrl, PUBLISH_WEBHOOK_URL: receiver.url, PUBLISH_WEBHOOK_SECRET: SECRET, REPLICA_ID: 'e2e',
    });
    app = await createApp({ config, logger: pino({ level: 'silent' }), clock, sleep: async (ms) => clock.advance(ms), dbSchema: db.schema });
    server = await app.listen(0);
    feishu = createFeishuSender({ baseUrl: `http://127.0.0.1:${server.port}`, encryptKey: ENCRYPT_KEY, now: () => clock.now() });
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await fake?.close();
    await receiver?.close();
    await db?.cleanup();
  });

  const cardsTo = (openId: string, template?: string) =>
    fake.messages.filter((m) => m.receive_id === openId && m.msg_type === 'interactive' && (!template || cardText(m.content).includes(template)));
  const inboxCount = async () => app.dataSource.getRepository(InboxEntity).count();
  const tap = async (operator: string, value: Record<string, unknown>, formValue: Record<string, unknown> = {}) => {
    const res = await feishu.post('/feishu/card', cardActionEvent({ operatorOpenId: operator, value, formValue, token: FIXTURE_TOKEN }));
    await app.settle();
    return res;
  };

  it('answers the URL challenge with an encrypt key', async () => {
    const res = await feishu.post('/feishu/events', urlVerification({ challenge: 'ch-123', token: FIXTURE_TOKEN }), { unsigned: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 'ch-123' });
  });

  it('runs submit → approve → approve → publish once → notices', async () => {
    const event = textMessageEvent('投稿\n年终总结会召开\n分类：工作动态\n发布时间：2026-11-30 10:00\n今天召开了年终总结会。', { senderOpenId: LIAISON, token: FIXTURE_TOKEN });
    const res = await feishu.post('/feishu/events', event);
    expect(res.status).toBe(200);
    await app.settle();

    const receipt = fake.messages.find((m) => m.kind === 'reply' && cardText(m.content).includes('已收稿'));
    expect(receipt).toBeDefined();
    expect(receipt!.uuid).toMatch(/^cd-\d+$/);
    const no = Number(/#(\d+)/.exec(cardText(receipt!.content))![1]);
    expect(cardsTo(EDITOR, '审批')).toHaveLength(1);
    expect(cardsTo(LEADER, '审批')).toHaveLength(0);
    const status = fake.messages.filter((m) => m.receive_id === GROUP);
    expect(status).toHaveLength(1);

    // Feishu re-delivers the same event: nothing new is stored or sent.
    const before = fake.messages.length;
    const again = await feishu.post('/feishu/events', event);
    expect(again.status).toBe(200);
    await app.settle();
    expect(fake.messages.length).toBe(before);
    expect(await inboxCount()).toBe(1);

    // The liaison forges a tap on the editor's card: refused, nothing changes.
    const editorCard = cardsTo(EDITOR, '审批')[0];
    const approve = buttonValues(editorCard.content).find((v) => v.a === 'approve')!;
    const forged = await tap(LIAISON, approve);
    expect((forged.body as { toast: { type: string } }).toast.type).toBe('error');

    const first = await tap(EDITOR, approve);
    expect(first.status).toBe(200);
    const answer = first.body as { toast: { type: string; content: string }; card: { type: string; data: unknown } };
    expect(answer.toast.type).toBe('success');
    expect(answer.card.type).toBe('raw');
    expect(buttonValues(answer.card.data)).toEqual([]);
    // Double tap: same decision, no second step.
    const double = await tap(EDITOR, approve);
    expect((double.body as { toast: { type: string } }).toast.type).toBe('info');
    expect(cardsTo(LEADER, '审批')).toHaveLength(1);

    const leaderApprove = buttonValues(cardsTo(LEADER, '审批')[0].content).find((v) => v.a === 'approve')!;
    const final = await tap(LEADER, leaderApprove);
    expect((final.body as { toast: { type: string } }).toast.type).toBe('success');
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state).toBe('scheduled');

    // Not due yet at 09:00 local; due at 10:00.
    await app.runJobs();
    expect(receiver.requests).toHaveLength(0);
    clock.set('2026-11-30T02:00:00Z');
    await app.runJobs();
    await app.runJobs();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.posts.size).toBe(1);
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state).toBe('published');

    const toLiaison = fake.messages.filter((m) => m.receive_id === LIAISON).map((m) => cardText(m.content)).join('\n');
    expect(toLiaison).toContain('已发布');
    expect(toLiaison).toContain('https://news.example.org/p/1');
    // The group's status card was patched in place, never sent twice.
    expect(fake.messages.filter((m) => m.receive_id === GROUP)).toHaveLength(1);
    const groupCardId = fake.messages.find((m) => m.receive_id === GROUP)!.message_id;
    const lastPatch = fake.patches.filter((p) => p.message_id === groupCardId).at(-1)!;
    expect(cardText(lastPatch.content)).toContain('已发布');
  });

  it('refuses forged signatures, wrong tokens and stale timestamps without storing anything', async () => {
    const count = await inboxCount();
    const forged = await feishu.post('/feishu/events', textMessageEvent('投稿\n伪造\n正文', { senderOpenId: LIAISON, token: FIXTURE_TOKEN }), { signature: 'f'.repeat(64) });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    const wrongToken = await feishu.post('/feishu/events', textMessageEvent('投稿\n伪造\n正文', { senderOpenId: LIAISON, token: 'wrong' }));
    expect(wrongToken.status).toBeGreaterThanOrEqual(400);
    const stale = await feishu.post('/feishu/events', textMessageEvent('投稿\n伪造\n正文', { senderOpenId: LIAISON, token: FIXTURE_TOKEN }), {
      timestamp: Math.floor(clock.now().getTime() / 1000) - 3600,
    });
    expect(stale.status).toBeGreaterThanOrEqual(400);
    const garbage = await feishu.post('/feishu/events', {}, { rawBody: '{not json' });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(await inboxCount()).toBe(count);
  });

  it('delivers notices despite Feishu rate limits (429 with reset header)', async () => {
    fake.failNext(1, '429');
    const res = await feishu.post('/feishu/events', textMessageEvent('/help', { senderOpenId: LIAISON, token: FIXTURE_TOKEN }));
    expect(res.status).toBe(200);
    await app.settle();
    clock.advance(5_000);
    await app.drain();
    const help = fake.messages.filter((m) => m.kind === 'reply' && cardText(m.content).includes('使用说明'));
    expect(help).toHaveLength(1);
  });
});
