import { summariseFeedback } from '../../domain/feedback';
import type { Deps } from '../deps';
import { tell } from '../notify';
import { feedbackSummaryCard, platformLabel } from './cards';
import type { FeedbackDeps } from './deps';

export const summaryKey = (publicationId: number) => `summary:pub:${publicationId}`;
/**
 * The comments a summary reads: the latest, the most negative, and the flagged ones in the order the
 * card lists them (error reports first, earliest first), each once: at most 1,200, however many a
 * post has. Counts (volume, sources, sentiment, flags) are over all of them, in SQL.
 */
const SAMPLE = { recent: 500, negative: 200, flagged: 500 };
/** Posts older than this past their summary time are not summarised any more (e.g. on a first start). */
const CATCH_UP_MS = 7 * 86_400_000;

/**
 * The summary job: for each post published at least `summaryAfterMs` ago and not summarised yet,
 * posts one card to the working-group chat with the figures, sentiment, themes and flagged items
 * (each with a button to open a rectification item). The reminder key makes it once per post.
 */
export async function postSummaries(deps: Deps, fb: FeedbackDeps): Promise<number> {
  const now = deps.clock.now();
  const due = new Date(now.getTime() - fb.settings.summaryAfterMs);
  const posts = await deps.store.transaction((tx) => fb.repo.publishedBetween(tx, new Date(due.getTime() - CATCH_UP_MS), new Date(due.getTime() + 1)));
  let posted = 0;
  for (const p of posts) {
    const done = await deps.store.transaction(async (tx) => {
      const draft = await tx.getDraft(p.draftId);
      if (!draft) return false;
      const chat = await tx.getBinding(draft.channel);
      if (!chat) return false; // posted once a working-group chat is bound
      if (!(await fb.repo.claimReminder(tx, summaryKey(p.id), now))) return false;
      const rev = await tx.getRevision(draft.id, (await tx.getPublication(p.id))?.revision ?? draft.revision);
      // Counted in SQL; texts (themes, representative and flagged comments) from a bounded sample.
      const counts = await fb.repo.feedbackCountsOfPublication(tx, p.id);
      const sample = counts.volume > 0 ? await fb.repo.feedbackSampleOfPublication(tx, p.id, SAMPLE) : [];
      const sampled = summariseFeedback(sample.map((f) => ({ id: f.id, text: f.text, createdAt: f.createdAt, source: f.source })), { maxFlagged: SAMPLE.flagged });
      // A small post is read whole: its summary is the items' own. A larger one takes its counts from SQL.
      const whole = sample.length >= counts.volume;
      const summary = whole ? sampled : { ...sampled, volume: counts.volume, bySource: counts.bySource, sentiment: counts.sentiment, flaggedCounts: { ...counts.flagKinds } };
      const rectified = await fb.repo.openRectificationFeedbackIds(tx, summary.flagged.map((f) => Number(f.id)));
      const card = feedbackSummaryCard({
        no: draft.id, title: rev?.title ?? '', platform: platformLabel(p.platform) + (p.account ? `（${p.account}）` : ''), publishedAt: p.publishedAt, until: now,
        zone: deps.zone, figures: await fb.repo.getStats(tx, p.id), summary, rectified, ...(whole ? {} : { flaggedTotal: counts.flagged }),
      });
      await tell(tx, draft.channel, { kind: 'chat', id: chat }, card, summaryKey(p.id));
      await tx.audit({ actor: 'system', action: 'feedback_summary_posted', subject: `publication:${p.id}`, detail: { draft: draft.id, volume: summary.volume, flagged: summary.flagged.length } });
      return true;
    });
    if (done) posted += 1;
  }
  return posted;
}
