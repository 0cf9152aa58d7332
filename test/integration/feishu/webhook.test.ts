import {
  cardActionEvent,
  encryptFeishu,
  FIXTURE_BOT_OPEN_ID,
  FIXTURE_SENDER_OPEN_ID,
  FIXTURE_TOKEN,
  groupMentionEvent,
  mentionBot,
  otherMessageEvent,
  postMessageEvent,
  textMessageEvent,
  urlVerification,
} from '../../fakes/feishu-events';
import pino from 'pino';
import { createFeishuChannel } from '../../../src/channels/feishu';
import { startFakeFeishu } from '../../fakes/feishu-openapi';
import { approvedAnswer, ENCRYPT_KEY, NOW, startHarness, type Harness } from './harness';

const nowSeconds = Math.floor(NOW.getTime() / 1000);

describe('Feishu webhook with an encrypt key and a verification token', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.inbox.accept.mockClear();
    h.inbox.calls.length = 0;
    h.inbox.stored.clear();
    h.onCardAction.mockClear();
    h.onCardAction.mockImplementation(async () => approvedAnswer);
    h.logs.length = 0;
  });

  describe('URL verification', () => {
    it('answers the encrypted challenge, which Feishu sends without signature headers', async () => {
      const res = await h.feishu.post('/feishu/events', urlVerification({ challenge: 'c-123' }), { unsigned: true });
      expect(res).toMatchObject({ status: 200, body: { challenge: 'c-123' } });
      const card = await h.feishu.post('/feishu/card', urlVerification({ challenge: 'c-456' }), { unsigned: true });
      expect(card).toMatchObject({ status: 200, body: { challenge: 'c-456' } });
    });

    it('answers a signed challenge too', async () => {
      const res = await h.feishu.post('/feishu/events', urlVerification({ challenge: 'c-789' }));
      expect(res).toMatchObject({ status: 200, body: { challenge: 'c-789' } });
    });

    it('refuses a challenge with the wrong token or the wrong key', async () => {
      const token = await h.feishu.post('/feishu/events', urlVerification({ token: 'not-the-token' }), { unsigned: true });
      expect(token).toMatchObject({ status: 401, body: { error: 'bad token' } });
      const key = await h.feishu.post('/feishu/events', urlVerification(), { unsigned: true, encryptKey: 'another-key' });
      expect(key).toMatchObject({ status: 400, body: { error: 'cannot decrypt' } });
    });

    it('refuses an unsigned request that is not a challenge', async () => {
      const res = await h.feishu.post('/feishu/events', textMessageEvent('投稿'), { unsigned: true });
      expect(res).toMatchObject({ status: 401, body: { error: 'missing signature' } });
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });
  });

  describe('messages', () => {
    it('stores a p2p text message once; a redelivery of the same event_id is reported as a duplicate', async () => {
      const event = textMessageEvent('投稿：市民中心开放日', { eventId: 'ev-p2p-1', messageId: 'om_p2p_1', chatId: 'oc_p2p' });
      const first = await h.feishu.post('/feishu/events', event);
      expect(first).toMatchObject({ status: 200, body: {} });
      const again = await h.feishu.post('/feishu/events', event);
      expect(again.status).toBe(200);

      expect(h.inbox.stored.size).toBe(1);
      expect(await h.inbox.accept.mock.results[1].value).toBe('duplicate');
      expect(h.inbox.stored.get('ev-p2p-1')).toEqual({
        type: 'message',
        channel: 'feishu',
        eventId: 'ev-p2p-1',
        messageId: 'om_p2p_1',
        chatId: 'oc_p2p',
        chatType: 'p2p',
        senderId: FIXTURE_SENDER_OPEN_ID,
        text: '投稿：市民中心开放日',
        images: [],
        mentions: [],
        mentionsBot: false,
        createdAt: NOW,
      });
      expect(h.fake.messages).toHaveLength(0);
    });

    it('answers only after the event is stored', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let stored = false;
      h.inbox.accept.mockImplementationOnce(async () => {
        await gate;
        stored = true;
        return 'accepted';
      });
      const pending = h.feishu.post('/feishu/events', textMessageEvent('投稿'));
      const early = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setImmediate(() => setImmediate(() => r('waiting'))))]);
      expect(early).toBe('waiting');
      release();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(stored).toBe(true);
    });

    it('answers 503 without a stack trace when the inbox is down, so Feishu delivers again', async () => {
      h.inbox.accept.mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked\n    at Database.prepare'));
      const res = await h.feishu.post('/feishu/events', textMessageEvent('投稿'));
      expect(res).toMatchObject({ status: 503, body: { error: 'temporarily unavailable' } });
      expect(res.text).not.toContain('SQLITE');
    });

    it('stores a group message that mentions the bot, with the bot mention removed and others named', async () => {
      const res = await h.feishu.post('/feishu/events', groupMentionEvent({ eventId: 'ev-group-1' }));
      expect(res.status).toBe(200);
      expect(h.inbox.stored.get('ev-group-1')).toMatchObject({
        chatType: 'group',
        chatId: 'oc_a0553eda9014c201e6969b478895c230',
        text: '请 @王丽 审核 12 号稿件',
        mentionsBot: true,
        mentions: [{ key: '@_user_2', userId: 'ou_7d8a6e6df7621556ce0d21922b676706', name: '王丽' }],
      });
    });

    it('ignores a group message that does not mention the bot', async () => {
      const event = textMessageEvent('@_user_1 看一下', {
        chatType: 'group',
        mentions: [{ key: '@_user_1', openId: 'ou_someone_else', name: '张三' }],
      });
      const res = await h.feishu.post('/feishu/events', event);
      expect(res.status).toBe(200);
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });

    it("ignores the bot's own messages", async () => {
      const byApp = textMessageEvent('已收到', { senderType: 'app' });
      const byBotId = textMessageEvent('@_user_1 已收到', { chatType: 'group', senderOpenId: FIXTURE_BOT_OPEN_ID, mentions: [mentionBot()] });
      expect((await h.feishu.post('/feishu/events', byApp)).status).toBe(200);
      expect((await h.feishu.post('/feishu/events', byBotId)).status).toBe(200);
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });

    it('flattens a post into text with its title and image keys', async () => {
      await h.feishu.post('/feishu/events', postMessageEvent(undefined, { eventId: 'ev-post' }));
      expect(h.inbox.stored.get('ev-post')).toMatchObject({
        title: '市民中心开放日',
        text: '本周六上午九点，报名链接 (https://example.org/open-day)\n\n联系人 @王丽',
        images: ['img_v2_041b28e3-5680-48c2-9af2-497ace79333g'],
        mentionsBot: false,
      });
    });

    it('passes an image message with its key and a file message with empty text', async () => {
      await h.feishu.post('/feishu/events', otherMessageEvent('image', { image_key: 'img_v2_abc' }, { eventId: 'ev-img' }));
      await h.feishu.post('/feishu/events', otherMessageEvent('file', { file_key: 'file_v2_abc', file_name: '稿件.docx' }, { eventId: 'ev-file' }));
      expect(h.inbox.stored.get('ev-img')).toMatchObject({ text: '', images: ['img_v2_abc'] });
      expect(h.inbox.stored.get('ev-file')).toMatchObject({ text: '', images: [] });
    });

    it('works with a query string on the URL', async () => {
      const res = await h.feishu.post('/feishu/events?source=feishu', textMessageEvent('投稿'));
      expect(res.status).toBe(200);
      expect(h.inbox.accept).toHaveBeenCalledTimes(1);
    });

    it('acknowledges event types it does not handle', async () => {
      const event = textMessageEvent('x') as { header: Record<string, unknown> };
      event.header.event_type = 'im.chat.member.bot.added_v1';
      const res = await h.feishu.post('/feishu/events', event);
      expect(res).toMatchObject({ status: 200, body: {} });
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });

    it('logs neither the message text nor the tokens', async () => {
      await h.feishu.post('/feishu/events', textMessageEvent('机密稿件内容', { eventId: 'ev-log' }));
      await h.feishu.post('/feishu/events', textMessageEvent('机密稿件内容', { token: 'wrong' }));
      const all = h.logs.join('\n');
      expect(all).toContain('ev-log');
      expect(all).toContain('bad token');
      expect(all).not.toContain('机密稿件内容');
      expect(all).not.toContain(FIXTURE_TOKEN);
      expect(all).not.toContain(ENCRYPT_KEY);
    });
  });

  describe('refusals leave no trace', () => {
    const cases: Array<[string, () => Promise<{ status: number; body: unknown; text: string }>, number, string]> = [
      ['a forged signature', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { signature: 'a'.repeat(64) }), 401, 'bad signature'],
      ['a body changed after signing', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { tamper: (b) => b.replace('"}', 'A"}') }), 401, 'bad signature'],
      ['the wrong verification token', () => h.feishu.post('/feishu/events', textMessageEvent('投稿', { token: 'forged-token' })), 401, 'bad token'],
      ['a stale timestamp', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { timestamp: nowSeconds - 6 * 60 }), 401, 'stale timestamp'],
      ['a timestamp from the future', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { timestamp: nowSeconds + 6 * 60 }), 401, 'stale timestamp'],
      ['malformed JSON', () => h.feishu.post('/feishu/events', {}, { rawBody: '{"encrypt": ' }), 400, 'malformed body'],
      ['a JSON array', () => h.feishu.post('/feishu/events', {}, { rawBody: '[1,2]' }), 400, 'malformed body'],
      ['a plaintext body', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { plaintext: true }), 400, 'encrypted body expected'],
      ['encryption with another key', () => h.feishu.post('/feishu/events', textMessageEvent('投稿'), { encryptKey: 'someone-elses-key' }), 401, 'bad signature'],
      ['ciphertext that does not decrypt', () => h.feishu.post('/feishu/events', {}, { rawBody: JSON.stringify({ encrypt: Buffer.alloc(48, 7).toString('base64') }) }), 400, 'cannot decrypt'],
      ['decrypted text that is not JSON', () => h.feishu.post('/feishu/events', {}, { rawBody: JSON.stringify({ encrypt: encryptFeishu('hello', ENCRYPT_KEY) }) }), 400, 'malformed decrypted body'],
      ['a card callback with the wrong token', () => h.feishu.post('/feishu/card', cardActionEvent({ token: 'forged' })), 401, 'bad token'],
      ['a card callback with a forged signature', () => h.feishu.post('/feishu/card', cardActionEvent(), { signature: 'b'.repeat(64) }), 401, 'bad signature'],
    ];

    it.each(cases)('refuses %s', async (_name, send, status, error) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error });
      expect(res.text).not.toMatch(/\bat\s+\S+\s+\(/);
      expect(h.inbox.accept).not.toHaveBeenCalled();
      expect(h.onCardAction).not.toHaveBeenCalled();
    });

    it('refuses a body over the size limit', async () => {
      const res = await h.feishu.post('/feishu/events', {}, { rawBody: JSON.stringify({ encrypt: 'x'.repeat(1024 * 1024 + 10) }) });
      expect(res.status).toBe(413);
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });
  });

  describe('card callbacks', () => {
    it('answers a tap on /feishu/card with a toast and the re-rendered raw card, without using the inbox', async () => {
      const res = await h.feishu.post(
        '/feishu/card',
        cardActionEvent({ eventId: 'ev-card-1', value: { action: 'approve', draft: 12 }, formValue: { reason: '同意' }, messageId: 'om_card', chatId: 'oc_group' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        toast: { type: 'success', content: '已通过' },
        card: {
          type: 'raw',
          data: expect.objectContaining({ schema: '2.0', header: expect.objectContaining({ title: { tag: 'plain_text', content: '12 号稿件已通过' } }) }),
        },
      });
      expect(h.onCardAction).toHaveBeenCalledWith({
        type: 'card_action',
        channel: 'feishu',
        eventId: 'ev-card-1',
        operatorId: 'ou_3c5bde6d7b1e4a1fa9bbf6a6d1f0d7c2',
        value: { action: 'approve', draft: 12 },
        formValue: { reason: '同意' },
        messageId: 'om_card',
        chatId: 'oc_group',
      });
      expect(h.inbox.accept).not.toHaveBeenCalled();
    });

    it('accepts card callbacks sent to /feishu/events too', async () => {
      const res = await h.feishu.post('/feishu/events', cardActionEvent());
      expect(res).toMatchObject({ status: 200, body: { toast: { type: 'success' } } });
      expect(h.onCardAction).toHaveBeenCalledTimes(1);
    });

    it('answers a toast only when the decision has no card', async () => {
      h.onCardAction.mockResolvedValueOnce({ toast: { type: 'info', content: '已处理过' } });
      const res = await h.feishu.post('/feishu/card', cardActionEvent());
      expect(res.body).toEqual({ toast: { type: 'info', content: '已处理过' } });
    });

    it('puts the value of a component outside a form under its name', async () => {
      await h.feishu.post('/feishu/card', cardActionEvent({ name: 'when', tag: 'select_static', option: 'tomorrow', value: { action: 'schedule' } }));
      expect(h.onCardAction.mock.calls[0][0].formValue).toEqual({ when: 'tomorrow' });
    });

    it('answers a generic error toast when the decision throws, and logs it', async () => {
      h.onCardAction.mockRejectedValueOnce(new Error('constraint failed: decision.draft_id'));
      const res = await h.feishu.post('/feishu/card', cardActionEvent());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ toast: { type: 'error', content: '操作未完成，请稍后重试' } });
      expect(res.text).not.toContain('constraint');
      expect(h.logs.join('\n')).toContain('feishu card action failed');
    });
  });

  it('reports health with the bot id', () => {
    expect(h.channel.health()).toEqual({ mode: 'webhook', connected: true, botOpenId: FIXTURE_BOT_OPEN_ID });
  });
});

