import { DateTime } from 'luxon';
import type { Role } from './model';
import { workingMsBetween, type WorkingHours } from './working-hours';

/** Periods, escalation ladder and cadence of the weekly digest and the reminders. Pure. */

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The last full week (Monday 00:00 to Monday 00:00 in `zone`) before `now`. */
export function lastFullWeek(now: Date, zone: string): Period {
  const thisMonday = DateTime.fromJSDate(now, { zone }).startOf('week');
  return { from: thisMonday.minus({ weeks: 1 }).toJSDate(), to: thisMonday.toJSDate() };
}

/** The 7 days before `now` (the on-demand digest). */
export const lastSevenDays = (now: Date): Period => ({ from: new Date(now.getTime() - 7 * DAY), to: now });

/** ISO week of an instant in `zone`, e.g. `2026-W48` (the weekly digest's de-duplication key). */
export const isoWeekKey = (at: Date, zone: string): string => DateTime.fromJSDate(at, { zone }).toFormat("kkkk-'W'WW");

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** Local days covering a period, each `[from, to)` with a label like `11-23 周一`. */
export function localDays(period: Period, zone: string): { from: Date; to: Date; label: string }[] {
  const out: { from: Date; to: Date; label: string }[] = [];
  let day = DateTime.fromJSDate(period.from, { zone }).startOf('day');
  const end = period.to.getTime();
  while (day.toMillis() < end && out.length < 62) {
    const next = day.plus({ days: 1 });
    out.push({ from: new Date(Math.max(day.toMillis(), period.from.getTime())), to: new Date(Math.min(next.toMillis(), end)), label: `${day.toFormat('LL-dd')} 周${WEEKDAYS[day.weekday - 1]}` });
    day = next;
  }
  return out;
}

/** `2026-11-23 至 2026-11-29` (the last day shown is the one before the exclusive end). */
export function periodLabel(period: Period, zone: string): string {
  const from = DateTime.fromJSDate(period.from, { zone });
  const last = DateTime.fromMillis(period.to.getTime() - 1, { zone });
  return `${from.toFormat('yyyy-LL-dd')} 至 ${last.toFormat('yyyy-LL-dd')}`;
}

const RANK: Record<Role, number> = { liaison: 0, editor: 1, deputy: 2, leader: 3 };

/**
 * Who is reminded of a pending approval step, level by level: level 0 the step's own role, then
 * the deputies, then the leaders (only roles above the step's own).
 */
export function escalationLadder(stepRole: Role): Role[] {
  return [stepRole, ...(['deputy', 'leader'] as const).filter((r) => RANK[r] > RANK[stepRole])];
}

/** Levels of the ladder that are due: level n after (n + 1) × `afterHours` working hours. */
export function dueLevels(waitedWorkingMs: number, afterHours: number, ladderLength: number): number[] {
  const levels: number[] = [];
  for (let n = 0; n < ladderLength; n++) if (waitedWorkingMs >= (n + 1) * afterHours * HOUR) levels.push(n);
  return levels;
}

/** Working time an approval step has waited. */
export const waitedWorkingMs = (stepStartedAt: Date, now: Date, hours: WorkingHours, zone: string): number =>
  workingMsBetween(stepStartedAt, now, hours, zone);

export interface CadenceStatus {
  department: string;
  lastSubmittedAt: Date | null;
  /** Whole days since the last submission (null when there was none). */
  daysSince: number | null;
  /** `warn`: the liaisons should be reminded; `overdue`: the cadence is broken; `ok` otherwise. */
  state: 'ok' | 'warn' | 'overdue';
  /** When the cadence breaks (null when there was no submission). */
  deadline: Date | null;
}

/** A department's cadence: overdue after `cadenceDays` without a draft, a warning `warnDays` before. */
export function cadenceStatus(department: string, lastSubmittedAt: Date | null, now: Date, cadenceDays: number, warnDays: number): CadenceStatus {
  if (!lastSubmittedAt) return { department, lastSubmittedAt: null, daysSince: null, state: 'overdue', deadline: null };
  const age = now.getTime() - lastSubmittedAt.getTime();
  const deadline = new Date(lastSubmittedAt.getTime() + cadenceDays * DAY);
  const state = age >= cadenceDays * DAY ? 'overdue' : age >= Math.max(0, cadenceDays - warnDays) * DAY ? 'warn' : 'ok';
  return { department, lastSubmittedAt, daysSince: Math.floor(age / DAY), state, deadline };
}

/** `2 天 3 小时`, `5 小时`, `40 分钟`. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return `${hours} 小时`;
  return `${minutes} 分钟`;
}
