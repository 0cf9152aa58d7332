import { Writable } from 'node:stream';
import pino from 'pino';
import { DeliveryError } from '../../../src/ports/channel';
import { createFeishuClient, createFeishuMessenger, toFeishuUuid, type FeishuMessenger } from '../../../src/channels/feishu/messenger';
import { startFakeFeishu, type FakeFeishu } from '../../fakes/feishu-openapi';

function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

const notice = { kind: 'card' as const, template: 'notice', data: { title: '稿件已收到', color: 'blue', text: '编号 **12**' } };

describe('Feishu messenger against the fake OpenAPI', () => {
  let fake: FakeFeishu;
  let sleeps: number[];
  let messenger: FeishuMessenger;
  let log: ReturnType<typeof captureLogger>;

  beforeAll(async () => {
    fake = await startFakeFeishu();
  });
  afterAll(() => fake.close());

  beforeEach(() => {
    fake.reset();
    sleeps = [];
    log = captureLogger();
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.baseUrl, logger: log.logger });
    messenger = createFeishuMessenger(client, log.logger, {
      maxAttempts: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  });

  it('sends a card to a user with open_id and the idempotency key as uuid', async () => {
    const { messageId } = await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:1');
    expect(messageId).toMatch(/^om_fake_/);
    expect(fake.messages).toHaveLength(1);
    const sent = fake.messages[0];
    expect(sent).toMatchObject({ kind: 'create', receive_id: 'ou_alice', receive_id_type: 'open_id', msg_type: 'interactive', uuid: 'outbox:1', message_id: messageId });
    expect(sent.content).toMatchObject({ schema: '2.0', header: { title: { content: '稿件已收到' } } });
    expect(fake.tokenRequests).toBe(1);
  });

  it('sends text to a chat with chat_id', async () => {
    await messenger.send({ kind: 'chat', id: 'oc_group' }, { kind: 'text', text: '你好' }, 'outbox:2');
    expect(fake.messages[0]).toMatchObject({ receive_id: 'oc_group', receive_id_type: 'chat_id', msg_type: 'text', content: { text: '你好' } });
  });

  it('replies to a message', async () => {
    await messenger.send({ kind: 'reply', messageId: 'om_from_user' }, { kind: 'text', text: '收到' }, 'outbox:3');
    expect(fake.messages[0]).toMatchObject({ kind: 'reply', reply_to: 'om_from_user', msg_type: 'text', uuid: 'outbox:3' });
  });

  it('does not deliver twice for the same key (uuid de-duplication) and hashes long keys', async () => {
    const long = `outbox:${'x'.repeat(80)}`;
    const a = await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, long);
    const b = await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, long);
    expect(a.messageId).toBe(b.messageId);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0].uuid).toBe(toFeishuUuid(long));
    expect(toFeishuUuid(long).length).toBeLessThanOrEqual(50);
    expect(toFeishuUuid(long)).not.toBe(toFeishuUuid(`${long}y`));
  });

  it('patches a card in place', async () => {
    await messenger.update('om_card', { ...notice, data: { ...notice.data, title: '已通过' } });
    expect(fake.patches).toEqual([{ message_id: 'om_card', content: expect.objectContaining({ header: expect.objectContaining({ title: { tag: 'plain_text', content: '已通过' } }) }) }]);
  });

  it('waits for the rate-limit reset header on 429 and then succeeds', async () => {
    fake.failNext(1, '429');
    await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:4');
    expect(sleeps).toEqual([1000]);
    expect(fake.messages).toHaveLength(1);
  });

  it('backs off on 230020 (chat frequency limit) and then succeeds', async () => {
    fake.failNext(2, '230020');
    await messenger.send({ kind: 'chat', id: 'oc_group' }, notice, 'outbox:5');
    expect(sleeps).toEqual([500, 1000]);
    expect(fake.messages).toHaveLength(1);
  });

  it('gives up after the bounded attempts with a retryable DeliveryError carrying retryAfterMs', async () => {
    fake.failNext(3, '429');
    const error = await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 1000, platformCode: 99991400 });
    expect(sleeps).toHaveLength(2);
    expect(fake.messages).toHaveLength(0);
  });

  it('does not block on a long reset: returns retryAfterMs to the caller at once', async () => {
    fake.failNext(1, { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '60' } });
    const error = await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:7').catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 in place and reports it as retryable when it persists', async () => {
    fake.failNext(1, '500');
    await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:8');
    expect(fake.messages).toHaveLength(1);

    fake.failNext(3, '500');
    const error = await messenger.send({ kind: 'user', id: 'ou_bob' }, notice, 'outbox:9').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeliveryError', retryable: true });
  });

  it.each([
    ['230031', 230031],
    ['230011', 230011],
    ['230099', 230099],
  ] as const)('classifies %s on patch as permanent without retrying', async (kind, code) => {
    fake.failNext(1, kind);
    const error = await messenger.update('om_card', notice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: false, platformCode: code });
    expect(sleeps).toEqual([]);
    expect(fake.patches).toHaveLength(0);
  });

  it('reports an unreachable server as retryable', async () => {
    const gone = await startFakeFeishu();
    await gone.close();
    const client = createFeishuClient({ appId: gone.appId, appSecret: gone.appSecret, baseUrl: gone.baseUrl, logger: log.logger });
    const m = createFeishuMessenger(client, log.logger, { sleep: async () => undefined });
    const error = await m.send({ kind: 'user', id: 'ou_alice' }, notice, 'k').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeliveryError', retryable: true });
  });

  it('fetches a new tenant token once when Feishu rejects the cached one', async () => {
    await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:10');
    fake.revokeTokens();
    await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:11');
    expect(fake.tokenRequests).toBe(2);
    expect(fake.messages).toHaveLength(2);
  });

  it('downloads a message resource into a Buffer', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    fake.addResource('om_post', 'img_v2_key', bytes);
    await expect(messenger.fetchResource('om_post', 'img_v2_key', 'image')).resolves.toEqual(bytes);
    const error = await messenger.fetchResource('om_post', 'missing', 'image').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeliveryError', retryable: false, platformCode: 234003 });
  });

  it('never logs the app secret or the tenant token', async () => {
    fake.failNext(3, '500');
    await messenger.send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:12').catch(() => undefined);
    const bad = createFeishuClient({ appId: fake.appId, appSecret: 'wrong-secret-value', baseUrl: fake.baseUrl, logger: log.logger });
    const refused = await createFeishuMessenger(bad, log.logger, { sleep: async () => undefined })
      .send({ kind: 'user', id: 'ou_alice' }, notice, 'outbox:13')
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'DeliveryError', retryable: false, platformCode: 10014 });
    const all = log.lines.join('\n');
    expect(all).toContain('feishu call failed');
    expect(all).toContain('lark-sdk');
    expect(all).not.toContain(fake.appSecret);
    expect(all).not.toContain('wrong-secret-value');
    expect(all).not.toMatch(/t-fake-[0-9a-f]{16}/);
  });
});
