import { transition } from '../domain/draft';
import { ROLE_LABELS } from '../domain/model';
import { hasRole, isLeader } from '../domain/roster';
import { formatLocal } from '../domain/time';
import type { CardActionAnswer } from '../ports/channel';
import type { Tx, Verdict } from '../ports/store';
import { approvalCard, draftFormCard, md, noticeCard } from './cards';
import type { Deps } from './deps';
import { closeApprovalCards, sendApprovalCards, tell, updateStatusCard, viewOf } from './notify';
import { scheduleApproved } from './schedule';
import { CATEGORIES, PLATFORMS, PLATFORM_LABELS } from '../domain/model';

export interface DecideInput {
  operatorId: string;
  draftNo: number;
  revision: number;
  step: number;
  verdict: Verdict;
  reason: string;
}

const VERDICT_TEXT: Record<Verdict, string> = { approve: '通过', changes: '退回修改', reject: '不予发布' };

/** Renders the tapped card as it now stands, for the callback's answer. */
async function currentCard(tx: Tx, deps: Deps, input: DecideInput, closedReason?: string) {
  const draft = await tx.getDraft(input.draftNo);
  if (!draft) return undefined;
  const rev = await tx.getRevision(draft.id, input.revision);
  if (!rev) return undefined;
  const { view } = await viewOf(tx, deps, draft, rev);
  const decision = await tx.getDecision(draft.id, input.revision, input.step);
  const decider = decision ? await tx.getMember(decision.deciderId) : null;
  return approvalCard({
    view, findings: rev.findings, step: input.step, role: deps.approvalChain[input.step], stepCount: deps.approvalChain.length, zone: deps.zone,
    decision: decision ? { ...decision, deciderName: decider?.name ?? decision.deciderId } : null,
    closedReason: decision ? undefined : closedReason,
  });
}

/**
 * 信息审核 (第八条): one decider of the current step decides on the current revision.
 * Answers synchronously with a toast and the updated card; refusals change nothing but are audited.
 */
export async function decide(deps: Deps, input: DecideInput): Promise<CardActionAnswer> {
  const role = deps.approvalChain[input.step];
  const refuse = async (tx: Tx, code: string, message: string, closedReason?: string): Promise<CardActionAnswer> => {
    await tx.audit({ actor: input.operatorId, action: `decide_refused:${code}`, subject: `draft:${input.draftNo}`, revision: input.revision, reason: message, detail: { verdict: input.verdict, step: input.step } });
    return { toast: { type: 'error', content: message }, card: await currentCard(tx, deps, input, closedReason) };
  };

  return deps.store.transaction(async (tx) => {
    const draft = await tx.getDraft(input.draftNo);
    if (!draft || !role) return { toast: { type: 'error', content: `稿件 #${input.draftNo} 不存在。` } };
    const operator = await tx.getMember(input.operatorId);
    if (!hasRole(operator, role)) {
      return refuse(tx, 'forbidden', `只有「${ROLE_LABELS[role]}」可以处理这一步审核，你的操作未生效。`);
    }
    if (input.revision !== draft.revision) {
      return refuse(tx, 'outdated', `这是第 ${input.revision} 版的审批卡，稿件已更新到第 ${draft.revision} 版，请在新卡片上审核。`, `已有新版本（第 ${draft.revision} 版）`);
    }
    const existing = await tx.getDecision(draft.id, input.revision, input.step);
    if (existing) {
      // A double tap or a re-delivered callback: same answer, nothing changes.
      const who = existing.deciderId === input.operatorId ? '你' : ((await tx.getMember(existing.deciderId))?.name ?? existing.deciderId);
      return { toast: { type: 'info', content: `${who}已于 ${formatLocal(existing.createdAt, deps.zone)} 作出「${VERDICT_TEXT[existing.verdict]}」决定。` }, card: await currentCard(tx, deps, input) };
    }
    if (draft.state !== 'in_review' || draft.step !== input.step) {
      return refuse(tx, 'closed', `稿件 #${draft.id} 当前不在这一步审核中，无需操作。`, '审核已结束');
    }
    const reason = input.reason.trim();
    if (input.verdict !== 'approve' && !reason) {
      return { toast: { type: 'error', content: input.verdict === 'changes' ? '退回修改需要填写修改意见。' : '不予发布需要填写理由。' }, card: await currentCard(tx, deps, input) };
    }
    const rev = await tx.getRevision(draft.id, draft.revision);
    const last = input.step === deps.approvalChain.length - 1;
    const blocking = rev?.findings.filter((f) => f.severity === 'block') ?? [];
    if (input.verdict === 'approve' && last && blocking.length > 0) {
      // A block finding stops the last approval unless a leader overrides it with a reason.
      if (!isLeader(operator) || !reason) {
        return { toast: { type: 'error', content: `预审发现 ${blocking.length} 个阻断问题：请退回修改；组长可在意见栏填写理由后通过（将记录在案）。` }, card: await currentCard(tx, deps, input) };
      }
      await tx.audit({ actor: input.operatorId, action: 'override_block', subject: `draft:${draft.id}`, revision: input.revision, reason, detail: { rules: blocking.map((f) => f.rule) } });
    }

    const action = input.verdict === 'approve' ? (last ? 'approve_final' : 'approve_step') : input.verdict === 'changes' ? 'request_changes' : 'reject';
    const to = transition(draft.state, action);
    const inserted = await tx.insertDecision({ draftId: draft.id, revision: input.revision, step: input.step, role, deciderId: input.operatorId, verdict: input.verdict, reason });
    if (!inserted) return { toast: { type: 'info', content: '该步骤已有决定。' }, card: await currentCard(tx, deps, input) };
    let updated = await tx.updateDraft(draft, { state: to, step: action === 'approve_step' ? input.step + 1 : input.step });
    await tx.audit({ actor: input.operatorId, action, subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: input.revision, reason: reason || null });
    await closeApprovalCards(tx, deps, updated, input.revision, input.step);

    const who = operator?.name ?? input.operatorId;
    const author = { kind: 'user' as const, id: draft.authorId };
    const title = rev?.title ?? '';
    if (action === 'approve_step') {
      await tell(tx, draft.channel, author, { kind: 'text', text: `稿件 #${draft.id}「${title}」已由${who}（${ROLE_LABELS[role]}）审核通过，进入下一步：${ROLE_LABELS[deps.approvalChain[input.step + 1]]}审核。` });
      await sendApprovalCards(tx, deps, updated);
    } else if (action === 'approve_final') {
      updated = await scheduleApproved(tx, deps, updated, input.operatorId);
    } else if (action === 'request_changes') {
      await tell(tx, draft.channel, author, noticeCard(`稿件 #${draft.id} 退回修改`, `${md(who)}（${ROLE_LABELS[role]}）意见：${md(reason)}\n请在下方修改后提交，或发送 /revise ${draft.id} 加新稿件。`, 'orange'));
      await tell(tx, draft.channel, author, draftFormCard({ categories: CATEGORIES, platforms: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p] })), revise: { no: draft.id, title, body: rev?.body ?? '', reason } }));
    } else {
      await tell(tx, draft.channel, author, noticeCard(`稿件 #${draft.id} 不予发布`, `${md(who)}（${ROLE_LABELS[role]}）理由：${md(reason)}`, 'red'));
    }
    await updateStatusCard(tx, deps, updated);
    return { toast: { type: 'success', content: `已${VERDICT_TEXT[input.verdict]}：稿件 #${draft.id}` }, card: await currentCard(tx, deps, input) };
  });
}
