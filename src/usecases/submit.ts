import { createHash } from 'node:crypto';
import { transition } from '../domain/draft';
import { AppError } from '../domain/errors';
import { PLATFORM_LABELS, type Finding, type MediaRef, type Platform, type RevisionContent } from '../domain/model';
import { canManagePublishing, canSubmit } from '../domain/roster';
import { applyReplacements } from '../domain/review';
import { parseDraftLines, parseSubmission, type DraftFields, type ParseResult, type Target } from '../domain/submission';
import type { ChannelName, Recipient } from '../ports/channel';
import type { DraftRecord } from '../ports/store';
import { noticeCard, receiptCard } from './cards';
import type { Deps } from './deps';
import { closeApprovalCards, sendApprovalCards, tell, updateStatusCard, viewOf } from './notify';

/** Longest draft body accepted from chat (characters); beyond that the person is asked to shorten or split it. */
export const MAX_DRAFT_CHARS = 30000;

export interface SubmitInput {
  channel: ChannelName;
  senderId: string;
  replyTo: Recipient;
  /** The raw `投稿` text, or parsed fields from a rich-text post or the `/new` form. */
  text?: string;
  fields?: ParseResult;
  media?: MediaRef[];
  /** The event this submission came from: handled again (after a crash), it finds the draft instead. */
  source?: string;
}

const hash = (title: string, body: string) => createHash('sha256').update(`${title}\n\0${body}`).digest('hex');

/** Runs the pre-check and notes which targets will go to the manual publisher. */
export function precheck(deps: Deps, content: RevisionContent, targets: Target[]): Finding[] {
  const platforms = [...new Set(targets.map((t) => t.platform))] as Platform[];
  const findings = deps.reviewer.review(content, platforms);
  for (const t of targets) {
    if (deps.publishers.nameFor(t) === 'manual') {
      findings.push({
        rule: 'publisher.manual', category: 'publishing', severity: 'info', field: 'body', start: 0, end: 0, text: '', platform: t.platform,
        suggestion: `${t.account ?? PLATFORM_LABELS[t.platform]} 未配置发布凭据，审批通过后将交由成员人工发布。`,
      });
    }
  }
  return findings;
}

function nextStepText(deps: Deps, fields: DraftFields): string {
  return `已送「${deps.approvalChain.length} 级审核」，通过后${fields.publishAt ? '按排期' : '立即'}发布。可发送 /status 查看进度，/withdraw 撤回。`;
}

export function parseOptions(deps: Deps) {
  return { zone: deps.zone, now: deps.clock.now(), accounts: deps.publishers.accounts() };
}

/** 信息采集: a liaison's draft becomes draft #n, revision 1, waiting for the first approval step. */
export async function submitDraft(deps: Deps, input: SubmitInput): Promise<DraftRecord | null> {
  return deps.store.transaction(async (tx) => {
    const seen = input.source ? await tx.revisionBySource(input.source) : null;
    if (seen) return tx.getDraft(seen.draftId);
    const member = await tx.getMember(input.senderId);
    if (!canSubmit(member) || !member) {
      await tell(tx, input.channel, input.replyTo, { kind: 'text', text: '你还不在新媒体工作名单中，暂时不能投稿。请联系工作小组组长把你加入名单。' });
      return null;
    }
    if ((input.text?.length ?? 0) > MAX_DRAFT_CHARS) {
      await tell(tx, input.channel, input.replyTo, { kind: 'text', text: `稿件太长（${input.text!.length} 字），单条最多 ${MAX_DRAFT_CHARS} 字。请精简或分篇投稿。` });
      return null;
    }
    const parsed = input.fields ?? parseSubmission(input.text ?? '', parseOptions(deps));
    if (!parsed.ok) {
      await tell(tx, input.channel, input.replyTo, noticeCard('稿件未收下，请修改后重新发送', parsed.errors.map((e) => `· ${e}`).join('\n'), 'orange'));
      return null;
    }
    const f = parsed.fields;
    const media = input.media ?? [];
    const findings = precheck(deps, { title: f.title, body: f.body, media }, f.targets);
    const state = transition(null, 'submit');
    const draft = await tx.insertDraft({
      channel: input.channel, authorId: member.id, department: member.department, category: f.category, targets: f.targets,
      publishAt: f.publishAt ?? null, state, revision: 1, step: 0,
    });
    const rev = await tx.insertRevision({ draftId: draft.id, n: 1, title: f.title, body: f.body, media, findings, contentHash: hash(f.title, f.body), createdBy: member.id, source: input.source ?? null });
    await tx.audit({ actor: member.id, action: 'submit', subject: `draft:${draft.id}`, fromState: null, toState: state, revision: 1 });
    const { view } = await viewOf(tx, deps, draft, rev);
    await tell(tx, input.channel, input.replyTo, receiptCard(view, findings, nextStepText(deps, f)));
    await sendApprovalCards(tx, deps, draft);
    await updateStatusCard(tx, deps, draft);
    return draft;
  });
}

