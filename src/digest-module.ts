import { validate } from 'node-cron';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config';
import { createDigestQueries } from './db/digest-queries';
import { isAppError } from './domain/errors';
import { DEFAULT_WORKING_HOURS, parseWorkingHours, type WorkingHours } from './domain/working-hours';
import type { Deps, Extension } from './usecases/deps';
import { createDigestExtension } from './usecases/digest/extension';
import { sendReminders } from './usecases/digest/reminders';
import type { DigestContext, DigestSettings } from './usecases/digest/settings';
import { sendSkippedDigest, sendWeeklyDigest } from './usecases/digest/weekly-digest';

export const DIGEST_DEFAULTS = { DIGEST_CRON: '0 9 * * 1', REMIND_AFTER_HOURS: 24, CADENCE_DAYS: 14, CADENCE_WARN_DAYS: 2, WORK_HOURS: '09:00-18:00' } as const;
/** How often pending approvals and the departments' cadence are checked. */
export const REMINDERS_CRON = '*/15 * * * *';

/** Reads the digest's variables; every invalid one is named (ConfigError, like the core configuration). */
export function readDigestSettings(env: Record<string, string | undefined>, channel: DigestSettings['channel']): DigestSettings & { cron: string } {
  const problems: string[] = [];
  const value = (name: keyof typeof DIGEST_DEFAULTS): string => {
    const v = env[name]?.trim();
    return v ? v : String(DIGEST_DEFAULTS[name]);
  };
  const number = (name: 'REMIND_AFTER_HOURS' | 'CADENCE_DAYS' | 'CADENCE_WARN_DAYS', check: (n: number) => boolean, rule: string): number => {
    const text = value(name);
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !check(n)) {
      problems.push(`${name}: "${text}" is not ${rule}`);
      return DIGEST_DEFAULTS[name];
    }
    return n;
  };

  const cron = value('DIGEST_CRON');
  if (!validate(cron)) problems.push(`DIGEST_CRON: "${cron}" is not a cron expression (e.g. "0 9 * * 1" for Mondays at 09:00)`);
  const remindAfterHours = number('REMIND_AFTER_HOURS', (n) => n > 0 && n <= 24 * 30, 'a number of hours between 0 and 720 (e.g. 24)');
  const cadenceDays = number('CADENCE_DAYS', (n) => Number.isInteger(n) && n >= 1 && n <= 365, 'a whole number of days between 1 and 365 (e.g. 14)');
  const cadenceWarnDays = number('CADENCE_WARN_DAYS', (n) => Number.isInteger(n) && n >= 0, 'a whole number of days (e.g. 2)');
  if (!problems.some((p) => p.startsWith('CADENCE')) && cadenceWarnDays >= cadenceDays) {
    problems.push(`CADENCE_WARN_DAYS: ${cadenceWarnDays} must be smaller than CADENCE_DAYS (${cadenceDays})`);
  }
  let workingHours: WorkingHours = DEFAULT_WORKING_HOURS;
  try {
    workingHours = parseWorkingHours(value('WORK_HOURS'));
  } catch (e) {
    if (!isAppError(e)) throw e;
    problems.push(`WORK_HOURS: "${value('WORK_HOURS')}" is not a daily window such as 09:00-18:00 (Monday to Friday)`);
  }
  if (problems.length) throw new ConfigError(problems);
  return { cron, channel, remindAfterHours, cadenceDays, cadenceWarnDays, workingHours };
}

/** The part of `ModuleContext` (src/modules.ts) this module uses; declared here so the two files do not import each other. */
export interface DigestModuleContext {
  config: Pick<Config, 'env' | 'feishu'>;
  deps: Deps;
  logger: Logger;
}

/** An `AppModule` (src/modules.ts): the `/digest` extension and its jobs. */
export interface DigestModule {
  extension: Extension;
  jobs: { name: string; cron: string; run(): Promise<void> }[];
}

/** Weekly digest (`/digest`, DIGEST_CRON; a week skipped for want of a chat or missed at its time is caught up every 15 minutes) and reminders (every 15 minutes). */
export function createDigestModule(ctx: DigestModuleContext): DigestModule {
  const settings = readDigestSettings(ctx.config.env, ctx.config.feishu ? 'feishu' : 'sandbox');
  const { cron } = settings;
  const digest: DigestContext = { queries: createDigestQueries(), settings };
  return {
    extension: createDigestExtension(digest),
    jobs: [
      {
        name: 'weekly-digest',
        cron,
        async run() {
          const result = await sendWeeklyDigest(ctx.deps, digest);
          ctx.logger.info({ job: 'weekly-digest', result }, 'weekly digest');
        },
      },
      {
        // A week skipped for want of a bound chat goes out once one is bound; a week whose
        // scheduled run was missed (process down, job failed) once its DIGEST_CRON time has passed.
        name: 'weekly-digest-catch-up',
        cron: REMINDERS_CRON,
        async run() {
          const result = await sendSkippedDigest(ctx.deps, digest);
          if (result) ctx.logger.info({ job: 'weekly-digest-catch-up', result }, 'weekly digest caught up');
        },
      },
      {
        name: 'reminders',
        cron: REMINDERS_CRON,
        async run() {
          const sent = await sendReminders(ctx.deps, digest);
          if (sent.approvals + sent.cadence > 0) ctx.logger.info({ job: 'reminders', ...sent }, 'reminders sent');
        },
      },
    ],
  };
}
