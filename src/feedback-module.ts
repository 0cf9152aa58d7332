/**
 * The feedback module (issue 5 A): collects comments and figures of published posts, records
 * feedback people relay (chat, replies, web form), posts a summary per post, and runs the
 * rectification items opened from it. Wired by src/modules.ts; settings in docs/feedback.md.
 */
import type Router from '@koa/router';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config';
import { TypeormFeedbackRepo } from './db/feedback-repo';
import { KuaishouFeedbackSource } from './feedback-sources/kuaishou';
import { WechatFeedbackSource } from './feedback-sources/wechat';
import { WeiboFeedbackSource } from './feedback-sources/weibo';
import { registerFeedbackWebhook } from './http/feedback-webhook';
import { PLATFORMS } from './domain/model';
import type { ChannelName } from './ports/channel';
import type { Clock } from './ports/clock';
import type { AccountConfig } from './publishers/accounts';
import { defaultAccountConfig, loadAccountConfigs } from './publishers/registry';
import type { FeedbackSource } from './ports/feedback';
import { addFeedback, formAuthor } from './usecases/feedback/add-feedback';
import { collectFeedback } from './usecases/feedback/collect-feedback';
import { DEFAULT_FEEDBACK_SETTINGS, type FeedbackDeps, type FeedbackSettings } from './usecases/feedback/deps';
import { createFeedbackExtension } from './usecases/feedback/extension';
import { postSummaries } from './usecases/feedback/post-summary';
import { remindRectifications } from './usecases/feedback/rectification';
import type { Deps, Extension } from './usecases/deps';

/** The part of src/modules.ts `ModuleContext` this module uses (declared here so the two files do not import each other). */
export interface FeedbackModuleContext {
  config: Config;
  deps: Deps;
  logger: Logger;
  kick(): Promise<void>;
}

/** Shaped like src/modules.ts `AppModule`. */
export interface FeedbackModule {
  extension: Extension;
  routes(router: Router): void;
  jobs: { name: string; cron: string; run(): Promise<void> }[];
  /** Releases this replica's cursor leases (it restarted: whatever it held is not being worked on). */
  start(): Promise<void>;
}

export interface FeedbackModuleSettings extends FeedbackSettings {
  cron: string;
  webhookSecret?: string;
}

const HOUR = 3_600_000;

/** Reads and validates the module's variables; every problem names its variable. */
export function readFeedbackSettings(env: Record<string, string | undefined>): FeedbackModuleSettings {
  const problems: string[] = [];
  const v = (name: string) => env[name]?.trim() || undefined;
  const number = (name: string, def: number, min: number, max: number, integer = false): number => {
    const raw = v(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(`${name}: must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return n;
  };
  const cronExpr = v('FEEDBACK_CRON') ?? '0 * * * *';
  if (!cron.validate(cronExpr)) problems.push(`FEEDBACK_CRON: not a cron expression (got "${cronExpr}"), e.g. "0 * * * *" for hourly`);
  const windowHours = number('FEEDBACK_WINDOW_HOURS', 72, 1, 24 * 90);
  const summaryHours = number('SUMMARY_AFTER_HOURS', 24, 0, 24 * 30);
  const alertAfter = number('FEEDBACK_FAILURE_ALERT_AFTER', 3, 1, 100, true);
  const secret = v('FEEDBACK_WEBHOOK_SECRET');
  if (secret !== undefined && secret.length < 16) problems.push('FEEDBACK_WEBHOOK_SECRET: at least 16 characters (a random string shared with the web form)');
  if (problems.length) throw new ConfigError(problems);
  return { ...DEFAULT_FEEDBACK_SETTINGS, windowMs: windowHours * HOUR, summaryAfterMs: summaryHours * HOUR, failureAlertAfter: alertAfter, cron: cronExpr, webhookSecret: secret };
}

/**
 * A source per account that can be followed, built from the publishers' own configuration
 * (`loadAccountConfigs`: the plain env variables and `ACCOUNTS_FILE`), keyed like the publishers:
 * `platform:account` for every named account, and `platform` for the account that serves plain
 * platform targets (publications with account `''`). Douyin has no source; Kuaishou needs an
 * access token (a grant that is only refreshed is not followed).
 */
export function createFeedbackSources(
  env: Record<string, string | undefined>,
  opts: { clock: Clock; zone: string; readFile?: (path: string) => string },
): Partial<Record<string, FeedbackSource>> {
  const configs = loadAccountConfigs(env, opts.readFile);
  const build = (c: AccountConfig): FeedbackSource | undefined => {
    switch (c.platform) {
      case 'wechat':
        return new WechatFeedbackSource({ appId: c.appId, appSecret: c.appSecret, baseUrl: c.baseUrl ?? 'https://api.weixin.qq.com', clock: opts.clock, zone: opts.zone });
      case 'weibo':
        return new WeiboFeedbackSource({ accessToken: c.accessToken, baseUrl: c.baseUrl ?? 'https://api.weibo.com', clock: opts.clock });
      case 'kuaishou':
        return c.accessToken ? new KuaishouFeedbackSource({ appId: c.appId, accessToken: c.accessToken, baseUrl: c.baseUrl ?? 'https://open.kuaishou.com' }) : undefined;
      case 'douyin':
        return undefined;
    }
  };
  const sources: Partial<Record<string, FeedbackSource>> = {};
  const built = new Map<AccountConfig, FeedbackSource | undefined>(configs.map((c) => [c, build(c)]));
  for (const [c, source] of built) if (source && c.name) sources[`${c.platform}:${c.name}`] = source;
  for (const platform of PLATFORMS) {
    const def = defaultAccountConfig(configs, platform);
    const source = def && built.get(def);
    if (source) sources[platform] = source;
  }
  return sources;
}

export function createFeedbackModule(ctx: FeedbackModuleContext): FeedbackModule {
  const settings = readFeedbackSettings(ctx.config.env);
  const { deps } = ctx;
  const fb: FeedbackDeps = { repo: new TypeormFeedbackRepo(), sources: createFeedbackSources(ctx.config.env, { clock: deps.clock, zone: deps.zone }), settings };
  const channel: ChannelName = ctx.config.feishu ? 'feishu' : 'sandbox';
  const log = ctx.logger.child({ module: 'feedback' });
  log.info({ sources: Object.keys(fb.sources) }, 'feedback sources');
  return {
    extension: createFeedbackExtension(fb),
    routes(router) {
      registerFeedbackWebhook(router, {
        secret: settings.webhookSecret,
        clock: deps.clock,
        logger: log,
        async submit(input) {
          const author = formAuthor(input.contact);
          const r = await addFeedback(deps, fb, { source: 'form', externalId: input.externalId, draftNo: input.draftNo, text: input.text, author, actor: 'form' });
          await ctx.kick();
          return r.status === 'stored' ? { status: 'stored', id: r.id } : { status: 'duplicate' };
        },
      });
    },
    async start() {
      const released = await deps.store.transaction((tx) => fb.repo.releaseCursorLeases(tx, deps.replicaId));
      if (released) log.info({ released }, 'feedback cursor leases of this replica released');
    },
    jobs: [
      {
        name: 'feedback-collect',
        cron: settings.cron,
        async run() {
          const r = await collectFeedback(deps, fb);
          if (r.cursors) log.info(r, 'feedback collected');
        },
      },
      { name: 'feedback-summary', cron: '*/10 * * * *', run: async () => void (await postSummaries(deps, fb)) },
      { name: 'rectification-remind', cron: '0 9 * * *', run: async () => void (await remindRectifications(deps, fb, channel)) },
    ],
  };
}
