import { cadenceStatus, isoWeekKey, lastFullWeek, lastSevenDays, localDays, periodLabel, type Period } from '../../domain/digest';
import { AppError } from '../../domain/errors';
import { summariseFeedback } from '../../domain/feedback';
import { canManagePublishing } from '../../domain/roster';
import { workingMsBetween } from '../../domain/working-hours';
import type { InboundMessage } from '../../ports/channel';
import type { Deps } from '../deps';
import { tell } from '../notify';
import { digestCard, type DigestReport } from './digest-card';
import { firstRunBetween } from './schedule';
import type { DigestContext } from './settings';

/** 周报 (policy: feedback and assessment): last week's posts and figures, feedback, pending work, schedule, cadence, rectification. */

const DAY = 86_400_000;
/** Lines fetched per list; the card shows at most 10 of them. */
const LIST_LIMIT = 10;
/** Comments analysed for keywords and concerns: the latest and the most negative of the period, never all of them. */
const SAMPLE_RECENT = 1000;
const SAMPLE_NEGATIVE = 200;

/** Gathers the digest of a period: aggregates from the database, keywords from a bounded sample. */
export async function buildDigest(deps: Deps, ctx: DigestContext, period: Period, kind: DigestReport['kind']): Promise<DigestReport> {
  const { queries: q, settings: s } = ctx;
  const now = deps.clock.now();
  const days = localDays(period, deps.zone);
  const gathered = await deps.store.transaction(async (tx) => {
    const postTotals = await q.postTotals(tx, period);
    const topPosts = postTotals.posts > 0 ? await q.topPosts(tx, period, LIST_LIMIT) : [];
    const perDay = postTotals.posts > 0 ? await q.postsPerBucket(tx, days) : days.map(() => 0);
    const feedbackTotals = await q.feedbackTotals(tx, period);
    const total = feedbackTotals.positive + feedbackTotals.neutral + feedbackTotals.negative;
    const sample = total > 0 ? await q.feedbackSample(tx, period, SAMPLE_RECENT, SAMPLE_NEGATIVE) : [];
    const pending = await q.pendingSteps(tx);
    const upcoming = await q.scheduled(tx, { from: now, to: new Date(now.getTime() + 7 * DAY) }, LIST_LIMIT);
    const activity = await q.departmentActivity(tx);
    const rectifications = await q.openRectifications(tx, now, LIST_LIMIT);
    return { postTotals, topPosts, perDay, feedbackTotals, sample, pending, upcoming, activity, rectifications };
  });

  const summary = gathered.sample.length > 0 ? summariseFeedback(gathered.sample.map((f) => ({ id: f.id, text: f.text, createdAt: f.createdAt, source: f.source })), { topKeywords: 8 }) : null;
  const concerns = gathered.sample
    .filter((f) => f.sentiment === 'negative')
    .sort((a, b) => a.score - b.score || b.createdAt.getTime() - a.createdAt.getTime() || a.id - b.id)
    .slice(0, 3)
    .map((f) => ({ text: f.text, source: f.source }));

  const threshold = s.remindAfterHours * 3_600_000;
  const pending = gathered.pending
    .map((step) => ({ step, role: deps.approvalChain[step.step], waitedMs: now.getTime() - step.stepStartedAt.getTime(), workingMs: workingMsBetween(step.stepStartedAt, now, s.workingHours, deps.zone) }))
    .filter((p) => p.role !== undefined && p.workingMs >= threshold)
    .sort((a, b) => b.workingMs - a.workingMs || a.step.draftId - b.step.draftId);

  const lagging = gathered.activity
    .map((a) => cadenceStatus(a.department, a.lastSubmittedAt, now, s.cadenceDays, s.cadenceWarnDays))
    .filter((c) => c.state === 'overdue')
    .sort((a, b) => (a.lastSubmittedAt?.getTime() ?? 0) - (b.lastSubmittedAt?.getTime() ?? 0) || a.department.localeCompare(b.department));

  return {
    kind,
    periodLabel: periodLabel(period, deps.zone),
    generatedAt: now,
    remindAfterHours: s.remindAfterHours,
    cadenceDays: s.cadenceDays,
    posts: { totals: gathered.postTotals, top: gathered.topPosts, perDay: days.map((d, i) => ({ label: d.label, count: gathered.perDay[i] ?? 0 })) },
    feedback: { totals: gathered.feedbackTotals, keywords: summary?.keywords.map((k) => k.word) ?? [], concerns },
    pending,
    upcoming: gathered.upcoming,
    lagging,
    rectifications: gathered.rectifications,
  };
}