describe('Feishu card callback deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ cardActionTimeoutMs: 30 });
  });
  afterAll(() => h.close());

  it('answers an error toast when the decision does not come back within the budget', async () => {
    h.onCardAction.mockImplementationOnce(() => new Promise(() => undefined));
    const res = await h.feishu.post('/feishu/card', cardActionEvent());
    expect(res).toMatchObject({ status: 200, body: { toast: { type: 'error' } } });
  });
});

describe('Feishu webhook with a verification token only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ encryptKey: undefined });
  });
  afterAll(() => h.close());

  it('answers the plaintext challenge and stores plaintext events with the right token', async () => {
    expect(await h.feishu.post('/feishu/events', urlVerification({ challenge: 'plain' }))).toMatchObject({ status: 200, body: { challenge: 'plain' } });
    expect((await h.feishu.post('/feishu/events', textMessageEvent('投稿'))).status).toBe(200);
    expect(h.inbox.accept).toHaveBeenCalledTimes(1);
  });

  it('refuses the wrong token and encrypted bodies it cannot read', async () => {
    expect(await h.feishu.post('/feishu/events', textMessageEvent('投稿', { token: 'nope' }))).toMatchObject({ status: 401, body: { error: 'bad token' } });
    expect((await h.feishu.post('/feishu/events', textMessageEvent('投稿'), { encryptKey: 'k' })).status).toBe(400);
    expect(h.inbox.accept).toHaveBeenCalledTimes(1);
  });
});

