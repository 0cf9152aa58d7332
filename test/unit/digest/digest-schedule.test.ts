import { firstRunBetween } from '../../../src/usecases/digest/schedule';

const week = (mondayUtc: string) => ({ from: new Date(mondayUtc), to: new Date(new Date(mondayUtc).getTime() + 7 * 86_400_000) });

/** When DIGEST_CRON fires within a week, read from the cron expression itself (node-cron's matcher). */
describe('firstRunBetween', () => {
  // Monday 2026-11-30 00:00 in Shanghai.
  const w = week('2026-11-29T16:00:00Z');

  it('the default, Mondays 09:00, in the organisation zone', () => {
    expect(firstRunBetween('0 9 * * 1', w.from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(firstRunBetween('0 9 * * 1', w.from, w.to, 'UTC')?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('other days, lists, ranges, names and seconds', () => {
    expect(firstRunBetween('30 8 * * 5', w.from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-04T00:30:00.000Z');
    expect(firstRunBetween('0 18,7 * * tue-thu', w.from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(firstRunBetween('15 0 9 * * 1', w.from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T01:00:15.000Z');
    // Day of month: the 3rd is the Thursday of this week.
    expect(firstRunBetween('0 9 3 * *', w.from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-03T01:00:00.000Z');
  });

  it('null for a week in which the expression never fires', () => {
    expect(firstRunBetween('0 9 20 * *', w.from, w.to, 'Asia/Shanghai')).toBeNull();
  });

  it('only times within the range count', () => {
    const from = new Date('2026-11-30T02:00:00Z'); // Monday 10:00 in Shanghai
    expect(firstRunBetween('0 9 * * *', from, w.to, 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T01:00:00.000Z');
  });
});
