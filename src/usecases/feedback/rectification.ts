import { DateTime } from 'luxon';
import { AppError } from '../../domain/errors';
import { canManagePublishing, isLeader, type Member } from '../../domain/roster';
import type { CardActionAnswer, ChannelName } from '../../ports/channel';
import type { RectificationRecord } from '../../ports/feedback';
import type { Tx } from '../../ports/store';
import type { Deps } from '../deps';
import { md } from '../cards';
import { tell } from '../notify';
import { rectificationCard, rectificationFormCard } from './cards';
import type { FeedbackDeps } from './deps';

/** Rectification (问题处理): a flagged feedback item becomes an item with an owner, a due date and a note. */

export const rectificationKey = (id: number, ownerId: string) => `rectification:${id}:${ownerId}`;
export const reminderKey = (id: number, day: string) => `rectify:${id}:${day}`;

const MAX_NOTE = 1000;

async function owners(tx: Tx): Promise<Member[]> {
  return (await tx.listMembers()).filter(canManagePublishing);
}

async function itemCard(tx: Tx, deps: Deps, r: RectificationRecord, reminder?: string) {
  const name = async (id: string | null) => (id ? ((await tx.getMember(id))?.name ?? id) : '');
  return rectificationCard(r, { owner: await name(r.ownerId), createdBy: await name(r.createdBy), closedBy: await name(r.closedBy) }, deps.zone, reminder);
}

/** The 建整改 button of a flagged item: sends the form to the person who tapped it. */
export async function openRectificationForm(deps: Deps, fb: FeedbackDeps, input: { channel: ChannelName; operatorId: string; feedbackId: number }): Promise<CardActionAnswer> {
  return deps.store.transaction(async (tx) => {
    const operator = await tx.getMember(input.operatorId);
    if (!canManagePublishing(operator)) {
      await tx.audit({ actor: input.operatorId, action: 'rectification_refused', subject: `feedback:${input.feedbackId}`, reason: 'not a working-group member' });
      return { toast: { type: 'error', content: '只有工作小组成员或组长可以建立整改事项。' } };
    }
    const f = await fb.repo.getFeedback(tx, input.feedbackId);
    if (!f) throw new AppError('not_found', '这条反馈不存在。');
    const existing = await fb.repo.openRectificationOf(tx, f.id);
    if (existing) return { toast: { type: 'info', content: `已有整改事项 #${existing.id}（处理中）。` } };
    const due = DateTime.fromJSDate(deps.clock.now(), { zone: deps.zone }).plus({ days: 3 }).toFormat('yyyy-LL-dd');
    const card = rectificationFormCard({
      no: f.draftId, feedbackId: f.id, kind: f.flags[0] ?? '', text: f.text, owners: (await owners(tx)).map((m) => ({ id: m.id, name: m.name })), defaultDue: due,
    });
    await tell(tx, input.channel, { kind: 'user', id: input.operatorId }, card, `rectify-form:${f.id}:${input.operatorId}`);
    return { toast: { type: 'success', content: '已私信发送整改表单，请填写负责人和截止日期。' } };
  });
}

/** Reads a date the form sends (`2026-12-01`, `2026-12-01 +0800`) as a local day. */
export function parseDueDate(value: string, zone: string): DateTime | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(value.trim());
  if (!m) return null;
  const d = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone });
  return d.isValid ? d.startOf('day') : null;
}

/** The form's 建立 button: creates the item, tells the owner and the working group, audits. */
export async function createRectification(
  deps: Deps,
  fb: FeedbackDeps,
  input: { channel: ChannelName; operatorId: string; feedbackId: number; ownerId: string; due: string; note: string },
): Promise<CardActionAnswer> {
  return deps.store.transaction(async (tx) => {
    const operator = await tx.getMember(input.operatorId);
    if (!canManagePublishing(operator)) return { toast: { type: 'error', content: '只有工作小组成员或组长可以建立整改事项。' } };
    const f = await fb.repo.getFeedback(tx, input.feedbackId);
    if (!f) throw new AppError('not_found', '这条反馈不存在。');
    const candidates = await owners(tx);
    const formCard = (created?: string) =>
      rectificationFormCard({ no: f.draftId, feedbackId: f.id, kind: f.flags[0] ?? '', text: f.text, owners: candidates.map((m) => ({ id: m.id, name: m.name })), defaultDue: input.due, created });
    const doubleTap = (existing: RectificationRecord): CardActionAnswer => ({ toast: { type: 'info', content: `已有整改事项 #${existing.id}。` }, card: formCard(`已建立整改事项 #${existing.id}`) });
    const existing = await fb.repo.openRectificationOf(tx, f.id);
    if (existing) return doubleTap(existing);
    const owner = candidates.find((m) => m.id === input.ownerId);
    if (!owner) return { toast: { type: 'error', content: '请选择负责人（工作小组成员或组长）。' } };
    const today = DateTime.fromJSDate(deps.clock.now(), { zone: deps.zone }).startOf('day');
    const due = parseDueDate(input.due, deps.zone);
    if (!due) return { toast: { type: 'error', content: '请选择截止日期。' } };
    if (due < today) return { toast: { type: 'error', content: '截止日期不能早于今天。' } };
    const note = input.note.trim().slice(0, MAX_NOTE);
    const r = await fb.repo.insertRectification(tx, {
      feedbackId: f.id, draftId: f.draftId, title: f.text.slice(0, 300), ownerId: owner.id, dueAt: due.toJSDate(), note: note || null, createdBy: input.operatorId, createdAt: deps.clock.now(),
    });
    if (!r) {
      // A simultaneous tap created it first (the unique index let only one insert through): answered like a double tap.
      const winner = await fb.repo.openRectificationOf(tx, f.id);
      if (winner) return doubleTap(winner);
      throw new AppError('conflict', '整改事项未能建立，请稍后重试。');
    }
    await tx.audit({ actor: input.operatorId, action: 'rectification_opened', subject: `rectification:${r.id}`, toState: 'open', reason: note || null, detail: { feedback: f.id, draft: f.draftId, owner: owner.id, due: due.toISODate() } });
    await tell(tx, input.channel, { kind: 'user', id: owner.id }, await itemCard(tx, deps, r), rectificationKey(r.id, owner.id));
    const chat = await tx.getBinding(input.channel);
    if (chat) {
      await tell(tx, input.channel, { kind: 'chat', id: chat }, { kind: 'text', text: `${operator!.name} 建立了整改事项 #${r.id}（稿件 #${f.draftId}），负责人 ${owner.name}，截止 ${due.toFormat('yyyy-LL-dd')}。` });
    }
    return { toast: { type: 'success', content: `已建立整改事项 #${r.id}，已通知 ${owner.name}。` }, card: formCard(`已建立整改事项 #${r.id}，负责人 ${md(owner.name)}，截止 ${due.toFormat('yyyy-LL-dd')}`) };
  });
}

