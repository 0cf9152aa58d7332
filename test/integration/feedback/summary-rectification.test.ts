import { AuditEntity } from '../../../src/db/entities';
import { RectificationEntity } from '../../../src/db/feedback-entities';
import { analyseSentiment } from '../../../src/domain/feedback';
import { handleCardAction } from '../../../src/usecases/router';
import { buttonValues, cardText } from '../../support/sandbox-client';
import { EDITOR, HOUR, LEADER, LIAISON, seedWechatComments, startWorld, type World } from './harness';

type Msg = Awaited<ReturnType<World['client']['botMessages']>>[number];
type Answer = { toast: { type: string; content: string }; card?: unknown };

/** Markdown contents of a rendered card, in order. */
const markdowns = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

/** The per-post summary card, and the rectification items opened from it, under a fake clock. */
describe('feedback summary and rectification', () => {
  let w: World;
  let no: number;
  let pubId: number;
  let summary: Msg;
  beforeAll(async () => {
    w = await startWorld();
    ({ no, pubId } = await w.publish('社区义诊活动'));
  });
  afterAll(async () => {
    await w.close();
  });

  const summaries = async () => (await w.client.botMessages(LEADER, 'group')).filter((m) => m.template === 'feedback-summary');
  const tap = async (who: string, messageId: string, value: Record<string, unknown>, form: Record<string, unknown> = {}) => {
    const res = await w.client.tap(who, messageId, value, form);
    await w.app.settle();
    return res.body as unknown as Answer;
  };

  it('posts one summary card a day after publishing: figures, volume, sentiment, themes, flagged items with buttons, nothing personal', async () => {
    const msgDataId = Number((await w.publication(pubId)).steps.wx_msg_data_id);
    seedWechatComments(w.wechat, msgDataId, [
      '义诊活动非常好，医生很耐心，点赞！',
      '活动组织得很好，感谢社区。',
      '文中的义诊地点写错了，应该是东区广场不是西区广场。',
      '排了两个小时队，工作人员态度太差了，非常失望。',
      '请问下次义诊是什么时候？',
      '我叫张三，电话13812345678，想预约下次义诊。',
    ]);
    await w.client.say(EDITOR, `/feedback ${no} 居民反映义诊现场秩序很好`);
    await w.app.settle();
    await w.app.runJob('feedback-collect');

    w.clock.advance(23 * HOUR);
    await w.app.runJob('feedback-summary');
    expect(await summaries()).toHaveLength(0);

    w.clock.advance(HOUR + 10 * 60_000); // 2026-12-01 10:10 local
    // A collection run the next day: WeChat's datacube serves a day's figures from the day after.
    await w.app.runJob('feedback-collect');
    await w.app.runJob('feedback-summary');
    const cards = await summaries();
    expect(cards).toHaveLength(1);
    summary = cards[0];
    const card = summary.card as { header: { title: { content: string }; subtitle: { content: string } } };
    expect(card.header.title.content).toBe(`反馈汇总：#${no} 社区义诊活动`);
    expect(card.header.subtitle.content).toBe('公众号 · 发布于 2026-11-30 10:00 · 截至 2026-12-01 10:10');

    const rows = await w.feedbackRows(pubId);
    expect(rows).toHaveLength(7);
    const counts = { positive: 0, neutral: 0, negative: 0 };
    for (const r of rows) counts[analyseSentiment(r.text).label] += 1;
    const md = markdowns(summary.card);
    expect(md[0]).toBe('**数据**：阅读 100　转发 5');
    expect(md[1]).toBe('**留言**：共 7 条（公众号 6、群内转达 1）');
    expect(md[2]).toBe(`**情绪**：正面 ${counts.positive} · 中性 ${counts.neutral} · 负面 ${counts.negative}`);
    expect(counts.positive).toBeGreaterThanOrEqual(2);
    expect(counts.negative).toBeGreaterThanOrEqual(1);
    expect(md.some((m) => m.startsWith('**主题**：\n· '))).toBe(true);

    // Each flagged comment is listed once, with its button; the error report comes first.
    const flaggedRows = rows.filter((r) => r.flags.length > 0);
    const buttons = buttonValues(summary.card);
    expect(buttons.every((b) => b.a === 'rectify_open')).toBe(true);
    expect(buttons.map((b) => b.f).sort()).toEqual(flaggedRows.map((r) => r.id).sort());
    const errorRow = rows.find((r) => r.text.includes('地点写错了'))!;
    expect(errorRow.flags).toContain('error_report');
    expect(buttons[0].f).toBe(errorRow.id);
    const listed = md.filter((m) => m.startsWith('**指出错误**') || m.startsWith('**投诉或批评**') || m.startsWith('**提问**'));
    expect(listed[0]).toBe('**指出错误**「文中的义诊地点写错了，应该是东区广场不是西区广场。」');
    expect(listed).toContain('**提问**「请问下次义诊是什么时候？」');
    expect(md).toContain(`**需要处理**（${flaggedRows.length} 条）：`);

    expect(cardText(summary.card)).not.toMatch(/13812345678|张三/);

    // Once per post.
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-summary');
    expect(await summaries()).toHaveLength(1);
  });

  it('opens a rectification item from a flagged item: a form to the person who tapped, then owner, due date and note; audited', async () => {
    const errorValue = buttonValues(summary.card)[0];
    const refused = await tap(LIAISON, summary.id, errorValue);
    expect(refused.toast).toEqual({ type: 'error', content: '只有工作小组成员或组长可以建立整改事项。' });

    const opened = await tap(EDITOR, summary.id, errorValue);
    expect(opened.toast.type).toBe('success');
    const form = (await w.client.botMessages(EDITOR)).filter((m) => m.template === 'rectification-form').at(-1)!;
    expect(cardText(form.card)).toContain('文中的义诊地点写错了');
    expect(cardText(form.card)).toContain('王组长');
    expect(cardText(form.card)).not.toContain('张信息员'); // liaisons are not owners
    const createValue = buttonValues(form.card)[0];
    expect(createValue).toEqual({ a: 'rectify_create', f: errorValue.f });

    const noOwner = await tap(EDITOR, form.id, createValue, { owner: LIAISON, due: '2026-12-03', note: '' });
    expect(noOwner.toast).toMatchObject({ type: 'error', content: '请选择负责人（工作小组成员或组长）。' });
    const past = await tap(EDITOR, form.id, createValue, { owner: EDITOR, due: '2026-11-30', note: '' });
    expect(past.toast).toMatchObject({ type: 'error', content: '截止日期不能早于今天。' });

    const created = await tap(EDITOR, form.id, createValue, { owner: EDITOR, due: '2026-12-03 +0800', note: '核实地点并在原文留言处更正' });
    expect(created.toast.type).toBe('success');
    expect(cardText(created.card)).toContain('已建立整改事项 #1，负责人 李编辑，截止 2026-12-03');
    expect(buttonValues(created.card)).toEqual([]);
    const again = await tap(EDITOR, form.id, createValue, { owner: EDITOR, due: '2026-12-03', note: '' });
    expect(again.toast).toMatchObject({ type: 'info', content: '已有整改事项 #1。' });

    const item = await w.app.dataSource.getRepository(RectificationEntity).findOneByOrFail({ id: 1 });
    expect(item).toMatchObject({ feedbackId: errorValue.f, draftId: no, ownerId: EDITOR, state: 'open', note: '核实地点并在原文留言处更正', createdBy: EDITOR });
    expect(item.dueAt.toISOString()).toBe('2026-12-02T16:00:00.000Z'); // 2026-12-03 00:00 in Asia/Shanghai
    const ownerCard = (await w.client.botMessages(EDITOR)).filter((m) => m.template === 'rectification').at(-1)!;
    expect((ownerCard.card as { header: { subtitle: { content: string } } }).header.subtitle.content).toBe(`稿件 #${no} · 负责人 李编辑 · 截止 2026-12-03`);
    const group = (await w.client.botMessages(LEADER, 'group')).map((m) => m.text ?? '');
    expect(group).toContain(`李编辑 建立了整改事项 #1（稿件 #${no}），负责人 李编辑，截止 2026-12-03。`);
    const audits = await w.app.dataSource.getRepository(AuditEntity).find({ order: { id: 'ASC' } });
    expect(audits.filter((a) => a.subject === 'rectification:1').map((a) => a.action)).toEqual(['rectification_opened']);
    expect(audits.find((a) => a.action === 'rectification_refused')?.actor).toBe(LIAISON);
  });

  it('reminds the owner on the due date and each overdue day, once a day, and no more once closed with a note', async () => {
    const reminders = async () => (await w.client.botMessages(EDITOR)).filter((m) => m.template === 'rectification' && cardText(m.card).includes('⏰'));
    w.clock.set('2026-12-02T01:00:00Z'); // 09:00, the day before
    await w.app.runJob('rectification-remind');
    expect(await reminders()).toHaveLength(0);

    w.clock.set('2026-12-03T01:00:00Z');
    await w.app.runJob('rectification-remind');
    await w.app.runJob('rectification-remind');
    expect((await reminders()).map((m) => markdowns(m.card)[0])).toEqual(['⏰ **今天到期，请处理后填写处理情况并关闭。**']);

    w.clock.set('2026-12-04T01:00:00Z');
    await w.app.runJob('rectification-remind');
    const list = await reminders();
    expect(list.map((m) => markdowns(m.card)[0])).toEqual(['⏰ **今天到期，请处理后填写处理情况并关闭。**', '⏰ **已逾期 1 天，请尽快处理并填写处理情况。**']);

    // Closing: the owner (or a leader) only, and a note of what was done.
    const closeValue = buttonValues(list[1].card)[0];
    expect(closeValue).toEqual({ a: 'rectify_close', i: 1 });
    // A forged tap (the liaison cannot see the owner's card): refused and audited.
    const forged = await handleCardAction(w.app.deps, { type: 'card_action', channel: 'sandbox', eventId: 'forged-close', operatorId: LIAISON, value: closeValue, formValue: { note: '已处理' } });
    expect(forged.toast).toEqual({ type: 'error', content: '只有负责人或组长可以关闭整改事项。' });
    expect((await tap(EDITOR, list[1].id, closeValue, { note: '  ' })).toast).toMatchObject({ type: 'error', content: '请填写处理情况后再关闭。' });
    const closed = await tap(EDITOR, list[1].id, closeValue, { note: '已在文章留言区置顶更正说明' });
    expect(closed.toast).toEqual({ type: 'success', content: '整改事项 #1 已关闭。' });
    expect(buttonValues(closed.card)).toEqual([]);
    expect(cardText(closed.card)).toContain('已在文章留言区置顶更正说明');
    expect(await w.app.dataSource.getRepository(RectificationEntity).findOneByOrFail({ id: 1 })).toMatchObject({ state: 'closed', closedBy: EDITOR, closingNote: '已在文章留言区置顶更正说明' });
    const audit = (await w.app.dataSource.getRepository(AuditEntity).find({ where: { subject: 'rectification:1' }, order: { id: 'ASC' } })).map((a) => [a.action, a.reason]);
    expect(audit).toEqual([
      ['rectification_opened', '核实地点并在原文留言处更正'],
      ['rectification_reminded', null],
      ['rectification_reminded', null],
      ['rectification_close_refused', 'not the owner or a leader'],
      ['rectification_closed', '已在文章留言区置顶更正说明'],
    ]);
    expect((await tap(EDITOR, list[1].id, closeValue, { note: '再关一次' })).toast.type).toBe('info');

    const sent = async () => (await w.app.dataSource.getRepository(AuditEntity).findBy({ action: 'rectification_reminded' })).length;
    expect(await sent()).toBe(2);
    const dmCount = (await w.client.botMessages(EDITOR)).length;
    w.clock.set('2026-12-05T01:00:00Z');
    await w.app.runJob('rectification-remind');
    expect(await sent()).toBe(2);
    expect(await w.client.botMessages(EDITOR)).toHaveLength(dmCount);
  });
});
