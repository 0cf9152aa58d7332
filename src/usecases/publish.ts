import { transition } from '../domain/draft';
import { AppError } from '../domain/errors';
import { canManagePublishing } from '../domain/roster';
import type { CardActionAnswer } from '../ports/channel';
import { PublishError, type PublishJob, type PublishResult } from '../ports/publisher';
import type { DraftRecord, PublicationRecord, Tx } from '../ports/store';
import { manualPublishCard, noticeCard, targetLabel } from './cards';
import type { Deps } from './deps';
import { tell, updateStatusCard, viewOf } from './notify';

export const idempotencyKey = (p: PublicationRecord): string => `copydesk-pub-${p.id}`;

/** Moves the draft to published / publish_failed once every publication has settled. */
async function settleDraft(tx: Tx, deps: Deps, draftId: number, actor: string): Promise<DraftRecord | null> {
  const draft = await tx.getDraft(draftId);
  if (!draft) return null;
  const pubs = await tx.publications(draftId);
  const live = pubs.filter((p) => p.revision === draft.revision && p.state !== 'cancelled');
  if (draft.state !== 'publishing' || live.length === 0) return draft;
  const open = live.some((p) => p.state === 'scheduled' || p.state === 'publishing' || p.state === 'pending');
  if (open) return draft;
  const action = live.every((p) => p.state === 'published') ? 'publish_succeeded' : 'publish_failed';
  const to = transition(draft.state, action);
  const updated = await tx.updateDraft(draft, { state: to });
  await tx.audit({ actor, action, subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision });
  if (action === 'publish_succeeded') {
    const links = live.map((p) => `${targetLabel(p)}${p.url ? `：${p.url}` : ''}`).join('\n');
    await tell(tx, draft.channel, { kind: 'user', id: draft.authorId }, { kind: 'text', text: `稿件 #${draft.id} 已发布。\n${links}` });
  }
  return updated;
}

async function failureNotice(tx: Tx, deps: Deps, draft: DraftRecord, p: PublicationRecord, reason: string) {
  const chat = await tx.getBinding(draft.channel);
  const card = noticeCard(`发布失败：稿件 #${draft.id} → ${targetLabel(p)}`, `原因：${reason}\n已尝试 ${p.attempts} 次。处理后点「重试」，或发送 /retry ${draft.id}。`, 'red', [
    { label: '重试', type: 'primary', value: { a: 'retry', d: draft.id } },
  ]);
  if (chat) await tell(tx, draft.channel, { kind: 'chat', id: chat }, card, `failed:${p.id}:${p.attempts}`);
  await tell(tx, draft.channel, { kind: 'user', id: draft.authorId }, { kind: 'text', text: `稿件 #${draft.id} 发布到${targetLabel(p)}失败：${reason}。工作小组已收到通知。` });
}

/** Publishes one claimed publication and records the outcome; never throws for a publishing failure. */
async function publishOne(deps: Deps, claimed: PublicationRecord): Promise<void> {
  const log = deps.logger.child({ publication: claimed.id, draft: claimed.draftId, platform: claimed.platform });
  const prepared = await deps.store.transaction(async (tx) => {
    const draft = await tx.getDraft(claimed.draftId);
    if (!draft || draft.revision !== claimed.revision || !['scheduled', 'publishing'].includes(draft.state)) {
      await tx.updatePublication(claimed.id, { state: 'cancelled', leaseOwner: null, leaseUntil: null });
      return null;
    }
    let current = draft;
    if (draft.state === 'scheduled') {
      const to = transition(draft.state, 'start_publishing');
      current = await tx.updateDraft(draft, { state: to });
      await tx.audit({ actor: 'system', action: 'start_publishing', subject: `draft:${draft.id}`, fromState: draft.state, toState: to, revision: draft.revision });
      await updateStatusCard(tx, deps, current);
    }
    const { view, rev } = await viewOf(tx, deps, current);
    return { draft: current, view, rev };
  });
  if (!prepared) return;

  const publisher = deps.publishers.get(claimed.publisher);
  const job: PublishJob = {
    publicationId: claimed.id, draftNo: claimed.draftId, revision: claimed.revision, platform: claimed.platform, account: claimed.account || undefined,
    title: prepared.rev.title, body: prepared.rev.body, media: prepared.rev.media, category: prepared.draft.category,
    department: prepared.draft.department, author: prepared.view.author, idempotencyKey: idempotencyKey(claimed), steps: { ...claimed.steps },
    recordStep: async (name, value) => {
      job.steps[name] = value;
      await deps.store.recordPublicationStep(claimed.id, name, value);
    },
  };

  let result: PublishResult | undefined;
  let error: PublishError | undefined;
  try {
    if (!publisher) throw new PublishError(`没有名为 ${claimed.publisher} 的发布通道（配置已变更？）`, false);
    result = await publisher.publish(job);
  } catch (e) {
    error = e instanceof PublishError ? e : new PublishError(e instanceof Error ? e.message : String(e), true, undefined, { cause: e });
  }

  await deps.store.transaction(async (tx) => {
    const p = (await tx.getPublication(claimed.id))!;
    if (result?.status === 'published') {
      await tx.updatePublication(p.id, { state: 'published', url: result.url ?? null, externalId: result.externalId ?? null, publishedAt: deps.clock.now(), leaseOwner: null, leaseUntil: null, lastError: null });
      await tx.audit({ actor: 'system', action: 'publication_published', subject: `publication:${p.id}`, detail: { platform: p.platform, url: result.url ?? null } });
      log.info({ url: result.url }, 'published');
    } else if (result?.status === 'pending' && claimed.publisher !== 'manual') {
      // The platform is still working (asynchronous publish): look again later, without using up an attempt.
      await tx.updatePublication(p.id, { state: 'scheduled', dueAt: new Date(deps.clock.now().getTime() + deps.publishing.pollMs), attempts: Math.max(0, p.attempts - 1), leaseOwner: null, leaseUntil: null });
      log.info('platform still publishing; will check again');
    } else if (result?.status === 'pending') {
      await tx.updatePublication(p.id, { state: 'pending', leaseOwner: null, leaseUntil: null });
      {
        const editors = [...(await tx.membersWithRole('editor')), ...(await tx.membersWithRole('leader'))];
        const seen = new Set<string>();
        for (const m of editors) {
          if (seen.has(m.id)) continue;
          seen.add(m.id);
          await tell(tx, prepared.draft.channel, { kind: 'user', id: m.id }, manualPublishCard(prepared.view, prepared.rev.body, p), `manual:${p.id}:${m.id}`);
        }
      }
    } else if (error) {
      const retry = error.retryable && p.attempts < deps.publishing.maxAttempts;
      if (retry) {
        const delay = deps.publishing.retryBaseMs * 2 ** Math.max(0, p.attempts - 1);
        await tx.updatePublication(p.id, { state: 'scheduled', dueAt: new Date(deps.clock.now().getTime() + delay), lastError: error.message, leaseOwner: null, leaseUntil: null });
        log.warn({ attempts: p.attempts, code: error.platformCode }, 'publish failed, will retry');
      } else {
        await tx.updatePublication(p.id, { state: 'failed', lastError: error.message, leaseOwner: null, leaseUntil: null });
        await tx.audit({ actor: 'system', action: 'publication_failed', subject: `publication:${p.id}`, reason: error.message, detail: { platform: p.platform, code: error.platformCode ?? null, attempts: p.attempts } });
        log.error({ attempts: p.attempts, code: error.platformCode }, 'publish failed for good');
        await failureNotice(tx, deps, prepared.draft, p, error.message);
      }
    }
    const settled = await settleDraft(tx, deps, p.draftId, 'system');
    if (settled) await updateStatusCard(tx, deps, settled);
  });
}

