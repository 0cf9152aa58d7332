import pino from 'pino';
import { createFeishuChannel, type FeishuChannel } from '../../../src/channels/feishu';
import type { CardActionAnswer, InboundCardAction } from '../../../src/ports/channel';
import { cardActionEvent, groupMentionEvent, textMessageEvent } from '../../fakes/feishu-events';
import { startFakeFeishu, type FakeFeishu } from '../../fakes/feishu-openapi';
import { approvedAnswer, createInboxStub } from './harness';

describe('Feishu long-connection mode (WSClient against the fake gateway)', () => {
  let fake: FakeFeishu;
  let channel: FeishuChannel;
  const inbox = createInboxStub();
  const onCardAction = jest.fn<Promise<CardActionAnswer>, [InboundCardAction]>(async () => approvedAnswer);

  beforeAll(async () => {
    fake = await startFakeFeishu();
    channel = createFeishuChannel({
      appId: fake.appId,
      appSecret: fake.appSecret,
      baseUrl: fake.baseUrl,
      mode: 'ws',
      logger: pino({ level: 'silent' }),
      accept: inbox.accept,
      onCardAction,
    });
    await channel.start();
    await fake.ws.waitForConnection();
  });
  afterAll(async () => {
    await channel.stop();
    await fake.close();
  });
  beforeEach(() => {
    inbox.accept.mockClear();
    inbox.stored.clear();
    onCardAction.mockClear();
  });

  it('stores a message pushed over the connection and acknowledges it', async () => {
    const answer = await fake.ws.push(textMessageEvent('投稿：开放日', { eventId: 'ws-1' }));
    expect(answer.code).toBe(200);
    expect(inbox.stored.get('ws-1')).toMatchObject({ channel: 'feishu', text: '投稿：开放日', chatType: 'p2p' });
    expect(channel.health()).toMatchObject({ mode: 'ws', connected: true, botOpenId: fake.botOpenId });
  });

  it('applies the same rules as the webhook: group mention resolved, own messages ignored', async () => {
    await fake.ws.push(groupMentionEvent({ eventId: 'ws-group' }));
    await fake.ws.push(textMessageEvent('回执', { senderType: 'app', eventId: 'ws-own' }));
    expect([...inbox.stored.keys()]).toEqual(['ws-group']);
    expect(inbox.stored.get('ws-group')).toMatchObject({ text: '请 @王丽 审核 12 号稿件', mentionsBot: true });
  });

  it('answers a card callback with the toast and card as the callback response', async () => {
    const answer = await fake.ws.push(cardActionEvent({ value: { action: 'approve', draft: 7 } }));
    expect(answer.code).toBe(200);
    expect(answer.data).toMatchObject({ toast: { type: 'success', content: '已通过' }, card: { type: 'raw', data: { schema: '2.0' } } });
    expect(onCardAction.mock.calls[0][0]).toMatchObject({ value: { action: 'approve', draft: 7 } });
    expect(inbox.accept).not.toHaveBeenCalled();
  });

  it('reports a failure to store so Feishu delivers the event again', async () => {
    inbox.accept.mockRejectedValueOnce(new Error('database is locked'));
    const answer = await fake.ws.push(textMessageEvent('投稿', { eventId: 'ws-fail' }));
    expect(answer.code).toBe(500);
  });

  it('exposes no webhook routes in ws mode', () => {
    expect(channel.router.stack).toHaveLength(0);
  });
});

describe('Feishu shared event handler (what WSClient invokes)', () => {
  let fake: FakeFeishu;
  let channel: FeishuChannel;
  const inbox = createInboxStub();

  beforeAll(async () => {
    fake = await startFakeFeishu();
    channel = createFeishuChannel({
      appId: fake.appId,
      appSecret: fake.appSecret,
      baseUrl: fake.baseUrl,
      mode: 'ws',
      logger: pino({ level: 'silent' }),
      accept: inbox.accept,
      onCardAction: async () => approvedAnswer,
    });
  });
  afterAll(() => fake.close());

  it('fetches the bot id on the first group message when start() could not', async () => {
    await channel.dispatcher.invoke(groupMentionEvent({ eventId: 'inv-1' }), { needCheck: false });
    expect(inbox.stored.get('inv-1')).toMatchObject({ mentionsBot: true });
    expect(fake.requests).toContain('GET /open-apis/bot/v3/info');
  });

  it('returns the callback response for a card action', async () => {
    const res = await channel.dispatcher.invoke(cardActionEvent(), { needCheck: false });
    expect(res).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw' } });
  });
});
