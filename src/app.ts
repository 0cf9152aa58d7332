import { hostname } from 'node:os';
import Koa from 'koa';
import Router from '@koa/router';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import { TypeormStore } from './db/store';
import { createDbTokenStore } from './db/token-store';
import { appendTerm, createReviewEngineFromDisk } from './review-lexicons';
import type { Reviewer } from './domain/model';
import { loadRoster, type Roster } from './org/roster-file';
import type { FeishuChannel } from './channels/feishu';
import { createSandboxChannel } from './channels/sandbox';
import type { ChannelName, InboundMessage, Messenger } from './ports/channel';
import { systemClock, type Clock } from './ports/clock';
import type { Publisher } from './ports/publisher';
import { createPublisherRouting } from './publishers/routing';
import { createPlatformPublishers } from './publishers/registry';
import { createMediaFetcher } from './media-fetcher';
import { announceCredentialProblem } from './usecases/credentials';
import { platformPublishFinished } from './usecases/platform-events';
import { createWechatMpCallbackRouter } from './http/wechat-mp-callback';
import type { Deps } from './usecases/deps';
import { deliverOutbox, processInbox } from './usecases/delivery';
import { publishDue } from './usecases/publish';
import { handleCardAction } from './usecases/router';
import { SANDBOX_GROUP_CHAT, SANDBOX_ROSTER } from './sandbox-roster';
import { createModules } from './modules';

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Extra publishers keyed by platform or account (the platform publishers, or test doubles at the network edge). */
  platformPublishers?: Record<string, Publisher>;
  reviewer?: Reviewer;
  /** How publishers and the Feishu messenger wait (pacing, polling, rate limits); tests pass one that moves their fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Run node-cron jobs (off in tests, which drive `runJobs` with a fake clock). */
  cron?: boolean;
  /** PostgreSQL schema to use (tests isolate themselves with one). */
  dbSchema?: string;
}

export interface CopydeskApp {
  koa: Koa;
  deps: Deps;
  dataSource: DataSource;
  channel: ChannelName;
  feishu?: FeishuChannel;
  /** Processes the inbox and the outbox until both are empty. */
  drain(): Promise<void>;
  /** Runs the scheduled jobs once (publish what is due), then drains. */
  runJobs(): Promise<void>;
  /** Runs one module job by name, then drains (tests drive jobs with a fake clock). */
  runJob(name: string): Promise<void>;
  /** Resolves when work started by incoming requests has finished (tests). */
  settle(): Promise<void>;
  listen(port: number): Promise<{ port: number; close(): Promise<void> }>;
  stop(): Promise<void>;
}

/** Applies the roster file: members are added and updated; roles changed in chat are kept. */
async function applyRoster(store: TypeormStore, roster: Roster, channel: ChannelName) {
  await store.transaction(async (tx) => {
    for (const m of roster.members) await tx.upsertMember(m, { keepRoles: true });
    if (roster.workingGroupChat && !(await tx.getBinding(channel))) await tx.setBinding(channel, roster.workingGroupChat, 'org-file');
  });
}

