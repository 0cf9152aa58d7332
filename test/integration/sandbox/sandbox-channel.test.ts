import { Script } from 'node:vm';
import { findMentions } from '../../../src/channels/sandbox';
import { MAX_MESSAGES_PER_CHAT } from '../../../src/channels/sandbox/store';
import { DeliveryError, type CardBody } from '../../../src/ports/channel';
import { GROUP, MEMBERS, NOW, startSandbox, type Harness, type Json } from './helpers';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const LEADER = 'ou_sandbox_leader';
const OUTSIDER = 'ou_sandbox_outsider';
const DM_LIAISON = 'oc_sandbox_p2p_ou_sandbox_liaison';

const notice = (title: string, extra: Record<string, unknown> = {}): CardBody => ({
  kind: 'card',
  template: 'notice',
  data: { title, color: 'blue', text: `**${title}**`, ...extra },
});

type Chat = { id: string; kind: string; title: string; messages: Json[] };
const chatsOf = (body: { chats: Chat[] }) => Object.fromEntries(body.chats.map((c) => [c.kind, c])) as Record<string, Chat>;

let h: Harness;
beforeEach(async () => {
  h = await startSandbox();
});
afterEach(async () => {
  await h.close();
});

describe('page', () => {
  it('serves one self-contained HTML page with a per-request CSP nonce and a script that parses', async () => {
    const res = await h.get('/sandbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
    expect(res.text).not.toContain('__CSP_NONCE__');
    const scripts = [...res.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][1]).toContain(`nonce="${nonce}"`);
    expect(() => new Script(scripts[0][2])).not.toThrow();
    // No external assets.
    expect(res.text).not.toMatch(/<(img|iframe)\b|\bsrc=|\bhttps?:\/\/(?!example|www\.w3\.org)/);
    expect([...res.text.matchAll(/<link [^>]*href="([^"]*)"/g)].map((m) => m[1].slice(0, 5))).toEqual(['data:']);
    expect(res.text).toContain('我是…');
    expect(res.text).toContain('/help');
    expect(res.text).toContain('@机器人');
    const again = await h.get('/sandbox');
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });
});

describe('state', () => {
  it('lists the roster with role labels, and without `as` no chats', async () => {
    const res = await h.get('/sandbox/api/state');
    expect(res.status).toBe(200);
    expect(res.body.me).toBeNull();
    expect(res.body.chats).toEqual([]);
    expect(res.body.roster.map((m: { id: string }) => m.id)).toEqual(MEMBERS.map((m) => m.id));
    const deputy = res.body.roster.find((m: { id: string }) => m.id === 'ou_sandbox_deputy');
    expect(deputy).toMatchObject({ name: '王编辑', roleLabels: ['副组长', '成员'], inGroup: true });
  });

  it('shows a member their direct chat and the group; an outsider only their direct chat', async () => {
    const mine = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    expect(mine.body.chats.map((c: Chat) => [c.id, c.kind])).toEqual([
      [DM_LIAISON, 'dm'],
      [GROUP, 'group'],
    ]);
    const outsider = await h.get(`/sandbox/api/state?as=${OUTSIDER}`);
    expect(outsider.body.chats.map((c: Chat) => c.kind)).toEqual(['dm']);
  });
});

describe('messages from a person', () => {
  it('turns a direct message into an InboundMessage, calls accept and shows it', async () => {
    const text = '投稿\n科普开放日\n正文第一段';
    const res = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text });
    expect(res.status).toBe(200);
    expect(res.body.result).toBe('accepted');
    expect(h.accept).toHaveBeenCalledTimes(1);
    const event = h.accept.mock.calls[0][0];
    expect(event).toEqual({
      type: 'message',
      channel: 'sandbox',
      eventId: expect.stringMatching(/^ev_sandbox_/),
      messageId: res.body.messageId,
      chatId: DM_LIAISON,
      chatType: 'p2p',
      senderId: LIAISON,
      text,
      images: [],
      mentions: [],
      mentionsBot: false,
      createdAt: NOW,
    });
    expect(res.body.eventId).toBe(event.eventId);

    const state = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    const dm = chatsOf(state.body).dm;
    expect(dm.messages).toHaveLength(1);
    expect(dm.messages[0]).toMatchObject({ id: event.messageId, kind: 'text', text, sender: { id: LIAISON, name: '李信', isBot: false } });
    // The editor's direct chat stays empty.
    const other = await h.get(`/sandbox/api/state?as=${EDITOR}`);
    expect(chatsOf(other.body).dm.messages).toEqual([]);
  });

  it('gives every message fresh event and message ids', async () => {
    await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: '/help' });
    await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: '/help' });
    const [a, b] = h.accept.mock.calls.map((c) => c[0]);
    expect(a.eventId).not.toBe(b.eventId);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('sends group messages with mentionsBot and @Name mentions of roster members', async () => {
    const text = '请 @王编辑 和 @张组长 看看，@王编辑 辛苦';
    const res = await h.post('/sandbox/api/messages', { as: EDITOR, chat: 'group', text, mentionBot: true });
    expect(res.status).toBe(200);
    const event = h.accept.mock.calls[0][0];
    expect(event).toMatchObject({ chatId: GROUP, chatType: 'group', senderId: EDITOR, text, mentionsBot: true });
    expect(event.mentions).toEqual([
      { key: '@_user_1', userId: 'ou_sandbox_deputy', name: '王编辑' },
      { key: '@_user_2', userId: LEADER, name: '张组长' },
    ]);
    await h.post('/sandbox/api/messages', { as: EDITOR, chat: 'group', text: '随便聊聊' });
    expect(h.accept.mock.calls[1][0].mentionsBot).toBe(false);
    // Everyone in the group sees both messages.
    const leader = await h.get(`/sandbox/api/state?as=${LEADER}`);
    expect(chatsOf(leader.body).group.messages.map((m: { text: string }) => m.text)).toEqual([text, '随便聊聊']);
  });

  it('treats a typed @bot name as a bot mention', async () => {
    await h.post('/sandbox/api/messages', { as: EDITOR, chat: 'group', text: '@Copydesk /queue' });
    expect(h.accept.mock.calls[0][0]).toMatchObject({ mentionsBot: true, mentions: [] });
  });

  it('answers 500 with a clear message and marks the message failed when accept throws', async () => {
    h.accept.mockRejectedValueOnce(new Error('database is locked'));
    const res = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: 'hi' });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/could not accept/);
    expect(JSON.stringify(res.body)).not.toContain('database is locked');
    const state = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    expect(chatsOf(state.body).dm.messages[0].failed).toBe(true);
  });
});