/** The scheduler's job: claim what is due (or abandoned by a dead replica) and publish it. */
export async function publishDue(deps: Deps, limit = 20): Promise<number> {
  const claimed = await deps.store.claimDuePublications(deps.clock.now(), deps.replicaId, deps.publishing.leaseMs, limit);
  for (const p of claimed) await publishOne(deps, p);
  return claimed.length;
}

/** The 已发布 button of the manual publisher: an editor confirms with the live link. */
export async function confirmManualPublication(deps: Deps, input: { operatorId: string; publicationId: number; link: string }): Promise<CardActionAnswer> {
  return deps.store.transaction(async (tx) => {
    const operator = await tx.getMember(input.operatorId);
    if (!canManagePublishing(operator)) {
      await tx.audit({ actor: input.operatorId, action: 'manual_confirm_refused', subject: `publication:${input.publicationId}` });
      return { toast: { type: 'error', content: '只有工作小组成员或组长可以确认发布。' } };
    }
    const p = await tx.getPublication(input.publicationId);
    if (!p) throw new AppError('not_found', '这条发布任务不存在。');
    const draft = (await tx.getDraft(p.draftId))!;
    const { view, rev } = await viewOf(tx, deps, draft, (await tx.getRevision(p.draftId, p.revision)) ?? undefined);
    if (p.state === 'published') {
      return { toast: { type: 'info', content: '已确认过发布。' }, card: manualPublishCard(view, rev.body, p, { by: '工作小组', url: p.url ?? '' }) };
    }
    if (p.state !== 'pending') return { toast: { type: 'error', content: `这条发布任务当前为「${p.state}」，无需确认。` } };
    const link = input.link.trim();
    let url: URL | null = null;
    try {
      url = new URL(link);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
      return { toast: { type: 'error', content: '请填写发布后的链接（http 或 https 开头）。' }, card: manualPublishCard(view, rev.body, p) };
    }
    await tx.updatePublication(p.id, { state: 'published', url: url.toString(), publishedAt: deps.clock.now() });
    await tx.audit({ actor: input.operatorId, action: 'publication_published', subject: `publication:${p.id}`, detail: { platform: p.platform, url: url.toString(), manual: true } });
    const done = { by: operator!.name, url: url.toString() };
    const seen = new Set<string>();
    for (const m of [...(await tx.membersWithRole('editor')), ...(await tx.membersWithRole('leader'))]) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      await tell(tx, draft.channel, { kind: 'user', id: m.id }, manualPublishCard(view, rev.body, p, done), `manual:${p.id}:${m.id}`);
    }
    const settled = await settleDraft(tx, deps, p.draftId, input.operatorId);
    if (settled) await updateStatusCard(tx, deps, settled);
    return { toast: { type: 'success', content: '已记录发布链接。' }, card: manualPublishCard(view, rev.body, p, done) };
  });
}
