import { DateTime } from 'luxon';
import { AppError } from './errors';

/** Working hours of the organisation: one daily window, Monday to Friday, in its time zone. */
export interface WorkingHours {
  /** Minutes after local midnight when work starts (inclusive). */
  startMinute: number;
  /** Minutes after local midnight when work ends (exclusive). */
  endMinute: number;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  days: readonly number[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { startMinute: 9 * 60, endMinute: 18 * 60, days: [1, 2, 3, 4, 5] };

/** Parses `09:00-18:00` (Monday to Friday); throws `AppError('invalid_work_hours')` otherwise. */
export function parseWorkingHours(text: string): WorkingHours {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const bad = () => new AppError('invalid_work_hours', `「${text}」不是有效的工作时间，请写成 09:00-18:00。`);
  if (!m) throw bad();
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59 || (h2 === 24 && m2 !== 0)) throw bad();
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (endMinute <= startMinute) throw bad();
  return { startMinute, endMinute, days: DEFAULT_WORKING_HOURS.days };
}

const dayWindow = (day: DateTime, hours: WorkingHours): [number, number] => [
  day.set({ hour: Math.floor(hours.startMinute / 60), minute: hours.startMinute % 60 }).toMillis(),
  hours.endMinute === 24 * 60 ? day.plus({ days: 1 }).toMillis() : day.set({ hour: Math.floor(hours.endMinute / 60), minute: hours.endMinute % 60 }).toMillis(),
];

/** True when `at` falls inside the working window of a working day in `zone`. */
export function isWorkingTime(at: Date, hours: WorkingHours, zone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  if (!hours.days.includes(local.weekday)) return false;
  const [start, end] = dayWindow(local.startOf('day'), hours);
  const t = at.getTime();
  return t >= start && t < end;
}

/** Milliseconds of working time between `from` and `to` (0 when `to` is not after `from`). */
export function workingMsBetween(from: Date, to: Date, hours: WorkingHours, zone: string): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  let total = 0;
  let day = DateTime.fromMillis(a, { zone }).startOf('day');
  // One step per local day (DST-safe through luxon); a draft pending for years is still only a few thousand steps.
  while (day.toMillis() < b) {
    if (hours.days.includes(day.weekday)) {
      const [start, end] = dayWindow(day, hours);
      const lo = Math.max(start, a);
      const hi = Math.min(end, b);
      if (hi > lo) total += hi - lo;
    }
    day = day.plus({ days: 1 });
  }
  return total;
}
