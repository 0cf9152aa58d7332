import pino from 'pino';
import { createApp, type CopydeskApp } from '../../src/app';
import { readConfig } from '../../src/config';
import { FakeClock } from '../support/clock';
import { testDatabase } from '../support/db';
import { buttonValues, cardText, sandboxClient } from '../support/sandbox-client';
import { startWebhookReceiver } from '../fakes/webhook-receiver';
import { AuditEntity, DraftEntity } from '../../src/db/entities';
import { handleCardAction } from '../../src/usecases/router';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const LEADER = 'ou_sandbox_leader';
const SECRET = 'test-webhook-secret';

/** The whole loop in the sandbox channel over real HTTP, with the webhook publisher against a real receiver. */
describe('core loop (sandbox channel, webhook publisher)', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let client: ReturnType<typeof sandboxClient>;
  const clock = new FakeClock('2026-11-30T02:00:00Z');

  const config = () =>
    readConfig({ DATABASE_URL: db.url, PUBLISH_WEBHOOK_URL: receiver.url, PUBLISH_WEBHOOK_SECRET: SECRET, PUBLISH_MAX_ATTEMPTS: '2', PUBLISH_RETRY_BASE_SECONDS: '60', REPLICA_ID: 'replica-a' });

  async function boot() {
    app = await createApp({ config: config(), logger: pino({ level: 'silent' }), clock, dbSchema: db.schema });
    server = await app.listen(0);
    client = sandboxClient(`http://127.0.0.1:${server.port}`);
  }

  beforeAll(async () => {
    db = await testDatabase();
    receiver = await startWebhookReceiver(SECRET);
    await boot();
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await receiver.close();
    await db.cleanup();
  });

  const submit = async (title: string, extra = '') => {
    const res = await client.say(LIAISON, `投稿\n${title}\n分类：工作动态\n${extra}今天召开了年终总结会，部署明年重点工作。`);
    expect(res.status).toBe(200);
    await app.settle();
    const receipt = (await client.botMessages(LIAISON)).at(-1)!;
    const no = Number(/#(\d+)/.exec(cardText(receipt.card))![1]);
    return no;
  };
  const approvalCardOf = async (who: string, no: number) => {
    const cards = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `));
    return cards.at(-1)!;
  };
  const tapVerdict = async (who: string, cardOwner: string, no: number, verdict: 'approve' | 'changes' | 'reject', reason = '') => {
    const card = await approvalCardOf(cardOwner, no);
    const value = buttonValues(card.card).find((v) => v.a === verdict)!;
    const res = await client.tap(who, card.id, value, { reason });
    await app.settle();
    return res.body as { toast: { type: string; content: string }; card?: unknown };
  };
  const draftState = async (no: number) => (await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state;

  it('submits, approves in two steps, publishes once through the webhook and tells everyone', async () => {
    const no = await submit('年终总结会召开');
    const receipt = (await client.botMessages(LIAISON)).at(-1)!;
    expect(receipt.template).toBe('receipt');
    expect(cardText(receipt.card)).toContain('年终总结会召开');

    // The editor (first step) has the card; the leader does not yet.
    expect(await approvalCardOf(EDITOR, no)).toBeDefined();
    expect(await approvalCardOf(LEADER, no)).toBeUndefined();

    const editorCard = await approvalCardOf(EDITOR, no);
    const approveValue = buttonValues(editorCard.card).find((v) => v.a === 'approve')!;
    const first = await tapVerdict(EDITOR, EDITOR, no, 'approve');
    expect(first.toast.type).toBe('success');
    expect(buttonValues(first.card)).toEqual([]);
    expect(cardText(first.card)).toContain('李编辑');

    // Double tap: nothing changes, same answer.
    const again = (await client.tap(EDITOR, editorCard.id, approveValue)).body as { toast: { type: string } };
    expect(again.toast.type).toBe('info');
    expect(await draftState(no)).toBe('in_review');

    const final = await tapVerdict(LEADER, LEADER, no, 'approve');
    expect(final.toast.type).toBe('success');
    expect(await draftState(no)).toBe('scheduled');

    await app.runJobs();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].signatureValid).toBe(true);
    expect(receiver.requests[0].payload).toMatchObject({ title: '年终总结会召开', platform: 'wechat', draftNo: no, revision: 1, category: '工作动态', author: '张信息员' });
    expect(await draftState(no)).toBe('published');

    // Running the job again publishes nothing more.
    await app.runJobs();
    expect(receiver.requests).toHaveLength(1);

    const liaisonMsgs = cardText((await client.botMessages(LIAISON)).map((m) => m.text ?? m.card));
    expect(liaisonMsgs).toContain('已发布');
    expect(liaisonMsgs).toContain('https://news.example.org/p/1');
    const group = await client.botMessages(LEADER, 'group');
    const status = group.filter((m) => m.template === 'status' && cardText(m.card).includes(`#${no} `));
    expect(status).toHaveLength(1); // one card, updated in place
    expect(cardText(status[0].card)).toContain('已发布');
    expect(cardText(status[0].card)).toContain('https://news.example.org/p/1');
  });

  it('refuses a non-approver without changing anything, and audits the attempt', async () => {
    const no = await submit('非审批人测试');
    // A forged tap: the liaison sends the editor's button value.
    const card = await approvalCardOf(EDITOR, no);
    const value = buttonValues(card.card).find((v) => v.a === 'approve')!;
    const answer = await handleCardAction(app.deps, { type: 'card_action', channel: 'sandbox', eventId: 'e1', operatorId: LIAISON, value, formValue: {} });
    expect(answer.toast.type).toBe('error');
    expect(answer.toast.content).toContain('成员');
    expect(await draftState(no)).toBe('in_review');
    const audits = await app.dataSource.getRepository(AuditEntity).findBy({ subject: `draft:${no}` });
    expect(audits.map((a) => a.action)).toContain('decide_refused:forbidden');
  });

  it('handles simultaneous taps as one decision (a conflict on PostgreSQL answers like a double tap)', async () => {
    const no = await submit('并发点击测试');
    const card = await approvalCardOf(EDITOR, no);
    const value = buttonValues(card.card).find((v) => v.a === 'approve')!;
    const tap = () => handleCardAction(app.deps, { type: 'card_action', channel: 'sandbox', eventId: `e-${Math.random()}`, operatorId: EDITOR, value, formValue: {} });
    const answers = await Promise.all([tap(), tap(), tap()]);
    expect(answers.map((a) => a.toast.type).sort()).toEqual(['info', 'info', 'success']);
    const { DecisionEntity } = await import('../../src/db/entities');
    expect(await app.dataSource.getRepository(DecisionEntity).countBy({ draftId: no })).toBe(1);
    expect((await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).step).toBe(1);
  });

  it('requires a reason to send back, refuses a decision on an outdated revision, and reviews the new one', async () => {
    const no = await submit('退回修改测试');
    const noReason = await tapVerdict(EDITOR, EDITOR, no, 'changes', '');
    expect(noReason.toast.type).toBe('error');
    expect(await draftState(no)).toBe('in_review');

    const oldCard = await approvalCardOf(EDITOR, no);
    const sentBack = await tapVerdict(EDITOR, EDITOR, no, 'changes', '请补充会议时间');
    expect(sentBack.toast.type).toBe('success');
    expect(await draftState(no)).toBe('changes_requested');
    const told = cardText((await client.botMessages(LIAISON)).map((m) => m.text ?? m.card));
    expect(told).toContain('请补充会议时间');

    await client.say(LIAISON, `/revise ${no}\n退回修改测试（修订）\n11月29日召开了年终总结会。`);
    await app.settle();
    expect(await draftState(no)).toBe('in_review');

    // A tap on the card of revision 1 is refused with an explanation.
    const value = buttonValues(oldCard.card).find((v) => v.a === 'approve')!;
    expect(value.r).toBe(1);
    const stale = await client.tap(EDITOR, oldCard.id, value);
    expect((stale.body as { toast: { type: string; content: string } }).toast).toMatchObject({ type: 'error' });
    expect((stale.body as { toast: { content: string } }).toast.content).toContain('第 2 版');

    const fresh = await tapVerdict(EDITOR, EDITOR, no, 'approve');
    expect(fresh.toast.type).toBe('success');
  });

  it('retries on 5xx, then fails into the group chat with a retry button that works', async () => {
    const no = await submit('发布失败测试');
    await tapVerdict(EDITOR, EDITOR, no, 'approve');
    await tapVerdict(LEADER, LEADER, no, 'approve');
    receiver.failNext('500', '500');
    const before = receiver.requests.length;
    await app.runJobs();
    expect(receiver.requests.length).toBe(before + 1);
    expect(await draftState(no)).toBe('publishing');
    clock.advance(61_000);
    await app.runJobs();
    expect(receiver.requests.length).toBe(before + 2);
    expect(await draftState(no)).toBe('publish_failed');

    const notices = (await client.botMessages(LEADER, 'group')).filter((m) => cardText(m.card).includes('发布失败') && cardText(m.card).includes(`#${no}`) && m.template === 'notice');
    expect(notices).toHaveLength(1);
    expect(cardText(notices[0].card)).toContain('HTTP 500');
    const retry = buttonValues(notices[0].card).find((v) => v.a === 'retry')!;
    const res = await client.tap(LEADER, notices[0].id, retry);
    expect((res.body as { toast: { type: string } }).toast.type).toBe('success');
    await app.runJobs();
    expect(await draftState(no)).toBe('published');
  });

  it('resumes a publication left in flight by a crash with the same idempotency key: one post', async () => {
    const no = await submit('崩溃恢复测试');
    await tapVerdict(EDITOR, EDITOR, no, 'approve');
    await tapVerdict(LEADER, LEADER, no, 'approve');
    receiver.failNext('hang');
    const before = receiver.requests.length;
    const postsBefore = receiver.posts.size;
    const inFlight = app.runJobs().catch(() => undefined);
    await receiver.waitForRequests(before + 1);
    // Crash: the process dies while the request is in flight; nothing after the send is recorded.
    await server.close();
    await app.dataSource.destroy();
    void inFlight;

    await boot();
    await app.runJobs();
    expect(receiver.requests.length).toBe(before + 2);
    const [a, b] = receiver.requests.slice(before);
    expect(a.idempotencyKey).toBe(b.idempotencyKey);
    expect(receiver.posts.size).toBe(postsBefore + 1);
    expect(await draftState(no)).toBe('published');
  });

  it('processes a stored event after a crash between the answer and the work', async () => {
    // What a channel does before answering: the event is stored. Then the process dies.
    const event = {
      type: 'message' as const, channel: 'sandbox' as const, eventId: 'ev-crash-1', messageId: 'om_crash_1', chatId: 'oc_sandbox_p2p_ou_sandbox_liaison', chatType: 'p2p' as const,
      senderId: LIAISON, text: '投稿\n崩溃前收到的稿件\n正文', images: [], mentions: [], mentionsBot: false, createdAt: clock.now(),
    };
    expect(await app.deps.store.acceptInbound('sandbox', event.eventId, event, clock.now())).toBe('accepted');
    await server.close();
    await app.dataSource.destroy();

    await boot();
    await app.settle();
    const { RevisionEntity } = await import('../../src/db/entities');
    expect(await app.dataSource.getRepository(RevisionEntity).countBy({ title: '崩溃前收到的稿件' })).toBe(1);
    // Delivered again by the platform after the restart: still one draft.
    expect(await app.deps.store.acceptInbound('sandbox', event.eventId, event, clock.now())).toBe('duplicate');
    // The receipt could not be delivered (the message it replies to is gone): the group is told.
    const undelivered = (await client.botMessages(LEADER, 'group')).filter((m) => (m.text ?? '').includes('消息未送达'));
    expect(undelivered).toHaveLength(1);
    expect(undelivered[0].text).toContain('「receipt」卡片');
  });

  it('handles the same event twice (a crash after the work, before the inbox row was closed) as one draft', async () => {
    const { handleMessage } = await import('../../src/usecases/router');
    const { RevisionEntity } = await import('../../src/db/entities');
    const event = {
      type: 'message' as const, channel: 'sandbox' as const, eventId: 'ev-twice-1', messageId: 'om_twice_1', chatId: 'oc_sandbox_p2p_ou_sandbox_liaison', chatType: 'p2p' as const,
      senderId: LIAISON, text: '投稿\n只应收下一次的稿件\n正文', images: [], mentions: [], mentionsBot: false, createdAt: clock.now(),
    };
    await handleMessage(app.deps, event);
    await handleMessage(app.deps, event);
    expect(await app.dataSource.getRepository(RevisionEntity).countBy({ title: '只应收下一次的稿件' })).toBe(1);
  });

  it('accepts a /new form once, however often it is submitted', async () => {
    await client.say(LIAISON, '/new');
    await app.settle();
    const form = (await client.botMessages(LIAISON)).at(-1)!;
    expect(form.template).toBe('draft-form');
    const value = buttonValues(form.card).find((v) => v.a === 'new')!;
    const formValue = { title: '表单投稿测试', body: '通过表单提交的正文。', category: '工作动态', platforms: ['wechat'], time: '' };
    const first = await client.tap(LIAISON, form.id, value, formValue);
    expect((first.body as { toast: { type: string } }).toast.type).toBe('success');
    const again = await handleCardAction(app.deps, { type: 'card_action', channel: 'sandbox', eventId: 'e-form-2', operatorId: LIAISON, value, formValue, messageId: form.id });
    expect(again.toast.type).toBe('info');
    await app.settle();
    const { RevisionEntity } = await import('../../src/db/entities');
    expect(await app.dataSource.getRepository(RevisionEntity).countBy({ title: '表单投稿测试' })).toBe(1);
  });

  it('masks personal data in one tap as a new revision, reviewed again', async () => {
    const res = await client.say(LIAISON, '投稿\n报名通知\n报名请联系王老师，电话13812345678。');
    expect(res.status).toBe(200);
    await app.settle();
    const receipt = (await client.botMessages(LIAISON)).at(-1)!;
    const maskNo = Number(/#(\d+)/.exec(cardText(receipt.card))![1]);
    const mask = buttonValues(receipt.card).find((v) => v.a === 'mask')!;
    expect(mask).toMatchObject({ d: maskNo, r: 1 });
    const tapped = await client.tap(LIAISON, receipt.id, mask);
    expect((tapped.body as { toast: { type: string } }).toast.type).toBe('success');
    await app.settle();
    const { RevisionEntity } = await import('../../src/db/entities');
    const rev2 = await app.dataSource.getRepository(RevisionEntity).findOneByOrFail({ draftId: maskNo, n: 2 });
    expect(rev2.body).toContain('138****5678');
    expect(rev2.body).not.toContain('13812345678');
    expect(await draftState(maskNo)).toBe('in_review');
  });

  it('lets only a leader with a reason override a blocking finding, and audits it', async () => {
    const no = await submit('内部通报', '');
    await client.say(LIAISON, `/revise ${no}\n内部通报\n本文件为绝密文件，不得外传。`);
    await app.settle();
    await tapVerdict(EDITOR, EDITOR, no, 'approve');
    const refused = await tapVerdict(LEADER, LEADER, no, 'approve', '');
    expect(refused.toast.type).toBe('error');
    expect(refused.toast.content).toContain('阻断');
    expect(await draftState(no)).toBe('in_review');
    const overridden = await tapVerdict(LEADER, LEADER, no, 'approve', '已脱密，经保密办同意发布');
    expect(overridden.toast.type).toBe('success');
    const audits = await app.dataSource.getRepository(AuditEntity).findBy({ subject: `draft:${no}`, action: 'override_block' });
    expect(audits).toHaveLength(1);
    expect(audits[0].reason).toContain('保密办');
  });

  it('lets a leader add a lexicon term in chat, effective at once, and refuses others', async () => {
    await client.say(LIAISON, '/words add gambling 幸运大转盘');
    await app.settle();
    expect((await client.botMessages(LIAISON)).at(-1)!.text).toContain('只有组长');
    await client.say(LEADER, '/words add gambling 幸运大转盘');
    await app.settle();
    expect((await client.botMessages(LEADER)).at(-1)!.text).toContain('立即生效');
    await client.say(LIAISON, '投稿\n活动通知\n欢迎参加幸运 大转盘活动。');
    await app.settle();
    const receipt = (await client.botMessages(LIAISON)).at(-1)!;
    expect(cardText(receipt.card)).toContain('幸运 大转盘');
  });

  it('moves, cancels and re-schedules an approved draft; the author withdraws another', async () => {
    const no = await submit('排期测试', '发布时间：2026-12-05 09:00\n');
    await tapVerdict(EDITOR, EDITOR, no, 'approve');
    await tapVerdict(LEADER, LEADER, no, 'approve');
    expect(await draftState(no)).toBe('scheduled');

    await client.say(LIAISON, `/schedule ${no} 2026-12-06 10:00`);
    await app.settle();
    expect((await client.botMessages(LIAISON)).at(-1)!.text).toContain('只有工作小组成员或组长');
    await client.say(EDITOR, `/schedule ${no} 2026-11-01 10:00`);
    await app.settle();
    expect((await client.botMessages(EDITOR)).at(-1)!.text).toContain('已经过去');
    await client.say(EDITOR, `/schedule ${no} 2026-12-06 10:00`);
    await app.settle();
    expect((await client.botMessages(EDITOR)).at(-1)!.text).toContain('2026-12-06 10:00');
    const { PublicationEntity } = await import('../../src/db/entities');
    const pubs = () => app.dataSource.getRepository(PublicationEntity).findBy({ draftId: no });
    expect((await pubs()).map((p) => p.dueAt.toISOString())).toEqual(['2026-12-06T02:00:00.000Z']);

    await client.say(EDITOR, `/cancel ${no}`);
    await app.settle();
    expect(await draftState(no)).toBe('cancelled');
    clock.set('2026-12-06T03:00:00Z');
    const sentFor = () => receiver.requests.filter((r) => r.payload.draftNo === no).length;
    await app.runJobs();
    expect(sentFor()).toBe(0);

    await client.say(EDITOR, `/schedule ${no} 立即`);
    await app.settle();
    await app.runJobs();
    expect(sentFor()).toBe(1);
    expect(await draftState(no)).toBe('published');

    const other = await submit('撤回测试');
    await client.say(EDITOR, `/withdraw ${other}`);
    await app.settle();
    expect((await client.botMessages(EDITOR)).at(-1)!.text).toContain('只有作者或组长');
    await client.say(LIAISON, `/withdraw ${other}`);
    await app.settle();
    expect(await draftState(other)).toBe('withdrawn');
    const card = await approvalCardOf(EDITOR, other);
    expect(buttonValues(card.card).filter((v) => v.a === 'approve')).toEqual([]);
    expect(cardText(card.card)).toContain('稿件已撤回');
  });

  it('reports its health', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', channel: { name: 'sandbox' } });
  });

  it('answers unknown commands with help and rejects a time in the past', async () => {
    await client.say(LIAISON, '/frobnicate');
    await app.settle();
    expect(cardText((await client.botMessages(LIAISON)).at(-1))).toContain('不认识的命令');
    await client.say(LIAISON, '投稿\n过去的时间\n发布时间：2026-11-01 09:00\n正文');
    await app.settle();
    expect(cardText((await client.botMessages(LIAISON)).at(-1))).toContain('已经过去');
    await client.say(LIAISON, '/status 9999');
    await app.settle();
    expect((await client.botMessages(LIAISON)).at(-1)!.text).toContain('没有编号为 #9999 的稿件');
  });
});
