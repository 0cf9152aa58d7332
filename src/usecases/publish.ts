import { transition } from '../domain/draft';
import { AppError, isAppError } from '../domain/errors';
import { canManagePublishing } from '../domain/roster';
import type { CardActionAnswer } from '../ports/channel';
import { PublishError, type PublishJob, type PublishResult } from '../ports/publisher';
import type { DraftRecord, PublicationRecord, Tx } from '../ports/store';
import { CARD_BODY_MAX, manualPublishCard, noticeCard, targetLabel } from './cards';
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
  if (chat) await tell(tx, draft.channel, { kind: 'chat', id: chat }, card);
  await tell(tx, draft.channel, { kind: 'user', id: draft.authorId }, { kind: 'text', text: `稿件 #${draft.id} 发布到${targetLabel(p)}失败：${reason}。工作小组已收到通知。` });
}

/** Publishes one claimed publication and records the outcome; never throws for a publishing failure. */
async function publishOne(deps: Deps, claimed: PublicationRecord): Promise<void> {
  const log = deps.logger.child({ publication: claimed.id, draft: claimed.draftId, platform: claimed.platform });
  const me = deps.replicaId;
  const prepare = () =>
    deps.store.transaction(async (tx) => {
      // Re-read under the lease: another replica may have taken the row over (and its steps) meanwhile.
      const own = await tx.getPublication(claimed.id);
      if (!own || own.leaseOwner !== me || own.state !== 'publishing') return null;
      const draft = await tx.getDraft(own.draftId);
      if (!draft || draft.revision !== own.revision || !['scheduled', 'publishing'].includes(draft.state)) {
        await tx.updatePublication(own.id, { state: 'cancelled', leaseOwner: null, leaseUntil: null });
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
      return { draft: current, view, rev, steps: own.steps };
    });
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare();
  } catch (e) {
    // A sibling publication of the same draft started it at the same moment: read again.
    if (!(isAppError(e) && e.code === 'conflict')) throw e;
    prepared = await prepare();
  }
  if (!prepared) return;

  const publisher = deps.publishers.get(claimed.publisher);
  let leaseLost = false;
  const job: PublishJob = {
    publicationId: claimed.id, draftNo: claimed.draftId, revision: claimed.revision, platform: claimed.platform, account: claimed.account || undefined,
    title: prepared.rev.title, body: prepared.rev.body, media: prepared.rev.media, category: prepared.draft.category,
    department: prepared.draft.department, author: prepared.view.author, idempotencyKey: idempotencyKey(claimed), steps: { ...prepared.steps },
    recordStep: async (name, value) => {
      if (!(await deps.store.recordPublicationStep(claimed.id, name, value, me))) {
        leaseLost = true;
        throw new PublishError('发布任务已由另一实例接管', true, 'lease_lost');
      }
      job.steps[name] = value;
    },
  };
  // Keep the lease while the platform works (uploads can be slow); losing it stops further steps.
  const heartbeat = setInterval(() => {
    deps.store
      .renewPublicationLease(claimed.id, me, new Date(deps.clock.now().getTime() + deps.publishing.leaseMs))
      .then((held) => {
        if (!held) leaseLost = true;
      })
      .catch((e) => log.warn({ err: e }, 'lease renewal failed'));
  }, Math.max(1_000, deps.publishing.leaseMs / 3));
  heartbeat.unref();

  let result: PublishResult | undefined;
  let error: PublishError | undefined;
  try {
    if (!publisher) throw new PublishError(`没有名为 ${claimed.publisher} 的发布通道（配置已变更？）`, false);
    result = await publisher.publish(job);
  } catch (e) {
    error = e instanceof PublishError ? e : new PublishError(e instanceof Error ? e.message : String(e), true, undefined, { cause: e });
  } finally {
    clearInterval(heartbeat);
  }

  await deps.store.transaction(async (tx) => {
    const p = (await tx.getPublication(claimed.id))!;
    if (leaseLost || p.leaseOwner !== me || p.state !== 'publishing') {
      // Another replica owns it now and continues from the recorded steps with the same idempotency key.
      log.warn({ outcome: result?.status ?? error?.message }, 'lease lost while publishing; the new owner settles it');
      return;
    }
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
          if ([...prepared.rev.body].length > CARD_BODY_MAX) {
            await tell(tx, prepared.draft.channel, { kind: 'user', id: m.id }, { kind: 'text', text: `稿件 #${p.draftId} 全文（${targetLabel(p)}）：\n${prepared.rev.title}\n\n${prepared.rev.body}` });
          }
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

/**
 * The scheduler's job: claim what is due (or abandoned by a dead replica) and publish it. One row is
 * claimed at a time, so a lease starts when its publishing starts; one failure does not stop the rest.
 */
export async function publishDue(deps: Deps, limit = 20): Promise<number> {
  let done = 0;
  for (; done < limit; done++) {
    const [claimed] = await deps.store.claimDuePublications(deps.clock.now(), deps.replicaId, deps.publishing.leaseMs, 1);
    if (!claimed) break;
    try {
      await publishOne(deps, claimed);
    } catch (e) {
      deps.logger.error({ err: e, publication: claimed.id }, 'publishing a claimed publication failed; its lease will expire');
    }
  }
  return done;
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
