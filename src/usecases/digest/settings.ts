import type { WorkingHours } from '../../domain/working-hours';
import type { ChannelName } from '../../ports/channel';
import type { DigestQueries } from '../../ports/digest';

/** What the digest and the reminders are configured with (read from the environment by src/digest-module.ts). */
export interface DigestSettings {
  /** The channel of the working-group chat and of reminders without a draft to follow. */
  channel: ChannelName;
  remindAfterHours: number;
  cadenceDays: number;
  cadenceWarnDays: number;
  workingHours: WorkingHours;
  /** DIGEST_CRON: the catch-up posts an unsent week once this week's scheduled time has passed (none: only weeks skipped for want of a chat). */
  cron?: string;
}

/** The digest use cases' own port next to the shared Deps. */
export interface DigestContext {
  queries: DigestQueries;
  settings: DigestSettings;
}