/** The composition root: database, roster, channel, publishers, use cases and jobs. */
export async function createApp(options: AppOptions): Promise<CopydeskApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const dataSource = await openDatabase(config.databaseUrl, { schema: options.dbSchema });
  const store = new TypeormStore(dataSource, () => clock.now());
  const channelName: ChannelName = config.feishu ? 'feishu' : 'sandbox';

  const roster = config.orgFile ? loadRoster(config.orgFile) : channelName === 'sandbox' ? { departments: [], members: SANDBOX_ROSTER, workingGroupChat: SANDBOX_GROUP_CHAT } : null;
  if (roster) await applyRoster(store, roster, channelName);
  if (!roster) logger.warn('ORG_FILE is not set: nobody is on the roster until a leader is added');

  const engine = createReviewEngineFromDisk({ lexiconDir: config.lexiconDir });
  // Terms added in chat take effect at once and, with LEXICON_DIR, survive a restart.
  const lexicon = {
    categories: () => engine.categories().filter((c) => c !== 'allow'),
    list: (category: string) => engine.listTerms(category),
    add(category: string, word: string) {
      const added = engine.addTerm(category, word);
      if (added && config.lexiconDir) appendTerm(config.lexiconDir, category, word);
      return added;
    },
    allow(word: string) {
      const added = engine.allow(word);
      if (added && config.lexiconDir) appendTerm(config.lexiconDir, 'allow', word);
      return added;
    },
  };

  let feishu: FeishuChannel | undefined;
  const fetchMedia = createMediaFetcher(() => feishu);
  const platforms = createPlatformPublishers(config.env, {
    fetchMedia,
    clock,
    tokenStore: createDbTokenStore(store, () => clock.now()),
    sleep: options.sleep,
    // Called from a publisher at run time, after `deps` exists.
    onCredentialProblem: (problem) => {
      announceCredentialProblem(deps, channelName, problem).catch((e) => logger.error({ err: e }, 'credential notice failed'));
    },
  });

  const deps: Deps = {
    store,
    clock,
    logger,
    zone: roster?.timezone ?? config.timezone,
    approvalChain: config.approvalChain,
    reviewer: options.reviewer ?? engine,
    lexicon,
    extensions: [],
    publishers: createPublisherRouting({ webhook: config.publishWebhook, platform: { ...platforms.byName, ...options.platformPublishers }, accounts: platforms.accountPlatforms }),
    publishing: { maxAttempts: config.publishMaxAttempts, retryBaseMs: config.publishRetryBaseSeconds * 1000, leaseMs: 5 * 60_000, pollMs: 60_000 },
    replicaId: config.env.REPLICA_ID || hostname(),
  };

  // One pump per process: inbox and outbox work runs one batch at a time, kicked by requests and jobs.
  let running: Promise<void> | null = null;
  let again = false;
  const messengers: Partial<Record<ChannelName, Messenger>> = {};
  const drainOnce = async () => {
    for (let i = 0; i < 100; i++) {
      const n = (await processInbox(deps)) + (await deliverOutbox(deps, messengers));
      if (n === 0) break;
    }
  };
  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drainOnce();
        } catch (e) {
          logger.error({ err: e }, 'delivery pump failed');
        }
      } while (again);
      running = null;
    })();
    return running;
  };

  const modules = createModules({ config, deps, dataSource, logger, kick });
  for (const m of modules) if (m.extension) deps.extensions.push(m.extension);
  const moduleJobs = modules.flatMap((m) => m.jobs ?? []);

  const accept = async (event: InboundMessage) => {
    const result = await store.acceptInbound(event.channel, event.eventId, event, clock.now());
    if (result === 'accepted') setImmediate(() => void kick());
    return result;
  };
  const onCardAction = async (action: Parameters<typeof handleCardAction>[1]) => {
    const answer = await handleCardAction(deps, action);
    setImmediate(() => void kick());
    return answer;
  };

  const koa = new Koa();
  const router = new Router();
  if (config.feishu) {
    // Loaded only when configured: the SDK is large, and the sandbox does not need it.
    const { createFeishuChannel } = await import('./channels/feishu');
    feishu = createFeishuChannel({ ...config.feishu, logger, clock, accept, onCardAction, ...(options.sleep ? { retry: { sleep: options.sleep } } : {}) });
    messengers.feishu = feishu.messenger;
    koa.use(feishu.router.routes()).use(feishu.router.allowedMethods());
  } else {
    const members = (await store.transaction((tx) => tx.listMembers())).map((m) => ({ ...m, roles: m.roles as string[] }));
    const sandbox = createSandboxChannel({ members, workingGroupChatId: roster?.workingGroupChat ?? SANDBOX_GROUP_CHAT, logger, clock, accept, onCardAction });
    messengers.sandbox = sandbox.messenger;
    koa.use(sandbox.router.routes()).use(sandbox.router.allowedMethods());
  }

  router.get('/healthz', async (ctx) => {
    const db = await store.ping();
    const channel = feishu ? feishu.health() : { mode: 'sandbox', connected: true };
    ctx.status = db && channel.connected ? 200 : 503;
    ctx.body = { status: ctx.status === 200 ? 'ok' : 'degraded', database: db ? 'ok' : 'down', channel: { name: channelName, ...channel } };
  });
  router.get('/', (ctx) => ctx.redirect(feishu ? '/healthz' : '/sandbox'));
  if (config.wechatCallback) {
    const wechatEvents = createWechatMpCallbackRouter({
      ...config.wechatCallback,
      logger,
      now: () => clock.now(),
      // The publication becomes due now; the next scheduler tick (PUBLISH_CRON) reads the result.
      onPublishJobFinish: async (publishId) => void (await platformPublishFinished(deps, { stepName: 'wx_publish_id', externalJobId: publishId })),
    });
    koa.use(wechatEvents.routes()).use(wechatEvents.allowedMethods());
  }
  for (const m of modules) m.routes?.(router);
  koa.use(router.routes()).use(router.allowedMethods());

  const runJobs = async () => {
    await publishDue(deps);
    await kick();
  };
  const checkCredentials = async () => {
    for (const warning of platforms.credentialWarnings(clock.now())) await announceCredentialProblem(deps, channelName, warning);
    await kick();
  };

  const tasks: ScheduledTask[] = [];
  const startJobs = () => {
    if (!options.cron) return;
    tasks.push(cron.schedule(config.publishCron, () => runJobs().catch((e) => logger.error({ err: e }, 'publish job failed')), { noOverlap: true, timezone: deps.zone }));
    tasks.push(cron.schedule('*/5 * * * * *', () => void kick(), { noOverlap: true }));
    tasks.push(cron.schedule('0 9 * * *', () => checkCredentials().catch((e) => logger.error({ err: e }, 'credential check failed')), { noOverlap: true, timezone: deps.zone }));
    for (const job of moduleJobs) {
      tasks.push(cron.schedule(job.cron, () => job.run().then(kick).catch((e) => logger.error({ err: e, job: job.name }, 'job failed')), { noOverlap: true, timezone: deps.zone }));
    }
  };

  return {
    koa,
    deps,
    dataSource,
    channel: channelName,
    feishu,
    drain: kick,
    runJobs,
    async runJob(name: string) {
      const job = moduleJobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      await job.run();
      await kick();
    },
    settle: async () => {
      await new Promise((r) => setImmediate(r));
      await kick();
    },
    async listen(port: number) {
      // Work this replica had in flight when it last stopped is resumed with the same idempotency keys.
      await store.releaseLeases(deps.replicaId);
      for (const m of modules) await m.start?.();
      if (feishu) await feishu.start();
      const server = koa.listen(port);
      await new Promise<void>((resolve) => server.once('listening', resolve));
      await checkCredentials().catch((e) => logger.error({ err: e }, 'credential check failed'));
      startJobs();
      void kick();
      const address = server.address();
      return {
        port: typeof address === 'object' && address ? address.port : port,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
    async stop() {
      for (const t of tasks) await t.stop();
      if (running) await running;
      if (feishu) await feishu.stop();
      await store.close();
    },
  };
}

