import { STATE_LABELS } from '../domain/draft';
import { ROLE_LABELS } from '../domain/model';
import { formatLocal } from '../domain/time';
import type { ChannelName, MessageBody, Recipient } from '../ports/channel';
import type { DraftRecord, RevisionRecord, Tx } from '../ports/store';
import { approvalCard, draftView, md, statusCard, type DraftView } from './cards';
import type { Deps } from './deps';

/** Notices written to the outbox inside the caller's transaction. */

export async function viewOf(tx: Tx, deps: Deps, draft: DraftRecord, rev?: RevisionRecord): Promise<{ view: DraftView; rev: RevisionRecord }> {
  const revision = rev ?? (await tx.getRevision(draft.id, draft.revision));
  if (!revision) throw new Error(`revision ${draft.revision} of draft ${draft.id} missing`);
  return { view: draftView(draft, revision, await tx.getMember(draft.authorId), deps.zone), rev: revision };
}

export const tell = (tx: Tx, channel: ChannelName, to: Recipient, body: MessageBody, cardKey?: string) =>
  tx.enqueue(channel, { to, body, ...(cardKey ? { cardKey } : {}) });

export const approvalKey = (draftId: number, revision: number, step: number, memberId: string) => `approval:${draftId}:${revision}:${step}:${memberId}`;

/** Sends the approval card of the draft's current step to every member of that step's role. */
export async function sendApprovalCards(tx: Tx, deps: Deps, draft: DraftRecord): Promise<number> {
  const role = deps.approvalChain[draft.step];
  const { view, rev } = await viewOf(tx, deps, draft);
  const deciders = await tx.membersWithRole(role);
  for (const m of deciders) {
    const card = approvalCard({ view, findings: rev.findings, step: draft.step, role, stepCount: deps.approvalChain.length, zone: deps.zone });
    await tell(tx, draft.channel, { kind: 'user', id: m.id }, card, approvalKey(draft.id, rev.n, draft.step, m.id));
  }
  if (deciders.length === 0) {
    const chat = await tx.getBinding(draft.channel);
    const text = `稿件 #${draft.id} 需要「${ROLE_LABELS[role]}」审核，但名单中没有该角色的成员。请组长用 /role 指定。`;
    if (chat) await tell(tx, draft.channel, { kind: 'chat', id: chat }, { kind: 'text', text });
    await tell(tx, draft.channel, { kind: 'user', id: draft.authorId }, { kind: 'text', text });
  }
  return deciders.length;
}

/** Re-renders every copy of one step's approval card (decided, outdated or closed). */
export async function closeApprovalCards(tx: Tx, deps: Deps, draft: DraftRecord, revision: number, step: number, closedReason?: string): Promise<void> {
  const role = deps.approvalChain[step];
  const rev = await tx.getRevision(draft.id, revision);
  if (!rev) return;
  const view = draftView(draft, rev, await tx.getMember(draft.authorId), deps.zone);
  const decision = await tx.getDecision(draft.id, revision, step);
  const decider = decision ? await tx.getMember(decision.deciderId) : null;
  for (const m of await tx.membersWithRole(role)) {
    const card = approvalCard({
      view, findings: rev.findings, step, role, stepCount: deps.approvalChain.length, zone: deps.zone,
      decision: decision ? { ...decision, deciderName: decider?.name ?? decision.deciderId } : null,
      closedReason: decision ? undefined : closedReason,
    });
    await tell(tx, draft.channel, { kind: 'user', id: m.id }, card, approvalKey(draft.id, revision, step, m.id));
  }
}

/** Updates the one status card per draft in the working-group chat. */
export async function updateStatusCard(tx: Tx, deps: Deps, draft: DraftRecord): Promise<void> {
  const chat = await tx.getBinding(draft.channel);
  if (!chat) return;
  const { view } = await viewOf(tx, deps, draft);
  const history: string[] = [`${formatLocal(draft.createdAt, deps.zone)} ${view.md.author} 提交`];
  for (const d of await tx.decisions(draft.id)) {
    const who = (await tx.getMember(d.deciderId))?.name ?? d.deciderId;
    const verdict = d.verdict === 'approve' ? '通过' : d.verdict === 'changes' ? '退回修改' : '不予发布';
    history.push(`${formatLocal(d.createdAt, deps.zone)} ${md(who)}（${ROLE_LABELS[d.role]}）${verdict}（第 ${d.revision} 版）`);
  }
  history.push(`当前：${STATE_LABELS[draft.state]}`);
  const card = statusCard(view, history, await tx.publications(draft.id), deps.zone);
  await tell(tx, draft.channel, { kind: 'chat', id: chat }, card, `status:${draft.id}`);
}
