import { cadenceStatus, dueLevels, escalationLadder } from '../../domain/digest';
import { ROLE_LABELS } from '../../domain/model';
import { formatLocal } from '../../domain/time';
import { isWorkingTime, workingMsBetween } from '../../domain/working-hours';
import type { DepartmentActivity } from '../../ports/digest';
import type { Tx } from '../../ports/store';
import type { Deps } from '../deps';
import { tell } from '../notify';
import type { DigestContext } from './settings';

/**
 * 催办: approvers of a step pending for REMIND_AFTER_HOURS working hours are reminded, then the
 * deputies after as long again, then the leaders; liaisons are warned CADENCE_WARN_DAYS before their
 * department breaks the cadence (a department that never submitted: counted from when it was first seen). Only within working hours; each reminder once (a `reminder` key).
 */
export async function sendReminders(deps: Deps, ctx: DigestContext): Promise<{ approvals: number; cadence: number }> {
  const { queries: q, settings: s } = ctx;
  const now = deps.clock.now();

  return deps.store.transaction(async (tx) => {
    // Departments that never submitted count from when this job first saw them with a liaison
    // (`cadence-since:<department>`), recorded at every run, working hours or not.
    const activity = await q.departmentActivity(tx);
    const since = new Map<string, Date>();
    for (const a of activity) {
      if (a.lastSubmittedAt === null && a.liaisonIds.length > 0) since.set(a.department, await q.firstSeen(tx, cadenceSinceKey(a.department), now));
    }
    if (!isWorkingTime(now, s.workingHours, deps.zone)) return { approvals: 0, cadence: 0 };
    let approvals = 0;
    let cadence = 0;

    for (const p of await q.pendingSteps(tx)) {
      const role = deps.approvalChain[p.step];
      if (!role) continue;
      const ladder = escalationLadder(role);
      const waited = workingMsBetween(p.stepStartedAt, now, s.workingHours, deps.zone);
      for (const level of dueLevels(waited, s.remindAfterHours, ladder.length)) {
        const recipients = await tx.membersWithRole(ladder[level]);
        if (recipients.length === 0) continue;
        if (!(await q.markSent(tx, `remind:${p.draftId}:${p.revision}:${p.step}:${level}`, now))) continue;
        const hours = (level + 1) * s.remindAfterHours;
        const approvers = level === 0 ? [] : (await tx.membersWithRole(role)).map((m) => m.name);
        const text = level === 0
          ? `⏰ 稿件 #${p.draftId}「${p.title}」（${p.department}）等待你的「${ROLE_LABELS[role]}」审核已超过 ${hours} 个工作小时，请在审批卡片上处理，或发送 /status ${p.draftId} 查看。`
          : `⏫ 催办升级（第 ${level} 级）：稿件 #${p.draftId}「${p.title}」（${p.department}）等待「${ROLE_LABELS[role]}」审核已超过 ${hours} 个工作小时仍未处理。审核人：${approvers.join('、') || '（名单中无人）'}，请督促。`;
        for (const m of recipients) await tell(tx, p.channel, { kind: 'user', id: m.id }, { kind: 'text', text });
        approvals += recipients.length;
      }
    }

    for (const a of activity) {
      if (a.liaisonIds.length === 0) continue;
      const first = since.get(a.department);
      if (first) {
        cadence += await warnNeverSubmitted(deps, ctx, tx, a, first, now);
        continue;
      }
      if (a.lastDraftId === null || a.lastSubmittedAt === null) continue;
      const status = cadenceStatus(a.department, a.lastSubmittedAt, now, s.cadenceDays, s.cadenceWarnDays);
      if (status.state === 'ok' || !status.deadline) continue;
      // Once per last submission: the next draft starts a new cycle.
      if (!(await q.markSent(tx, `cadence:${a.department}:${a.lastDraftId}`, now))) continue;
      const last = formatLocal(a.lastSubmittedAt, deps.zone).slice(0, 10);
      const text = status.state === 'warn'
        ? `📮 ${a.department}上次投稿是 ${last}（${status.daysSince} 天前）。按要求每 ${s.cadenceDays} 天至少报送一次信息，请在 ${formatLocal(status.deadline, deps.zone)} 前投稿。发送 /help 查看投稿方法。`
        : `📮 ${a.department}上次投稿是 ${last}（${status.daysSince} 天前），已超过 ${s.cadenceDays} 天的报送周期，请尽快投稿。发送 /help 查看投稿方法。`;
      for (const id of a.liaisonIds) await tell(tx, a.lastChannel ?? s.channel, { kind: 'user', id }, { kind: 'text', text });
      cadence += a.liaisonIds.length;
    }
    return { approvals, cadence };
  });
}

export const cadenceSinceKey = (department: string) => `cadence-since:${department}`;

/**
 * A department with liaisons and no draft ever: warned once (`cadence:<department>:none`) when it
 * has been on the roster `CADENCE_DAYS - CADENCE_WARN_DAYS` days (counted from `first`, when the
 * job first saw it); told the cadence is broken instead when the job first gets there after the deadline.
 */
async function warnNeverSubmitted(deps: Deps, ctx: DigestContext, tx: Tx, a: DepartmentActivity, first: Date, now: Date): Promise<number> {
  const s = ctx.settings;
  const status = cadenceStatus(a.department, first, now, s.cadenceDays, s.cadenceWarnDays);
  if (status.state === 'ok' || !status.deadline) return 0;
  if (!(await ctx.queries.markSent(tx, `cadence:${a.department}:none`, now))) return 0;
  const from = formatLocal(first, deps.zone).slice(0, 10);
  const text = status.state === 'warn'
    ? `📮 ${a.department}还没有投稿记录（自 ${from} 起计，已 ${status.daysSince} 天）。按要求每 ${s.cadenceDays} 天至少报送一次信息，请在 ${formatLocal(status.deadline, deps.zone)} 前投稿。发送 /help 查看投稿方法。`
    : `📮 ${a.department}还没有投稿记录（自 ${from} 起计，已 ${status.daysSince} 天），已超过 ${s.cadenceDays} 天的报送周期，请尽快投稿。发送 /help 查看投稿方法。`;
  for (const id of a.liaisonIds) await tell(tx, a.lastChannel ?? s.channel, { kind: 'user', id }, { kind: 'text', text });
  return a.liaisonIds.length;
}