export type WeeklyDigestResult = 'sent' | 'already_sent' | 'no_chat';

/** The scheduled run: last full week (Monday to Sunday) to the working-group chat, once per week across replicas and restarts. */
export async function sendWeeklyDigest(deps: Deps, ctx: DigestContext): Promise<WeeklyDigestResult> {
  const now = deps.clock.now();
  const period = lastFullWeek(now, deps.zone);
  const key = `digest:${isoWeekKey(period.from, deps.zone)}`;
  const channel = ctx.settings.channel;
  const chat = await deps.store.transaction((tx) => tx.getBinding(channel));
  if (!chat) {
    // Not marked as sent: `sendSkippedDigest` posts it once a chat is bound.
    await deps.store.transaction((tx) => ctx.queries.markSent(tx, unsentKey(key), now));
    deps.logger.warn({ key }, 'weekly digest skipped: no working-group chat is bound (/bind)');
    return 'no_chat';
  }
  const report = await buildDigest(deps, ctx, period, 'weekly');
  return deps.store.transaction(async (tx) => {
    if (!(await ctx.queries.markSent(tx, key, now))) return 'already_sent';
    await tell(tx, channel, { kind: 'chat', id: chat }, digestCard(report, deps.zone));
    return 'sent';
  });
}

/** `digest-unsent:<ISO week>`: the scheduled run found no bound chat (a record, not a sent mark). */
const unsentKey = (digestKey: string) => digestKey.replace(/^digest:/, 'digest-unsent:');

/**
 * The catch-up check (every 15 minutes). The last full week is posted when it is not marked as
 * sent, a chat is bound, and either its scheduled run found no bound chat (`digest-unsent:`), or
 * this week's scheduled time (DIGEST_CRON in the organisation's zone) has passed: node-cron does
 * not run a schedule missed while the process was down, and a failed run marks nothing. At the
 * scheduled instant itself the scheduled run has its turn. Quiet otherwise: no warning per check;
 * `markSent` keeps it once per week.
 */
export async function sendSkippedDigest(deps: Deps, ctx: DigestContext): Promise<WeeklyDigestResult | null> {
  const now = deps.clock.now();
  const week = lastFullWeek(now, deps.zone);
  const key = `digest:${isoWeekKey(week.from, deps.zone)}`;
  const cron = ctx.settings.cron;
  // This week runs from the end of the last full week; its first scheduled time, if it has come.
  const scheduled = cron ? firstRunBetween(cron, week.to, new Date(now.getTime() + 1), deps.zone) : null;
  const missed = scheduled !== null && scheduled.getTime() < now.getTime();
  const due = await deps.store.transaction(async (tx) =>
    !(await ctx.queries.isMarked(tx, key)) && (missed || (await ctx.queries.isMarked(tx, unsentKey(key)))) && (await tx.getBinding(ctx.settings.channel)) !== null,
  );
  return due ? sendWeeklyDigest(deps, ctx) : null;
}

/** `/digest`: the last 7 days, answered where it was asked; editors, deputies and leaders only. */
export async function digestOnDemand(deps: Deps, ctx: DigestContext, msg: InboundMessage): Promise<void> {
  const member = await deps.store.transaction((tx) => tx.getMember(msg.senderId));
  if (!canManagePublishing(member)) {
    throw new AppError('forbidden', '周报仅向信息工作小组的成员、副组长和组长提供；如需了解投稿情况，请发送 /mine。');
  }
  const report = await buildDigest(deps, ctx, lastSevenDays(deps.clock.now()), 'on_demand');
  await deps.store.transaction((tx) => tell(tx, msg.channel, { kind: 'reply', messageId: msg.messageId }, digestCard(report, deps.zone)));
}
