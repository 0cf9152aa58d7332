import { transition } from '../domain/draft';
import { AppError } from '../domain/errors';
import { canManagePublishing, isLeader } from '../domain/roster';
import { formatLocal, parseLocalTime } from '../domain/time';
import type { ChannelName, Recipient } from '../ports/channel';
import type { DraftRecord, Tx } from '../ports/store';
import { targetLabel } from './cards';
import type { Deps } from './deps';
import { closeApprovalCards, tell, updateStatusCard } from './notify';

/**
 * 信息发布: after the last approval, one publication per target is due at the requested time,
 * or at once when none was given or the time has passed (and the author is told so).
 */
export async function scheduleApproved(tx: Tx, deps: Deps, draft: DraftRecord, actor: string): Promise<DraftRecord> {
  const now = deps.clock.now();
  const late = draft.publishAt !== null && draft.publishAt.getTime() <= now.getTime();
  const due = draft.publishAt && !late ? draft.publishAt : now;
  for (const t of draft.targets) {
    await tx.insertPublication({ draftId: draft.id, revision: draft.revision, platform: t.platform, account: t.account ?? '', publisher: deps.publishers.nameFor(t), state: 'scheduled', dueAt: due });
  }
  const to = transition(draft.state, 'schedule');
  const updated = await tx.updateDraft(draft, { state: to });
  await tx.audit({ actor, action: 'schedule', subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision, detail: { due: due.toISOString(), late } });
  const when = late
    ? `原定发布时间 ${formatLocal(draft.publishAt!, deps.zone)} 已过，现在立即发布。`
    : draft.publishAt
      ? `将于 ${formatLocal(due, deps.zone)} 发布到${draft.targets.map(targetLabel).join('、')}。`
      : `现在发布到${draft.targets.map(targetLabel).join('、')}。`;
  await tell(tx, draft.channel, { kind: 'user', id: draft.authorId }, { kind: 'text', text: `稿件 #${draft.id} 已审批通过。${when}` });
  return updated;
}

interface CommandInput {
  channel: ChannelName;
  senderId: string;
  replyTo: Recipient;
  no: number;
}

async function load(tx: Tx, no: number): Promise<DraftRecord> {
  const draft = await tx.getDraft(no);
  if (!draft) throw new AppError('not_found', `没有编号为 #${no} 的稿件。`);
  return draft;
}

async function requireManager(tx: Tx, senderId: string, what: string) {
  const m = await tx.getMember(senderId);
  if (!canManagePublishing(m)) throw new AppError('forbidden', `只有工作小组成员或组长可以${what}。`);
  return m!;
}

/** `/schedule <no> <time>`: sets or moves the publishing time of an approved draft. */
export async function rescheduleDraft(deps: Deps, input: CommandInput & { time: string }): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await requireManager(tx, input.senderId, '调整发布时间');
    const draft = await load(tx, input.no);
    const now = deps.clock.now();
    const t = parseLocalTime(input.time, deps.zone, now);
    if (t.kind === 'invalid') throw new AppError('invalid_time', t.reason);
    const due = t.kind === 'now' ? now : t.at;
    if (t.kind === 'at' && due.getTime() <= now.getTime()) throw new AppError('time_in_past', `时间 ${input.time} 已经过去，请填写将来的时间，或写「立即」。`);
    const to = transition(draft.state, 'schedule');
    // Publications exist from the final approval on; moving the draft moves those not yet sent.
    for (const p of await tx.publications(draft.id)) {
      if (p.state === 'scheduled' || p.state === 'cancelled') await tx.updatePublication(p.id, { state: 'scheduled', dueAt: due });
    }
    const updated = await tx.updateDraft(draft, { state: to, publishAt: due });
    await tx.audit({ actor: input.senderId, action: 'schedule', subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision, detail: { due: due.toISOString() } });
    await updateStatusCard(tx, deps, updated);
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text: `稿件 #${draft.id} 将于 ${formatLocal(due, deps.zone)} 发布。` });
  });
}

/** `/cancel <no>`: takes a scheduled draft off the schedule; `/schedule` puts it back. */
export async function cancelSchedule(deps: Deps, input: CommandInput): Promise<void> {
  await deps.store.transaction(async (tx) => {
    await requireManager(tx, input.senderId, '取消排期');
    const draft = await load(tx, input.no);
    const to = transition(draft.state, 'cancel');
    for (const p of await tx.publications(draft.id)) if (p.state === 'scheduled') await tx.updatePublication(p.id, { state: 'cancelled' });
    const updated = await tx.updateDraft(draft, { state: to });
    await tx.audit({ actor: input.senderId, action: 'cancel', subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision });
    await updateStatusCard(tx, deps, updated);
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text: `稿件 #${draft.id} 已取消排期。需要时发送 /schedule ${draft.id} 时间 重新排期。` });
  });
}

/** `/retry <no>` or the 重试 button: failed publications are due again now (other targets may still be open). */
export async function retryPublishing(deps: Deps, input: { senderId: string; no: number }): Promise<string> {
  return deps.store.transaction(async (tx) => {
    await requireManager(tx, input.senderId, '重试发布');
    const draft = await load(tx, input.no);
    const failed = (await tx.publications(draft.id)).filter((p) => p.state === 'failed' && p.revision === draft.revision);
    if (failed.length === 0) {
      if (draft.state === 'scheduled' || draft.state === 'publishing') return `稿件 #${draft.id} 已在发布队列中。`;
      transition(draft.state, 'retry');
      return `稿件 #${draft.id} 没有失败的发布。`;
    }
    const now = deps.clock.now();
    for (const p of failed) await tx.updatePublication(p.id, { state: 'scheduled', dueAt: now, attempts: 0, lastError: null });
    let updated = draft;
    if (draft.state === 'publish_failed') {
      const to = transition(draft.state, 'retry');
      updated = await tx.updateDraft(draft, { state: to });
    }
    await tx.audit({ actor: input.senderId, action: 'retry', subject: `draft:${draft.id}`, fromState: draft.state, toState: updated.state, revision: draft.revision, detail: { publications: failed.map((p) => p.id) } });
    await updateStatusCard(tx, deps, updated);
    return `稿件 #${draft.id} 已重新加入发布队列（${failed.map(targetLabel).join('、')}）。`;
  });
}

/** `/withdraw <no>`: the author (or a leader) takes a draft back before it is published. */
export async function withdrawDraft(deps: Deps, input: CommandInput): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const draft = await load(tx, input.no);
    const m = await tx.getMember(input.senderId);
    if (draft.authorId !== input.senderId && !isLeader(m)) throw new AppError('forbidden', `只有作者或组长可以撤回稿件 #${draft.id}。`);
    const to = transition(draft.state, 'withdraw');
    for (const p of await tx.publications(draft.id)) if (p.state === 'scheduled') await tx.updatePublication(p.id, { state: 'cancelled' });
    const updated = await tx.updateDraft(draft, { state: to });
    await tx.audit({ actor: input.senderId, action: 'withdraw', subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision });
    if (draft.state === 'in_review') await closeApprovalCards(tx, deps, updated, draft.revision, draft.step, '稿件已撤回');
    await updateStatusCard(tx, deps, updated);
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text: `稿件 #${draft.id} 已撤回。` });
  });
}
