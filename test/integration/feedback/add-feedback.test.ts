import { createHmac } from 'node:crypto';
import { AuditEntity, OutboxEntity } from '../../../src/db/entities';
import { FeedbackEntity } from '../../../src/db/feedback-entities';
import type { InboundMessage } from '../../../src/ports/channel';
import { EDITOR, LIAISON, WEBHOOK_SECRET, startWorld, type World } from './harness';

const sign = (secret: string, t: number, body: string) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

/** Feedback from people: `/feedback` in chat, a reply to the 已发布 notice, and the signed web form. */
describe('feedback from people', () => {
  let w: World;
  let published: { no: number; pubId: number };
  beforeAll(async () => {
    w = await startWorld();
    published = await w.publish('社区服务日活动');
  });
  afterAll(async () => {
    await w.close();
  });

  const rows = (source: string) => w.app.dataSource.getRepository(FeedbackEntity).find({ where: { source }, order: { id: 'ASC' } });
  const lastDm = async (who: string) => (await w.client.botMessages(who)).at(-1)!;

  it('records `/feedback <no> <text>` masked, with source and time, and answers with the masked text', async () => {
    const res = await w.client.say(EDITOR, `/feedback ${published.no} 读者来电：活动报名电话13912345678打不通，联系人：王小明，身份证号110101199003074514`);
    expect(res.status).toBe(200);
    await w.app.settle();
    const stored = await rows('chat');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      draftId: published.no,
      publicationId: published.pubId,
      author: '李编辑',
      text: '读者来电：活动报名电话***********打不通，联系人：王**，身份证号******************',
      createdAt: w.clock.now(),
    });
    expect(stored[0].flags).toContain('complaint');
    const reply = await lastDm(EDITOR);
    expect(reply.text).toContain(`已记录对稿件 #${published.no} 的反馈（个人信息已隐去）`);
    expect(reply.text).not.toMatch(/13912345678|110101199003074514|王小明/);
    const audit = await w.app.dataSource.getRepository(AuditEntity).findOneByOrFail({ action: 'feedback_added', subject: `feedback:${stored[0].id}` });
    expect(audit.actor).toBe(EDITOR);
  });

  it('explains what is wrong: no text, an unknown draft, a draft not yet published', async () => {
    await w.client.say(LIAISON, '/feedback');
    await w.app.settle();
    expect((await lastDm(LIAISON)).text).toContain('用法：/feedback 稿件编号 反馈内容');
    await w.client.say(LIAISON, '/feedback 999 很好');
    await w.app.settle();
    expect((await lastDm(LIAISON)).text).toContain('没有编号为 #999 的稿件');
    await w.client.say(LIAISON, '投稿\n尚未发布的稿件\n分类：工作动态\n正文内容。');
    await w.app.settle();
    const no = Number(/#(\d+)/.exec(JSON.stringify((await lastDm(LIAISON)).card))![1]);
    await w.client.say(LIAISON, `/feedback ${no} 很好`);
    await w.app.settle();
    expect((await lastDm(LIAISON)).text).toContain(`稿件 #${no} 还没有发布`);
    expect(await rows('chat')).toHaveLength(1);
  });

  it('takes a reply to the 已发布 notice as feedback on that draft, once even if the event comes twice', async () => {
    const notice = (await w.client.botMessages(LIAISON)).find((m) => m.text?.startsWith(`稿件 #${published.no} 已发布`))!;
    expect(notice).toBeDefined();
    const event: InboundMessage = {
      type: 'message', channel: 'sandbox', eventId: 'ev_reply_1', messageId: 'om_reply_1', chatId: 'dm', chatType: 'p2p', senderId: LIAISON,
      text: '群众反映：文中活动地点写错了，应为东区广场', images: [], mentions: [], mentionsBot: false, replyToMessageId: notice.id, createdAt: w.clock.now(),
    };
    expect(await w.app.deps.store.acceptInbound('sandbox', event.eventId, event, w.clock.now())).toBe('accepted');
    expect(await w.app.deps.store.acceptInbound('sandbox', 'ev_reply_1_again', { ...event, eventId: 'ev_reply_1_again' }, w.clock.now())).toBe('accepted');
    await w.app.settle();
    const stored = (await rows('chat')).filter((r) => r.externalId === 'sandbox:om_reply_1');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ draftId: published.no, author: '张信息员', text: '群众反映：文中活动地点写错了，应为东区广场' });
    expect(stored[0].flags).toContain('error_report');
    const receipts = (await w.app.dataSource.getRepository(OutboxEntity).find()).filter((o) => (o.message as { to: { messageId?: string } }).to.messageId === 'om_reply_1');
    expect(receipts.map((o) => (o.message as { body: { text: string } }).body.text)).toEqual([
      expect.stringContaining(`已记录对稿件 #${published.no} 的反馈`),
      `这条反馈已经记录过了（稿件 #${published.no}）。`,
    ]);
  });

  it('leaves a reply to any other message, and a command sent as a reply, to the core', async () => {
    const receipt = (await w.client.botMessages(LIAISON)).find((m) => m.template === 'receipt')!;
    const event: InboundMessage = {
      type: 'message', channel: 'sandbox', eventId: 'ev_reply_2', messageId: receipt.id, chatId: 'dm', chatType: 'p2p', senderId: LIAISON,
      text: '谢谢', images: [], mentions: [], mentionsBot: false, replyToMessageId: receipt.id, createdAt: w.clock.now(),
    };
    await w.app.deps.store.acceptInbound('sandbox', event.eventId, event, w.clock.now());
    // A command sent as a reply to the 已发布 notice is a command, not feedback.
    const notice = (await w.client.botMessages(LIAISON)).find((m) => m.text?.startsWith(`稿件 #${published.no} 已发布`))!;
    const command = { ...event, eventId: 'ev_reply_3', text: `/status ${published.no}`, replyToMessageId: notice.id };
    await w.app.deps.store.acceptInbound('sandbox', command.eventId, command, w.clock.now());
    await w.app.settle();
    const texts = (await rows('chat')).map((r) => r.text);
    expect(texts).not.toContain('谢谢');
    expect(texts).not.toContain(`/status ${published.no}`);
    expect(texts).toHaveLength(2);
  });

  describe('POST /feedback', () => {
    const post = (body: string, signature?: string) =>
      fetch(`${w.baseUrl}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-copydesk-signature': signature } : {}) }, body });
    const now = () => Math.floor(w.clock.now().getTime() / 1000);

    it('stores a signed submission masked, with only the fact that a contact was given, once', async () => {
      const body = JSON.stringify({ draftNo: published.no, text: '我是附近居民，我叫李四，电话 13812345678，建议活动改到周末。', contact: '13812345678' });
      const res = await post(body, sign(WEBHOOK_SECRET, now(), body));
      expect(res.status).toBe(201);
      const json = (await res.json()) as { ok: boolean; id: number };
      expect(json.ok).toBe(true);
      const row = await w.app.dataSource.getRepository(FeedbackEntity).findOneByOrFail({ id: json.id });
      expect(row).toMatchObject({ source: 'form', draftId: published.no, text: '我是附近居民，我叫李*，电话 ***********，建议活动改到周末。', author: '网页表单（留有联系方式）' });
      const again = await post(body, sign(WEBHOOK_SECRET, now() + 1, body));
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ ok: true, duplicate: true });
      expect(await rows('form')).toHaveLength(1);
    });

    it('stores nothing of the contact itself: a name and a WeChat id are not kept, not even in part', async () => {
      const body = JSON.stringify({ draftNo: published.no, text: '标题里的日期写错了。', contact: '张三, 微信 zhangsan_1990' });
      const res = await post(body, sign(WEBHOOK_SECRET, now(), body));
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: number };
      const row = await w.app.dataSource.getRepository(FeedbackEntity).findOneByOrFail({ id });
      expect(row.author).toBe('网页表单（留有联系方式）');
      expect(JSON.stringify(row)).not.toMatch(/张|zhangsan|1990/);
      const without = JSON.stringify({ draftNo: published.no, text: '配图很清楚。' });
      const plain = (await (await post(without, sign(WEBHOOK_SECRET, now(), without))).json()) as { id: number };
      expect((await w.app.dataSource.getRepository(FeedbackEntity).findOneByOrFail({ id: plain.id })).author).toBe('网页表单');
    });

    it.each([
      ['no signature', undefined, 'missing X-Copydesk-Signature'],
      ['a wrong secret', 'other-secret', 'bad signature'],
      ['a stale timestamp', 'stale', 'stale timestamp'],
      ['a malformed header', 'malformed', 'malformed X-Copydesk-Signature'],
    ])('answers 401 with JSON for %s', async (_label, kind, error) => {
      const body = JSON.stringify({ draftNo: published.no, text: '伪造的反馈' });
      const signature =
        kind === undefined ? undefined : kind === 'stale' ? sign(WEBHOOK_SECRET, now() - 301, body) : kind === 'malformed' ? 'sha256=abc' : sign(kind, now(), body);
      const res = await post(body, signature);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toEqual({ error });
    });

    it('answers 401 when the body was changed after signing', async () => {
      const body = JSON.stringify({ draftNo: published.no, text: '原文' });
      const res = await post(body.replace('原文', '改过'), sign(WEBHOOK_SECRET, now(), body));
      expect(res.status).toBe(401);
    });

    it.each([
      ['{not json', 'body is not JSON'],
      ['[1,2]', 'body must be a JSON object'],
      ['{"draftNo":"abc","text":"x"}', 'draftNo: must be a positive integer'],
      ['{"draftNo":1,"text":"   "}', 'text: must be a non-empty string'],
      ['{"draftNo":1,"text":"x","contact":5}', 'contact: must be a string of at most 200 characters'],
    ])('answers 400 with JSON for %s', async (body, error) => {
      const res = await post(body, sign(WEBHOOK_SECRET, now(), body));
      expect(res.status).toBe(400);
      const json = (await res.json()) as Record<string, unknown>;
      expect(json).toEqual({ error });
      expect(JSON.stringify(json)).not.toMatch(/at .*\.ts/);
    });

    it('answers 404 for an unknown draft', async () => {
      const body = JSON.stringify({ draftNo: 4242, text: '很好' });
      const res = await post(body, sign(WEBHOOK_SECRET, now(), body));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'not_found' });
    });
  });
});
