import { DateTime } from 'luxon';
import { createTask, parse } from 'node-cron';

/**
 * The first time the cron expression `cron` fires in [from, to), in `zone`; null when it does not
 * fire in that range. The weekly digest's catch-up asks it for the current week: node-cron does not
 * run a schedule missed while the process was down, so the catch-up posts the week once its
 * scheduled time has passed.
 *
 * The expression is read by node-cron itself (`parse` for the allowed seconds, minutes and hours,
 * its matcher for days, months and weekdays, including `L`, `#` and names), day by day: a day
 * fires at its first allowed time if it fires at all. A time that does not exist in the zone (a
 * daylight-saving gap) is skipped.
 */
export function firstRunBetween(cron: string, from: Date, to: Date, zone: string): Date | null {
  const fields = parse(cron);
  const sorted = (xs: (number | string)[]) => xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const [seconds, minutes, hours] = [sorted(fields.second), sorted(fields.minute), sorted(fields.hour)];
  const matcher = createTask(cron, () => undefined, { timezone: zone });
  try {
    const end = DateTime.fromMillis(to.getTime(), { zone });
    for (let day = DateTime.fromMillis(from.getTime(), { zone }).startOf('day'); day < end; day = day.plus({ days: 1 })) {
      const first = firstTimeOfDay(day, hours, minutes, seconds, from, to);
      if (first && matcher.match(first)) return first;
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}

/** The day's first allowed time within [from, to) that exists in the zone. */
function firstTimeOfDay(day: DateTime, hours: number[], minutes: number[], seconds: number[], from: Date, to: Date): Date | null {
  for (const hour of hours) {
    for (const minute of minutes) {
      for (const second of seconds) {
        const at = day.set({ hour, minute, second, millisecond: 0 });
        if (at.hour !== hour || at.minute !== minute || !at.hasSame(day, 'day')) continue; // not a time of this day in the zone
        const t = at.toJSDate();
        if (t.getTime() >= from.getTime() && t.getTime() < to.getTime()) return t;
      }
    }
  }
  return null;
}
