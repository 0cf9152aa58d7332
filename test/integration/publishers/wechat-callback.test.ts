/**
 * WeChat's PUBLISHJOBFINISH push through the real app: the URL check, signatures, safe mode (AES),
 * and the push making a pending publication due at once (the result is still read from WeChat).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import { createApp, type CopydeskApp } from '../../../src/app';
import { readConfig } from '../../../src/config';
import { DraftEntity, PublicationEntity } from '../../../src/db/entities';
import { decryptWechatMessage } from '../../../src/http/wechat-mp-callback';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { buttonValues, cardText, sandboxClient } from '../../support/sandbox-client';
import { testDatabase } from '../../support/db';
import { FakeClock } from '../../support/clock';

const TOKEN = 'wx-callback-token';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');

/** Encrypts like WeChat's safe mode: random16 | length | message | appId, PKCS7 to 32, AES-256-CBC. */
function encryptWechat(message: string, appId: string): string {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const msg = Buffer.from(message);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

describe('WeChat PUBLISHJOBFINISH callback', () => {
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  const wechat = new FakeWechatMp();
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let base: string;

  beforeAll(async () => {
    await wechat.start();
    wechat.now = () => Math.floor(clock.now().getTime() / 1000);
    db = await testDatabase();
    app = await createApp({
      config: readConfig({
        DATABASE_URL: db.url,
        REPLICA_ID: 'replica-w',
        WECHAT_MP_APP_ID: wechat.appId,
        WECHAT_MP_APP_SECRET: wechat.appSecret,
        WECHAT_MP_BASE_URL: wechat.baseUrl,
        WECHAT_MP_DEFAULT_THUMB_MEDIA_ID: wechat.seedMaterial(),
        WECHAT_MP_CALLBACK_TOKEN: TOKEN,
        WECHAT_MP_ENCODING_AES_KEY: AES_KEY,
      }),
      logger: pino({ level: 'silent' }),
      clock,
      sleep: async (ms) => clock.advance(ms),
      dbSchema: db.schema,
    });
    server = await app.listen(0);
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await db?.cleanup();
    await wechat.stop();
  });

  const signed = (extra: Record<string, string> = {}) => {
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = 'n0nce';
    return { timestamp, nonce, signature: sha1([TOKEN, timestamp, nonce]), ...extra };
  };
  const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

  it('answers the URL check and refuses a wrong signature', async () => {
    const ok = await fetch(`${base}/wechat/mp/events?${qs({ ...signed(), echostr: 'echo-123' })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('echo-123');
    const bad = await fetch(`${base}/wechat/mp/events?${qs({ ...signed(), signature: 'f'.repeat(40), echostr: 'x' })}`);
    expect(bad.status).toBe(401);
  });

  it('round-trips the safe-mode envelope', () => {
    expect(decryptWechatMessage(AES_KEY, encryptWechat('<xml>hi</xml>', 'wx1'))).toEqual({ message: '<xml>hi</xml>', appId: 'wx1' });
  });

  it('makes a pending publication due when WeChat pushes that the publish job finished', async () => {
    const client = sandboxClient(base);
    wechat.nextPublishStatuses = [1, 1, 1, 1, 1, 1, 1, 1];
    await client.say('ou_sandbox_liaison', '投稿\n异步发布测试\n今天召开了年终总结会，部署明年重点工作。');
    await app.settle();
    const no = Number(/#(\d+)/.exec(cardText((await client.botMessages('ou_sandbox_liaison')).at(-1)!.card))![1]);
    for (const who of ['ou_sandbox_editor', 'ou_sandbox_leader']) {
      const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
      await client.tap(who, card.id, buttonValues(card.card).find((v) => v.a === 'approve')!);
      await app.settle();
    }
    await app.runJobs();
    const pubs = () => app.dataSource.getRepository(PublicationEntity).findBy({ draftId: no });
    const [pending] = await pubs();
    expect(pending.state).toBe('scheduled');
    expect(pending.dueAt.getTime()).toBeGreaterThan(clock.now().getTime());
    const publishId = pending.steps.wx_publish_id;
    expect(publishId).toBeTruthy();

    wechat.settlePending(0);
    const xml = `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>${Math.floor(clock.now().getTime() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>${publishId}</publish_id><publish_status>0</publish_status></PublishEventInfo></xml>`;
    const encrypted = encryptWechat(xml, wechat.appId);
    const q = signed();
    const forged = await fetch(`${base}/wechat/mp/events?${qs({ ...q, encrypt_type: 'aes', msg_signature: 'f'.repeat(40) })}`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` });
    expect(forged.status).toBe(401);
    expect((await pubs())[0].dueAt.getTime()).toBeGreaterThan(clock.now().getTime());

    const res = await fetch(`${base}/wechat/mp/events?${qs({ ...q, encrypt_type: 'aes', msg_signature: sha1([TOKEN, q.timestamp, q.nonce, encrypted]) })}`, {
      method: 'POST',
      body: `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect((await pubs())[0].dueAt.getTime()).toBeLessThanOrEqual(clock.now().getTime());
    await app.runJobs(); // no clock advance: the push made it due
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state).toBe('published');
    expect(wechat.postCount).toBe(1);
  });
});