describe('Feishu webhook configuration', () => {
  it('starts even when the bot info cannot be fetched, and reports it in health', async () => {
    const gone = await startFakeFeishu();
    await gone.close();
    const channel = createFeishuChannel({
      appId: gone.appId,
      appSecret: gone.appSecret,
      verificationToken: FIXTURE_TOKEN,
      baseUrl: gone.baseUrl,
      mode: 'webhook',
      logger: pino({ level: 'silent' }),
      accept: async () => 'accepted',
      onCardAction: async () => approvedAnswer,
    });
    await channel.start();
    expect(channel.health()).toEqual({ mode: 'webhook', connected: false, lastError: expect.stringMatching(/^bot info/) });
    await channel.stop();
  });

  it('refuses to start webhook mode with neither an encrypt key nor a verification token', async () => {
    await expect(startHarness({ encryptKey: undefined, verificationToken: undefined })).rejects.toThrow(/encrypt key or a verification token/);
  });
});

describe('Feishu webhook behind other middleware', () => {
  it('reads the body after an async middleware let the request arrive in full', async () => {
    const h = await startHarness({}, [
      async (_ctx, next) => {
        await new Promise((resolve) => setImmediate(resolve));
        await next();
      },
    ]);
    try {
      const res = await h.feishu.post('/feishu/events', textMessageEvent('投稿'));
      expect(res.status).toBe(200);
      expect(h.inbox.accept).toHaveBeenCalledTimes(1);
    } finally {
      await h.close();
    }
  });

  it('uses rawBody left by a body parser, and says so when the body was consumed without it', async () => {
    const readAll = async (req: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };
    const keeping = await startHarness({}, [
      async (ctx, next) => {
        const raw = await readAll(ctx.req);
        Object.assign(ctx.request, { rawBody: raw, body: JSON.parse(raw) });
        await next();
      },
    ]);
    const swallowing = await startHarness({}, [
      async (ctx, next) => {
        Object.assign(ctx.request, { body: JSON.parse(await readAll(ctx.req)) });
        await next();
      },
    ]);
    try {
      expect((await keeping.feishu.post('/feishu/events', textMessageEvent('投稿'))).status).toBe(200);
      expect(keeping.inbox.accept).toHaveBeenCalledTimes(1);
      const res = await swallowing.feishu.post('/feishu/events', textMessageEvent('投稿'));
      expect(res).toMatchObject({ status: 500, body: { error: 'raw body unavailable' } });
      expect(swallowing.inbox.accept).not.toHaveBeenCalled();
    } finally {
      await keeping.close();
      await swallowing.close();
    }
  });
});
