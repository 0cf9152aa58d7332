import pino from 'pino';
import { ConfigError } from '../../../src/config';
import { createDigestModule, readDigestSettings } from '../../../src/digest-module';
import type { Deps } from '../../../src/usecases/deps';

const problems = (env: Record<string, string>): string[] => {
  try {
    readDigestSettings(env, 'sandbox');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('digest settings', () => {
  it('has defaults: Mondays 09:00, 24 working hours, a 14-day cadence warned 2 days ahead, 09:00-18:00', () => {
    expect(readDigestSettings({}, 'sandbox')).toEqual({
      cron: '0 9 * * 1', channel: 'sandbox', remindAfterHours: 24, cadenceDays: 14, cadenceWarnDays: 2,
      workingHours: { startMinute: 540, endMinute: 1080, days: [1, 2, 3, 4, 5] },
    });
    expect(readDigestSettings({ DIGEST_CRON: '30 8 * * 5', REMIND_AFTER_HOURS: '4.5', CADENCE_DAYS: '7', CADENCE_WARN_DAYS: '0', WORK_HOURS: '08:30-17:00' }, 'feishu'))
      .toMatchObject({ cron: '30 8 * * 5', channel: 'feishu', remindAfterHours: 4.5, cadenceDays: 7, cadenceWarnDays: 0, workingHours: { startMinute: 510, endMinute: 1020 } });
  });

  it('names every invalid variable', () => {
    expect(problems({ DIGEST_CRON: 'every monday' })).toEqual([expect.stringMatching(/^DIGEST_CRON: "every monday" is not a cron expression/)]);
    expect(problems({ REMIND_AFTER_HOURS: '0' })).toEqual([expect.stringMatching(/^REMIND_AFTER_HOURS: /)]);
    expect(problems({ REMIND_AFTER_HOURS: 'abc' })).toEqual([expect.stringMatching(/^REMIND_AFTER_HOURS: /)]);
    expect(problems({ CADENCE_DAYS: '1.5' })).toEqual([expect.stringMatching(/^CADENCE_DAYS: /)]);
    expect(problems({ CADENCE_WARN_DAYS: '-1' })).toEqual([expect.stringMatching(/^CADENCE_WARN_DAYS: /)]);
    expect(problems({ CADENCE_DAYS: '3', CADENCE_WARN_DAYS: '3' })).toEqual(['CADENCE_WARN_DAYS: 3 must be smaller than CADENCE_DAYS (3)']);
    expect(problems({ WORK_HOURS: '18:00-09:00' })).toEqual([expect.stringMatching(/^WORK_HOURS: /)]);
    expect(problems({ DIGEST_CRON: 'x', WORK_HOURS: 'y' })).toHaveLength(2);
  });

  it('makes a module with the /digest extension and its jobs (digest, catch-up, reminders), and fails at start-up on bad settings', () => {
    const ctx = { config: { env: {}, feishu: undefined }, deps: {} as Deps, logger: pino({ level: 'silent' }) };
    const m = createDigestModule(ctx);
    expect(m.extension.name).toBe('digest');
    expect(m.jobs.map((j) => [j.name, j.cron])).toEqual([['weekly-digest', '0 9 * * 1'], ['weekly-digest-catch-up', '*/15 * * * *'], ['reminders', '*/15 * * * *']]);
    expect(() => createDigestModule({ ...ctx, config: { env: { REMIND_AFTER_HOURS: 'soon' }, feishu: undefined } })).toThrow(/REMIND_AFTER_HOURS/);
  });
});