describe('messenger', () => {
  it('is the sandbox channel', () => {
    expect(h.channel.messenger.channel).toBe('sandbox');
  });

  it('delivers to a user’s direct chat, rendered as Feishu card JSON, and de-duplicates on the key', async () => {
    const { messenger } = h.channel;
    const first = await messenger.send({ kind: 'user', id: LIAISON }, notice('收稿回执'), 'receipt:1');
    const again = await messenger.send({ kind: 'user', id: LIAISON }, notice('收稿回执'), 'receipt:1');
    expect(again.messageId).toBe(first.messageId);
    await messenger.send({ kind: 'user', id: LIAISON }, { kind: 'text', text: '纯文本' }, 'text:1');

    const state = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    const dm = chatsOf(state.body).dm;
    expect(dm.messages).toHaveLength(2);
    expect(dm.messages[0]).toMatchObject({ id: first.messageId, kind: 'card', template: 'notice', sender: { id: 'bot', isBot: true } });
    expect(dm.messages[0].card).toMatchObject({ schema: '2.0', header: { title: { content: '收稿回执' }, template: 'blue' } });
    expect(dm.messages[1]).toMatchObject({ kind: 'text', text: '纯文本' });
    const editor = await h.get(`/sandbox/api/state?as=${EDITOR}`);
    expect(chatsOf(editor.body).dm.messages).toEqual([]);
  });

  it('delivers to the group chat, which every group member sees', async () => {
    const { messageId } = await h.channel.messenger.send({ kind: 'chat', id: GROUP }, notice('待审批'), 'group:1');
    for (const who of [LIAISON, EDITOR, LEADER]) {
      const state = await h.get(`/sandbox/api/state?as=${who}`);
      expect(chatsOf(state.body).group.messages.map((m: { id: string }) => m.id)).toEqual([messageId]);
    }
  });

  it('threads a reply under the message it answers, in that message’s chat', async () => {
    const posted = await h.post('/sandbox/api/messages', { as: EDITOR, chat: 'group', text: '/queue', mentionBot: true });
    const reply = await h.channel.messenger.send({ kind: 'reply', messageId: posted.body.messageId }, notice('排期'), 'r:1');
    const second = await h.channel.messenger.send({ kind: 'reply', messageId: reply.messageId }, { kind: 'text', text: '补充' }, 'r:2');
    const state = await h.get(`/sandbox/api/state?as=${LEADER}`);
    const group = chatsOf(state.body).group;
    expect(group.messages.map((m: Json) => [m.id, m.replyTo, m.threadRootId])).toEqual([
      [posted.body.messageId, undefined, undefined],
      [reply.messageId, posted.body.messageId, posted.body.messageId],
      [second.messageId, reply.messageId, posted.body.messageId],
    ]);
    // A reply to a direct message stays in that direct chat.
    const dmPost = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: '投稿\n标题\n正文' });
    await h.channel.messenger.send({ kind: 'reply', messageId: dmPost.body.messageId }, notice('已收到'), 'r:3');
    const liaison = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    expect(chatsOf(liaison.body).dm.messages.map((m: Json) => m.replyTo)).toEqual([undefined, dmPost.body.messageId]);
    expect(chatsOf(liaison.body).group.messages).toHaveLength(3);
  });

  it('updates a card in place and reports it as changed since the last poll', async () => {
    const { messenger } = h.channel;
    const { messageId } = await messenger.send({ kind: 'chat', id: GROUP }, notice('待审批'), 'status:1');
    await messenger.send({ kind: 'chat', id: GROUP }, notice('另一张'), 'status:2');
    const before = await h.get(`/sandbox/api/state?as=${LEADER}`);
    await messenger.update(messageId, notice('已通过', { color: 'green' }));

    const delta = await h.get(`/sandbox/api/state?as=${LEADER}&since=${before.body.seq}`);
    const changed = chatsOf(delta.body).group.messages;
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ id: messageId, card: { header: { title: { content: '已通过' }, template: 'green' } } });
    expect(changed[0].seq).toBeGreaterThan(before.body.seq);
    const full = await h.get(`/sandbox/api/state?as=${LEADER}`);
    const messages = chatsOf(full.body).group.messages;
    expect(messages.map((m: Json) => m.card.header.title.content)).toEqual(['已通过', '另一张']);
    // Nothing new since the latest seq.
    const none = await h.get(`/sandbox/api/state?as=${LEADER}&since=${full.body.seq}`);
    expect(chatsOf(none.body).group.messages).toEqual([]);
  });

  it('refuses unknown recipients, unknown messages and non-cards with a non-retryable DeliveryError', async () => {
    const { messenger } = h.channel;
    const posted = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: 'hi' });
    const cases: Promise<unknown>[] = [
      messenger.send({ kind: 'user', id: 'ou_nobody' }, notice('x'), 'a'),
      messenger.send({ kind: 'chat', id: 'oc_nowhere' }, notice('x'), 'b'),
      messenger.send({ kind: 'reply', messageId: 'om_missing' }, notice('x'), 'c'),
      messenger.send({ kind: 'user', id: LIAISON }, { kind: 'card', template: 'no-such-template', data: {} }, 'd'),
      messenger.update('om_missing', notice('x')),
      messenger.update(posted.body.messageId, notice('x')),
    ];
    for (const p of cases) {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).retryable).toBe(false);
    }
  });

  it('keeps the newest messages of a chat; a dropped card can no longer be updated', async () => {
    const { messenger } = h.channel;
    const first = await messenger.send({ kind: 'user', id: LEADER }, { kind: 'text', text: 'm0' }, 'cap:0');
    for (let i = 1; i <= MAX_MESSAGES_PER_CHAT; i++) await messenger.send({ kind: 'user', id: LEADER }, { kind: 'text', text: `m${i}` }, `cap:${i}`);
    const state = await h.get(`/sandbox/api/state?as=${LEADER}`);
    const dm = chatsOf(state.body).dm.messages;
    expect(dm).toHaveLength(MAX_MESSAGES_PER_CHAT);
    expect(dm[0].text).toBe('m1');
    await expect(messenger.update(first.messageId, notice('x'))).rejects.toBeInstanceOf(DeliveryError);
    // Its idempotency key is forgotten with it.
    expect((await messenger.send({ kind: 'user', id: LEADER }, { kind: 'text', text: 'again' }, 'cap:0')).messageId).not.toBe(first.messageId);
  });

  it('tells the page to start over when it asks for a seq from before a restart', async () => {
    await h.channel.messenger.send({ kind: 'chat', id: GROUP }, notice('x'), 'k');
    const res = await h.get(`/sandbox/api/state?as=${LEADER}&since=999`);
    expect(res.body.reset).toBe(true);
    expect(chatsOf(res.body).group.messages).toHaveLength(1);
    // The boot id lets a page notice a restart even when the new seq has caught up.
    const again = await h.get(`/sandbox/api/state?as=${LEADER}`);
    expect(again.body.reset).toBe(false);
    expect(again.body.boot).toMatch(/^[0-9a-f]{8}$/);
    expect(again.body.boot).toBe(res.body.boot);
    const other = await startSandbox();
    try {
      expect((await other.get('/sandbox/api/state')).body.boot).not.toBe(res.body.boot);
    } finally {
      await other.close();
    }
  });
});

