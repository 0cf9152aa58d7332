import { cadenceStatus, dueLevels, escalationLadder, formatDuration, isoWeekKey, lastFullWeek, lastSevenDays, localDays, periodLabel } from '../../../src/domain/digest';

const ZONE = 'Asia/Shanghai';
const H = 3_600_000;
const D = 24 * H;
const cst = (local: string) => new Date(`${local}+08:00`);

describe('digest periods', () => {
  it('takes the last full Monday-to-Sunday week in the organisation zone', () => {
    // Monday 2026-11-30 09:00 in Shanghai (01:00 UTC): the week of 11-23 to 11-29.
    const week = lastFullWeek(cst('2026-11-30T09:00'), ZONE);
    expect(week).toEqual({ from: cst('2026-11-23T00:00'), to: cst('2026-11-30T00:00') });
    expect(periodLabel(week, ZONE)).toBe('2026-11-23 至 2026-11-29');
    expect(isoWeekKey(week.from, ZONE)).toBe('2026-W48');
    // Sunday 23:30 local is still in the week of 11-23, so the last full one is the week before.
    expect(lastFullWeek(cst('2026-11-29T23:30'), ZONE).from).toEqual(cst('2026-11-16T00:00'));
    // Sunday 2026-11-29 16:30 UTC is already Monday 00:30 in Shanghai.
    expect(lastFullWeek(new Date('2026-11-29T16:30:00Z'), ZONE).from).toEqual(cst('2026-11-23T00:00'));
  });

  it('keys weeks by ISO week-year (2027-01-01 belongs to 2026-W53)', () => {
    expect(isoWeekKey(cst('2027-01-01T12:00'), ZONE)).toBe('2026-W53');
    expect(isoWeekKey(cst('2027-01-04T00:00'), ZONE)).toBe('2027-W01');
  });

  it('splits a period into local days with labels', () => {
    const days = localDays({ from: cst('2026-11-23T00:00'), to: cst('2026-11-30T00:00') }, ZONE);
    expect(days.map((d) => d.label)).toEqual(['11-23 周一', '11-24 周二', '11-25 周三', '11-26 周四', '11-27 周五', '11-28 周六', '11-29 周日']);
    expect(days[0]).toMatchObject({ from: cst('2026-11-23T00:00'), to: cst('2026-11-24T00:00') });
    // The on-demand period starts mid-day: the first and last days are partial, 8 in all.
    const seven = localDays(lastSevenDays(cst('2026-11-30T10:00')), ZONE);
    expect(seven).toHaveLength(8);
    expect(seven[0]).toMatchObject({ from: cst('2026-11-23T10:00'), to: cst('2026-11-24T00:00'), label: '11-23 周一' });
    expect(seven[7]).toMatchObject({ from: cst('2026-11-30T00:00'), to: cst('2026-11-30T10:00') });
  });
});

describe('reminder rules', () => {
  it('escalates from the step role to the deputies, then the leaders (only upwards)', () => {
    expect(escalationLadder('editor')).toEqual(['editor', 'deputy', 'leader']);
    expect(escalationLadder('deputy')).toEqual(['deputy', 'leader']);
    expect(escalationLadder('leader')).toEqual(['leader']);
  });

  it('makes level n due after (n + 1) × the threshold in working time', () => {
    expect(dueLevels(23.9 * H, 24, 3)).toEqual([]);
    expect(dueLevels(24 * H, 24, 3)).toEqual([0]);
    expect(dueLevels(47 * H, 24, 3)).toEqual([0]);
    expect(dueLevels(48 * H, 24, 3)).toEqual([0, 1]);
    expect(dueLevels(500 * H, 24, 3)).toEqual([0, 1, 2]);
    expect(dueLevels(500 * H, 24, 1)).toEqual([0]);
  });

  it('warns a department CADENCE_WARN_DAYS before its cadence breaks', () => {
    const now = cst('2026-11-30T10:00');
    const ago = (days: number) => new Date(now.getTime() - days * D);
    expect(cadenceStatus('宣传部', ago(11.9), now, 14, 2)).toMatchObject({ state: 'ok', daysSince: 11 });
    expect(cadenceStatus('宣传部', ago(12), now, 14, 2)).toEqual({ department: '宣传部', lastSubmittedAt: ago(12), daysSince: 12, state: 'warn', deadline: new Date(ago(12).getTime() + 14 * D) });
    expect(cadenceStatus('宣传部', ago(14), now, 14, 2)).toMatchObject({ state: 'overdue', daysSince: 14 });
    expect(cadenceStatus('宣传部', null, now, 14, 2)).toEqual({ department: '宣传部', lastSubmittedAt: null, daysSince: null, state: 'overdue', deadline: null });
    expect(cadenceStatus('宣传部', ago(13.5), now, 14, 0)).toMatchObject({ state: 'ok' });
  });

  it('formats durations in Chinese', () => {
    expect(formatDuration(40 * 60_000)).toBe('40 分钟');
    expect(formatDuration(5 * H + 59 * 60_000)).toBe('5 小时');
    expect(formatDuration(2 * D + 3 * H)).toBe('2 天 3 小时');
    expect(formatDuration(3 * D)).toBe('3 天');
  });
});
