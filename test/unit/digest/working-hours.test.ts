import fc from 'fast-check';
import { isAppError } from '../../../src/domain/errors';
import { DEFAULT_WORKING_HOURS, isWorkingTime, parseWorkingHours, workingMsBetween } from '../../../src/domain/working-hours';

const ZONE = 'Asia/Shanghai';
const H = 3_600_000;
/** Local time in Shanghai (UTC+8, no daylight saving) as a UTC instant. */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('working hours', () => {
  it('parses a daily window and rejects anything else with a code', () => {
    expect(parseWorkingHours('08:30-17:30')).toEqual({ startMinute: 510, endMinute: 1050, days: [1, 2, 3, 4, 5] });
    expect(parseWorkingHours(' 9:00 - 18:00 ')).toEqual(DEFAULT_WORKING_HOURS);
    for (const bad of ['9-18', '18:00-09:00', '09:00-09:00', '25:00-26:00', '09:60-18:00', '']) {
      let error: unknown;
      try {
        parseWorkingHours(bad);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code).toBe('invalid_work_hours');
    }
  });

  it('knows working time: start inclusive, end exclusive, weekdays only (2026-11-30 is a Monday)', () => {
    expect(isWorkingTime(cst('2026-11-30T09:00'), DEFAULT_WORKING_HOURS, ZONE)).toBe(true);
    expect(isWorkingTime(cst('2026-11-30T08:59'), DEFAULT_WORKING_HOURS, ZONE)).toBe(false);
    expect(isWorkingTime(cst('2026-11-30T17:59'), DEFAULT_WORKING_HOURS, ZONE)).toBe(true);
    expect(isWorkingTime(cst('2026-11-30T18:00'), DEFAULT_WORKING_HOURS, ZONE)).toBe(false);
    expect(isWorkingTime(cst('2026-12-04T12:00'), DEFAULT_WORKING_HOURS, ZONE)).toBe(true); // Friday
    expect(isWorkingTime(cst('2026-12-05T12:00'), DEFAULT_WORKING_HOURS, ZONE)).toBe(false); // Saturday
    expect(isWorkingTime(cst('2026-12-06T12:00'), DEFAULT_WORKING_HOURS, ZONE)).toBe(false); // Sunday
    // 01:00 UTC on Monday is 09:00 in Shanghai but still Sunday evening in New York.
    expect(isWorkingTime(new Date('2026-11-30T01:00:00Z'), DEFAULT_WORKING_HOURS, 'America/New_York')).toBe(false);
  });

  it('counts working time between two instants', () => {
    const wh = DEFAULT_WORKING_HOURS;
    expect(workingMsBetween(cst('2026-11-30T10:00'), cst('2026-11-30T12:30'), wh, ZONE)).toBe(2.5 * H);
    expect(workingMsBetween(cst('2026-11-30T07:00'), cst('2026-11-30T20:00'), wh, ZONE)).toBe(9 * H);
    // Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
    expect(workingMsBetween(cst('2026-12-04T17:00'), cst('2026-12-07T10:00'), wh, ZONE)).toBe(2 * H);
    expect(workingMsBetween(cst('2026-11-30T00:00'), cst('2026-12-07T00:00'), wh, ZONE)).toBe(45 * H);
    expect(workingMsBetween(cst('2026-12-05T08:00'), cst('2026-12-06T20:00'), wh, ZONE)).toBe(0);
    expect(workingMsBetween(cst('2026-11-30T12:00'), cst('2026-11-30T10:00'), wh, ZONE)).toBe(0);
    expect(workingMsBetween(cst('2026-11-30T10:00'), cst('2026-11-30T11:00'), parseWorkingHours('10:30-10:45'), ZONE)).toBe(0.25 * H);
  });

  it('keeps nine hours a working day across a daylight-saving change (New York, 2026-03-09 is the Monday after)', () => {
    const ny = (local: string, offset: string) => new Date(`${local}${offset}`);
    expect(workingMsBetween(ny('2026-03-06T00:00', '-05:00'), ny('2026-03-10T00:00', '-04:00'), DEFAULT_WORKING_HOURS, 'America/New_York')).toBe(18 * H);
    // From Sunday (before the change at 02:00) to Monday 09:30: half an hour, not shifted by the lost hour.
    expect(workingMsBetween(ny('2026-03-08T00:30', '-05:00'), ny('2026-03-09T09:30', '-04:00'), DEFAULT_WORKING_HOURS, 'America/New_York')).toBe(0.5 * H);
  });

  it('is additive over adjacent spans and never exceeds the elapsed time', () => {
    const base = cst('2026-11-30T00:00').getTime();
    const instant = fc.integer({ min: 0, max: 30 * 24 * 60 }).map((m) => new Date(base + m * 60_000));
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime());
        const ab = workingMsBetween(a, b, DEFAULT_WORKING_HOURS, ZONE);
        const bc = workingMsBetween(b, c, DEFAULT_WORKING_HOURS, ZONE);
        expect(workingMsBetween(a, c, DEFAULT_WORKING_HOURS, ZONE)).toBe(ab + bc);
        expect(ab).toBeLessThanOrEqual(b.getTime() - a.getTime());
      }),
      { numRuns: 300 },
    );
  });
});