export interface ReviseInput {
  channel: ChannelName;
  senderId: string;
  replyTo: Recipient;
  no: number;
  text?: string;
  fields?: ParseResult;
  /** Keep the draft's targets (forms and masking do not carry them). */
  keepTargets?: boolean;
  /** Refuse when the draft has moved past this revision meanwhile (one-tap masking). */
  expectedRevision?: number;
  /** The event this revision came from (see `SubmitInput.source`). */
  source?: string;
}

/** A new revision: the approval chain starts again from its first step; earlier cards are marked outdated. */
export async function reviseDraft(deps: Deps, input: ReviseInput): Promise<DraftRecord> {
  return deps.store.transaction(async (tx) => {
    const seen = input.source ? await tx.revisionBySource(input.source) : null;
    if (seen) return (await tx.getDraft(seen.draftId))!;
    const member = await tx.getMember(input.senderId);
    const draft = await tx.getDraft(input.no);
    if (!draft) throw new AppError('not_found', `没有编号为 #${input.no} 的稿件。`);
    if (draft.authorId !== input.senderId && !canManagePublishing(member)) throw new AppError('forbidden', `只有作者或工作小组成员可以修改稿件 #${draft.id}。`);
    if (input.expectedRevision !== undefined && input.expectedRevision !== draft.revision) {
      throw new AppError('outdated', `稿件已更新到第 ${draft.revision} 版，请在新卡片上操作。`);
    }
    const state = transition(draft.state, 'revise');
    const old = await tx.getRevision(draft.id, draft.revision);
    let parsed = input.fields;
    if (!parsed) {
      if ((input.text?.length ?? 0) > MAX_DRAFT_CHARS) throw new AppError('too_long', `稿件太长，单条最多 ${MAX_DRAFT_CHARS} 字。`);
      parsed = parseDraftLines((input.text ?? '').split(/\r?\n/), parseOptions(deps));
    }
    if (!parsed.ok) throw new AppError('invalid_draft', `修改未收下：\n${parsed.errors.map((e) => `· ${e}`).join('\n')}\n格式：/revise ${draft.id}，换行写标题，再换行写正文。`);
    const f = parsed.fields;
    const media = old?.media ?? [];
    const targets = !input.keepTargets && input.text && /平台\s*[:：]/.test(input.text) ? f.targets : draft.targets;
    const findings = precheck(deps, { title: f.title, body: f.body, media }, targets);
    const n = draft.revision + 1;
    const oldStep = draft.step;
    const rev = await tx.insertRevision({ draftId: draft.id, n, title: f.title, body: f.body, media, findings, contentHash: hash(f.title, f.body), createdBy: input.senderId, source: input.source ?? null });
    const updated = await tx.updateDraft(draft, { state, revision: n, step: 0, ...(f.publishAt ? { publishAt: f.publishAt } : {}) });
    await tx.audit({ actor: input.senderId, action: 'revise', subject: `draft:${draft.id}`, fromState: draft.state, toState: state, revision: n });
    if (draft.state === 'in_review') await closeApprovalCards(tx, deps, draft, draft.revision, oldStep, `已有新版本（第 ${n} 版），本版本不再审核。`);
    const { view } = await viewOf(tx, deps, updated, rev);
    await tell(tx, input.channel, input.replyTo, receiptCard(view, findings, `第 ${n} 版已收到，重新送审。`));
    await sendApprovalCards(tx, deps, updated);
    await updateStatusCard(tx, deps, updated);
    return updated;
  });
}


/** 一键脱敏: a new revision with the masked replacements of the personal-data findings applied. */
export async function maskPersonalData(deps: Deps, input: { channel: ChannelName; operatorId: string; no: number; revision: number }): Promise<DraftRecord> {
  const current = await deps.store.transaction(async (tx) => {
    const draft = await tx.getDraft(input.no);
    if (!draft) throw new AppError('not_found', `没有编号为 #${input.no} 的稿件。`);
    if (draft.revision !== input.revision) throw new AppError('outdated', `稿件已更新到第 ${draft.revision} 版，请在新卡片上操作。`);
    return tx.getRevision(draft.id, draft.revision);
  });
  if (!current) throw new AppError('not_found', `稿件 #${input.no} 没有内容。`);
  const masked = (field: 'title' | 'body', text: string) =>
    applyReplacements(text, current.findings.filter((f) => f.field === field && f.category === 'personal-data'));
  const title = masked('title', current.title);
  const body = masked('body', current.body);
  if (title === current.title && body === current.body) throw new AppError('nothing_to_mask', '没有可以脱敏的个人信息。');
  return reviseDraft(deps, {
    channel: input.channel, senderId: input.operatorId, replyTo: { kind: 'user', id: input.operatorId }, no: input.no,
    fields: { ok: true, fields: { title, body, category: (await deps.store.transaction((tx) => tx.getDraft(input.no)))!.category, targets: [], publishAt: undefined } },
    keepTargets: true,
    expectedRevision: input.revision,
  });
}