describe('card actions', () => {
  it('builds an InboundCardAction, returns the answer and replaces the card', async () => {
    const { messageId } = await h.channel.messenger.send({ kind: 'chat', id: GROUP }, notice('待审批'), 'approval:1');
    h.onCardAction.mockResolvedValueOnce({ toast: { type: 'success', content: '已通过' }, card: notice('已通过', { color: 'green' }) });
    const value = { action: 'approve', draftId: 12, revision: 2 };
    const formValue = { comment: '同意，注意标题', date: '2026-12-01 +0800', platforms: ['wechat', 'weibo'] };
    const res = await h.post('/sandbox/api/actions', { as: LEADER, messageId, value, formValue });
    expect(res.status).toBe(200);
    expect(h.onCardAction).toHaveBeenCalledWith({
      type: 'card_action',
      channel: 'sandbox',
      eventId: expect.stringMatching(/^ev_sandbox_/),
      operatorId: LEADER,
      value,
      formValue,
      messageId,
      chatId: GROUP,
    });
    expect(res.body.toast).toEqual({ type: 'success', content: '已通过' });
    expect(res.body.card).toMatchObject({ schema: '2.0', header: { title: { content: '已通过' }, template: 'green' } });
    // Everyone sees the replaced card.
    const state = await h.get(`/sandbox/api/state?as=${EDITOR}`);
    expect(chatsOf(state.body).group.messages[0]).toMatchObject({ id: messageId, card: { header: { title: { content: '已通过' } } } });
  });

  it('keeps the card when the answer has none, and defaults formValue to {}', async () => {
    const { messageId } = await h.channel.messenger.send({ kind: 'user', id: LIAISON }, notice('回执'), 'receipt:9');
    const before = await h.get(`/sandbox/api/state?as=${LIAISON}`);
    const res = await h.post('/sandbox/api/actions', { as: LIAISON, messageId, value: { action: 'noop' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ toast: { type: 'info', content: 'ok' } });
    expect(res.body.card).toBeUndefined();
    expect(h.onCardAction.mock.calls[0][0]).toMatchObject({ formValue: {}, chatId: DM_LIAISON });
    const after = await h.get(`/sandbox/api/state?as=${LIAISON}&since=${before.body.seq}`);
    expect(chatsOf(after.body).dm.messages).toEqual([]);
  });

  it('answers 500 with an error toast when the core throws', async () => {
    const { messageId } = await h.channel.messenger.send({ kind: 'chat', id: GROUP }, notice('待审批'), 'approval:2');
    h.onCardAction.mockRejectedValueOnce(new Error('boom'));
    const res = await h.post('/sandbox/api/actions', { as: LEADER, messageId, value: { a: 1 } });
    expect(res.status).toBe(500);
    expect(res.body.toast.type).toBe('error');
    expect(JSON.stringify(res.body)).not.toContain('boom');
  });

  it('does not let a member tap a card in someone else’s direct chat', async () => {
    const { messageId } = await h.channel.messenger.send({ kind: 'user', id: LIAISON }, notice('私密'), 'p:1');
    const res = await h.post('/sandbox/api/actions', { as: EDITOR, messageId, value: {} });
    expect(res.status).toBe(400);
    expect(h.onCardAction).not.toHaveBeenCalled();
  });
});

describe('bad input', () => {
  const noStack = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+|Error:/);

  it.each([
    ['no body fields', {}, /as:/],
    ['unknown member', { as: 'ou_nobody', chat: 'dm', text: 'x' }, /unknown roster member/],
    ['bad chat', { as: LIAISON, chat: 'channel', text: 'x' }, /chat: must be 'dm' or 'group'/],
    ['empty text', { as: LIAISON, chat: 'dm', text: '   ' }, /text: must not be empty/],
    ['text not a string', { as: LIAISON, chat: 'dm', text: 42 }, /text: must be a string/],
    ['mentionBot not boolean', { as: LIAISON, chat: 'group', text: 'x', mentionBot: 'yes' }, /mentionBot/],
    ['outsider in the group', { as: OUTSIDER, chat: 'group', text: 'x' }, /not in the working group/],
    ['a JSON array', [], /expected object|JSON object/i],
  ])('POST /messages with %s → 400', async (_name, body, message) => {
    const res = await h.post('/sandbox/api/messages', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    noStack(res.body);
    expect(h.accept).not.toHaveBeenCalled();
  });

  it('rejects malformed JSON, other content types and oversized bodies', async () => {
    const bad = await h.post('/sandbox/api/messages', '{"as":', 'application/json');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not valid JSON/);
    const form = await h.post('/sandbox/api/messages', 'as=x', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    const huge = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    const long = await h.post('/sandbox/api/messages', { as: LIAISON, chat: 'dm', text: 'x'.repeat(20_001) });
    expect(long.status).toBe(400);
    expect(h.accept).not.toHaveBeenCalled();
  });

  it.each([
    ['a missing value', { as: LEADER, messageId: 'MID' }, /value/],
    ['a non-object value', { as: LEADER, messageId: 'MID', value: 'approve' }, /value: must be a JSON object/],
    ['a non-object formValue', { as: LEADER, messageId: 'MID', value: {}, formValue: [1] }, /formValue: must be a JSON object/],
    ['an unknown message', { as: LEADER, messageId: 'om_nope', value: {} }, /no message "om_nope"/],
    ['an unknown member', { as: 'ou_x', messageId: 'MID', value: {} }, /unknown roster member/],
  ])('POST /actions with %s → 400', async (_name, body, message) => {
    const { messageId } = await h.channel.messenger.send({ kind: 'chat', id: GROUP }, notice('x'), 'k');
    const res = await h.post('/sandbox/api/actions', JSON.parse(JSON.stringify(body).replace('"MID"', JSON.stringify(messageId))));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
    noStack(res.body);
    expect(h.onCardAction).not.toHaveBeenCalled();
  });

  it('rejects tapping a text message', async () => {
    const posted = await h.post('/sandbox/api/messages', { as: LEADER, chat: 'dm', text: 'hi' });
    const res = await h.post('/sandbox/api/actions', { as: LEADER, messageId: posted.body.messageId, value: {} });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not a card/);
  });

  it.each([
    ['?as=ou_nobody', /unknown roster member/],
    ['?as=' + LIAISON + '&since=abc', /since: must be a non-negative integer/],
    ['?as=' + LIAISON + '&since=-1', /since/],
    ['?as=a&as=b', /as/],
  ])('GET /state%s → 400', async (query, message) => {
    const res = await h.get('/sandbox/api/state' + query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
  });
});

describe('findMentions', () => {
  it('prefers the longest roster name and ignores unknown names', () => {
    expect(findMentions('@王编辑 @王编 @陌生人 @王编', MEMBERS)).toEqual([
      { key: '@_user_1', userId: 'ou_sandbox_deputy', name: '王编辑' },
      { key: '@_user_2', userId: EDITOR, name: '王编' },
    ]);
    expect(findMentions('no mentions @', MEMBERS)).toEqual([]);
  });
});
