import { PLATFORM_LABELS, type Platform } from '../../domain/model';
import { FeedbackSourceError, type CursorRecord, type FeedbackPost, type FeedbackSource, type PostFigures, type PublishedPost } from '../../ports/feedback';
import type { PublicationRecord, Tx } from '../../ports/store';
import { md, noticeCard } from '../cards';
import type { Deps } from '../deps';
import { tell } from '../notify';
import { sourceFor, type FeedbackDeps } from './deps';
import { analyseFeedbackText } from './masking';

export const failureAlertKey = (cursorId: number) => `feedback-failing:${cursorId}`;

const toPost = (p: PublishedPost | PublicationRecord): FeedbackPost => ({
  publicationId: p.id, platform: p.platform, account: p.account, externalId: p.externalId, url: p.url, publishedAt: p.publishedAt!, steps: p.steps,
});

export interface CollectResult {
  cursors: number;
  stored: number;
  failed: number;
}

/**
 * The collection job: follows every post published within the window (one cursor per post and
 * source), claims the cursors that are due with a lease, fetches pages until the source has no
 * more or the page limit is reached, and stores the masked items with the cursor in one
 * transaction per page. Failures back off; a source that keeps failing is reported once.
 */
export async function collectFeedback(deps: Deps, fb: FeedbackDeps): Promise<CollectResult> {
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const recent = await fb.repo.publishedBetween(tx, new Date(now.getTime() - fb.settings.windowMs), new Date(now.getTime() + 1));
    for (const p of recent) {
      const source = sourceFor(fb.sources, p.platform, p.account);
      if (source && source.supports(toPost(p))) await fb.repo.ensureCursor(tx, p.id, source.name, now);
    }
  });
  const claimed = await deps.store.transaction((tx) => fb.repo.claimCursors(tx, now, deps.replicaId, fb.settings.leaseMs, fb.settings.batch));
  const result: CollectResult = { cursors: claimed.length, stored: 0, failed: 0 };
  for (const c of claimed) {
    try {
      const one = await collectOne(deps, fb, c);
      result.stored += one.stored;
      if (!one.ok) result.failed += 1;
    } catch (e) {
      // A database failure: the lease runs out and a later run takes the cursor again.
      result.failed += 1;
      deps.logger.error({ err: e, cursor: c.id, publication: c.publicationId }, 'feedback collection failed');
    }
  }
  return result;
}

async function collectOne(deps: Deps, fb: FeedbackDeps, c: CursorRecord): Promise<{ ok: boolean; stored: number }> {
  const log = deps.logger.child({ cursor: c.id, publication: c.publicationId, source: c.source });
  const now = deps.clock.now();
  const pub = await deps.store.transaction((tx) => tx.getPublication(c.publicationId));
  const source = pub ? sourceFor(fb.sources, pub.platform, pub.account) : undefined;
  if (!pub || pub.state !== 'published' || !pub.publishedAt || !source || source.name !== c.source) {
    // Taken down, or the platform's credentials were removed: nothing to follow any more.
    await deps.store.transaction((tx) => fb.repo.finishCursor(tx, c.id, { ok: true, nextAttemptAt: now, done: true }));
    log.info('feedback cursor closed: the post or its source is gone');
    return { ok: true, stored: 0 };
  }
  const post = toPost(pub);
  const last = now.getTime() >= pub.publishedAt.getTime() + fb.settings.windowMs;
  let cursor = c.cursor;
  let stored = 0;
  try {
    if (source.hasComments) {
      for (let page = 0; page < fb.settings.pageLimit; page++) {
        const got = await source.fetchComments(post, cursor);
        stored += await deps.store.transaction(async (tx) => {
          let n = 0;
          for (const item of got.items) {
            const a = analyseFeedbackText(item.text);
            if (!a.text) continue;
            const id = await fb.repo.insertFeedback(tx, {
              publicationId: pub.id, draftId: pub.draftId, source: source.name, externalId: item.externalId, text: a.text,
              author: item.author ? analyseFeedbackText(item.author).text.slice(0, 100) : null,
              sentiment: a.sentiment, score: a.score, flags: a.flags, createdAt: item.createdAt, collectedAt: now,
            });
            if (id !== null) n += 1;
          }
          await fb.repo.advanceCursor(tx, c.id, got.nextCursor);
          return n;
        });
        cursor = got.nextCursor;
        if (got.done) break;
      }
    }
    // Figures of a source with comments are fetched apart: their failure (even a final one, such as
    // no datacube permission) is logged and retried at the next run, and never stops the comments.
    // A figures-only source (Kuaishou) has nothing else to follow: its failures are the cursor's.
    const figures = source.hasComments ? await statsApart(source, post, log) : await source.fetchStats(post);
    await deps.store.transaction(async (tx) => {
      if (figures) await fb.repo.saveStats(tx, pub.id, figures, now);
      await fb.repo.finishCursor(tx, c.id, { ok: true, nextAttemptAt: now, done: last });
      if (c.failures > 0) await fb.repo.forgetReminder(tx, failureAlertKey(c.id));
    });
    log.debug({ stored, done: last }, 'feedback collected');
    return { ok: true, stored };
  } catch (e) {
    const err = e instanceof FeedbackSourceError ? e : new FeedbackSourceError(e instanceof Error ? e.message : String(e), true, undefined, { cause: e });
    const failures = c.failures + 1;
    const delay = Math.min(fb.settings.maxRetryMs, fb.settings.retryBaseMs * 2 ** (failures - 1));
    const giveUp = !err.retryable || (last && failures >= fb.settings.failureAlertAfter);
    await deps.store.transaction(async (tx) => {
      await fb.repo.finishCursor(tx, c.id, { ok: false, nextAttemptAt: new Date(now.getTime() + delay), error: err.message, done: giveUp });
      if (failures >= fb.settings.failureAlertAfter || !err.retryable) await alertOnce(deps, fb, tx, c, pub, err.message, failures, giveUp);
    });
    log.warn({ failures, code: err.platformCode, retryable: err.retryable, stored }, 'feedback collection failed');
    return { ok: false, stored };
  }
}

async function statsApart(source: FeedbackSource, post: FeedbackPost, log: Deps['logger']): Promise<PostFigures | null> {
  try {
    return await source.fetchStats(post);
  } catch (e) {
    const err = e instanceof FeedbackSourceError ? e : null;
    log.warn({ err: e, code: err?.platformCode, retryable: err?.retryable }, 'feedback figures not fetched; asked again at the next run');
    return null;
  }
}

async function alertOnce(deps: Deps, fb: FeedbackDeps, tx: Tx, c: CursorRecord, pub: PublicationRecord, reason: string, failures: number, gaveUp: boolean) {
  const draft = await tx.getDraft(pub.draftId);
  const chat = draft ? await tx.getBinding(draft.channel) : null;
  if (!draft || !chat) return;
  if (!(await fb.repo.claimReminder(tx, failureAlertKey(c.id), deps.clock.now()))) return;
  const platform = PLATFORM_LABELS[pub.platform as Platform] ?? pub.platform;
  const text = `稿件 #${draft.id} 在${platform}的留言与数据已连续 ${failures} 次读取失败。\n原因：${md(reason)}\n${gaveUp ? '已停止读取，请检查平台授权或权限。' : '会自动重试；恢复后不再提醒。'}`;
  await tell(tx, draft.channel, { kind: 'chat', id: chat }, noticeCard(`反馈收集失败：#${draft.id} → ${platform}`, text, 'orange'));
}