/** The item card's 关闭 button: needs a note of what was done; the owner, or a leader, may close. */
export async function closeRectification(deps: Deps, fb: FeedbackDeps, input: { channel: ChannelName; operatorId: string; id: number; note: string }): Promise<CardActionAnswer> {
  return deps.store.transaction(async (tx) => {
    const r = await fb.repo.getRectification(tx, input.id);
    if (!r) throw new AppError('not_found', '这个整改事项不存在。');
    const operator = await tx.getMember(input.operatorId);
    if (!operator || (operator.id !== r.ownerId && !isLeader(operator))) {
      await tx.audit({ actor: input.operatorId, action: 'rectification_close_refused', subject: `rectification:${r.id}`, reason: 'not the owner or a leader' });
      return { toast: { type: 'error', content: '只有负责人或组长可以关闭整改事项。' } };
    }
    if (r.state === 'closed') return { toast: { type: 'info', content: `整改事项 #${r.id} 已关闭。` }, card: await itemCard(tx, deps, r) };
    const note = input.note.trim();
    if (!note) return { toast: { type: 'error', content: '请填写处理情况后再关闭。' }, card: await itemCard(tx, deps, r) };
    const now = deps.clock.now();
    if (!(await fb.repo.closeRectification(tx, r.id, operator.id, note.slice(0, MAX_NOTE), now))) {
      return { toast: { type: 'info', content: `整改事项 #${r.id} 已关闭。` } };
    }
    await tx.audit({ actor: operator.id, action: 'rectification_closed', subject: `rectification:${r.id}`, fromState: 'open', toState: 'closed', reason: note.slice(0, MAX_NOTE), detail: { draft: r.draftId, feedback: r.feedbackId } });
    const closed = (await fb.repo.getRectification(tx, r.id))!;
    const card = await itemCard(tx, deps, closed);
    await tell(tx, input.channel, { kind: 'user', id: r.ownerId }, card, rectificationKey(r.id, r.ownerId));
    const chat = await tx.getBinding(input.channel);
    if (chat) await tell(tx, input.channel, { kind: 'chat', id: chat }, { kind: 'text', text: `整改事项 #${r.id}（稿件 #${r.draftId ?? '—'}）已由 ${operator.name} 关闭。处理情况：${note.slice(0, 200)}` });
    return { toast: { type: 'success', content: `整改事项 #${r.id} 已关闭。` }, card };
  });
}

/**
 * The daily reminder job: every open item due today or overdue (organisation's zone) reminds its
 * owner once per day, with the card to close it.
 */
export async function remindRectifications(deps: Deps, fb: FeedbackDeps, channel: ChannelName): Promise<number> {
  const now = deps.clock.now();
  const today = DateTime.fromJSDate(now, { zone: deps.zone }).startOf('day');
  const day = today.toFormat('yyyy-LL-dd');
  return deps.store.transaction(async (tx) => {
    let sent = 0;
    for (const r of await fb.repo.openRectificationsDue(tx, today.plus({ days: 1 }).toJSDate())) {
      if (!(await fb.repo.claimReminder(tx, reminderKey(r.id, day), now))) continue;
      const late = Math.round(today.diff(DateTime.fromJSDate(r.dueAt, { zone: deps.zone }).startOf('day'), 'days').days);
      const text = late > 0 ? `已逾期 ${late} 天，请尽快处理并填写处理情况。` : '今天到期，请处理后填写处理情况并关闭。';
      const ch = (r.draftId !== null ? (await tx.getDraft(r.draftId))?.channel : undefined) ?? channel;
      await tell(tx, ch, { kind: 'user', id: r.ownerId }, await itemCard(tx, deps, r, text), `rectify-remind:${r.id}:${day}`);
      await tx.audit({ actor: 'system', action: 'rectification_reminded', subject: `rectification:${r.id}`, detail: { owner: r.ownerId, day, overdueDays: Math.max(0, late) } });
      sent += 1;
    }
    return sent;
  });
}
