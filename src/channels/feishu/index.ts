import * as lark from '@larksuiteoapi/node-sdk';
import Router from '@koa/router';
import type { Context } from 'koa';
import type pino from 'pino';
import type { CardActionAnswer, InboundCardAction, InboundMessage } from '../../ports/channel';
import { toCallbackResponse, toInboundCardAction, toInboundMessage, type FeishuCallbackResponse } from './inbound';
import { createFeishuClient, createFeishuMessenger, type FeishuMessenger, type RetryOptions } from './messenger';
import { createSdkLogger } from './sdk-logger';
import { verifyFeishuRequest, WebhookRefusal } from './verify';

export { toInboundCardAction, toInboundMessage, toCallbackResponse } from './inbound';
export { createFeishuClient, createFeishuMessenger, toFeishuUuid } from './messenger';
export type { FeishuMessenger, RetryOptions } from './messenger';
export { decryptFeishu, feishuSignature, verifyFeishuRequest, WebhookRefusal } from './verify';

export interface FeishuChannelOptions {
  appId: string;
  appSecret: string;
  encryptKey?: string;
  verificationToken?: string;
  /** FEISHU_BASE_URL, e.g. https://open.feishu.cn or the fake's http://127.0.0.1:PORT. */
  baseUrl: string;
  mode: 'webhook' | 'ws';
  /** Never receives secrets, tokens or decrypted bodies from this module. */
  logger: pino.Logger;
  /** For the stale-timestamp check (default system time). */
  clock?: { now(): Date };
  /** Allowed skew of `X-Lark-Request-Timestamp` (default 5 min). */
  maxSkewMs?: number;
  /** Persists the event in the inbox (de-duplicated on eventId by the database) BEFORE the HTTP answer. */
  accept(event: InboundMessage): Promise<'accepted' | 'duplicate'>;
  /** Synchronous decision for a card tap; must be answered within 3 s. */
  onCardAction(action: InboundCardAction): Promise<CardActionAnswer>;
  /** Budget for `onCardAction` before an error toast is answered (default 2500 ms, under Feishu's 3 s). */
  cardActionTimeoutMs?: number;
  /** In-place retries of outgoing calls (attempts, max wait, injectable sleep). */
  retry?: RetryOptions;
  /** Largest webhook body accepted (default 1 MiB). */
  bodyLimitBytes?: number;
}

export interface FeishuHealth {
  mode: string;
  connected: boolean;
  botOpenId?: string;
  lastError?: string;
}

export interface FeishuChannel {
  /** POST /feishu/events and POST /feishu/card (webhook mode; in ws mode they answer 404). */
  router: Router;
  messenger: FeishuMessenger;
  /** Downloads an image or file of a message (`im.messageResource.get`). */
  fetchResource(messageId: string, fileKey: string, type: 'image' | 'file'): Promise<Buffer>;
  /**
   * The SDK dispatcher with this channel's handlers: the webhook routes call it after their own checks,
   * and `WSClient` calls it for long-connection events. Exposed for tests and diagnostics.
   */
  dispatcher: lark.EventDispatcher;
  /** Fetches the bot's open_id (own messages, mentions); in ws mode also connects. */
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): FeishuHealth;
}

/** Generic text shown when a card action fails; details stay in the log. */
const CARD_ERROR_TOAST = '操作未完成，请稍后重试';
const APP_ID_PATTERN = /^cli_[0-9a-fA-F]{16}$/;
const BOT_INFO_RETRY_MS = 30_000;

class RawBodyError extends Error {
  constructor(readonly status: 400 | 413 | 500, readonly error: string) {
    super(error);
  }
}

/** Reads the request's raw bytes (the signature covers them exactly), or `rawBody` left by a body parser. */
async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const kept = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof kept === 'string') return Buffer.from(kept, 'utf8');
  const req = ctx.req;
  // `req.complete` only says the parser has seen the whole message; the bytes may still wait unread.
  if (req.readableEnded) throw new RawBodyError(500, 'raw body unavailable');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new RawBodyError(413, 'body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) throw new RawBodyError(413, 'body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

const header = (ctx: Context, name: string): string | undefined => {
  const v = ctx.get(name);
  return v === '' ? undefined : v;
};

/** Creates the Feishu channel: webhook routes or a long connection, the messenger, and health. */
export function createFeishuChannel(options: FeishuChannelOptions): FeishuChannel {
  const logger = options.logger.child({ channel: 'feishu' });
  const now = () => (options.clock ?? { now: () => new Date() }).now();
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  const cardTimeoutMs = options.cardActionTimeoutMs ?? 2500;
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  if (options.mode === 'webhook' && !options.encryptKey && !options.verificationToken) {
    throw new Error('Feishu webhook mode needs an encrypt key or a verification token: without one anybody can post events');
  }

  const feishu = createFeishuClient({ appId: options.appId, appSecret: options.appSecret, baseUrl: options.baseUrl, logger });
  const messenger = createFeishuMessenger(feishu, logger, options.retry);
  const sdkLogger = createSdkLogger(logger);

  const state: { botOpenId?: string; lastError?: string; started: boolean } = { started: false };
  let botInfo: Promise<string> | undefined;

  /** Fetches the bot's open_id once; a failure is remembered in health and retried on the next call. */
  function ensureBotOpenId(): Promise<string> {
    if (state.botOpenId) return Promise.resolve(state.botOpenId);
    botInfo ??= (async () => {
      const res = (await feishu.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
        code?: number;
        msg?: string;
        bot?: { open_id?: string };
      };
      const openId = res?.bot?.open_id;
      if (res?.code !== 0 || !openId) throw new Error(`bot info failed: code ${String(res?.code)} ${res?.msg ?? ''}`.trim());
      state.botOpenId = openId;
      if (state.lastError?.startsWith('bot info')) state.lastError = undefined;
      return openId;
    })().catch((error: unknown) => {
      botInfo = undefined;
      const status = (error as { response?: { status?: number } }).response?.status;
      state.lastError = `bot info: ${status ? `HTTP ${status}` : (error as Error).message}`;
      throw new Error(state.lastError);
    });
    return botInfo;
  }

  /** Shared by webhook and long connection: stores the message in the inbox (fast), never processes it. */
  async function handleMessage(data: Record<string, unknown>): Promise<void> {
    const message = (data.message ?? {}) as { chat_type?: unknown };
    // Own-message and mention checks need the bot's id; a p2p message can do without it (sender_type tells).
    const botOpenId = message.chat_type === 'p2p' ? state.botOpenId : await ensureBotOpenId();
    const decision = toInboundMessage(data, botOpenId);
    const eventId = typeof data.event_id === 'string' ? data.event_id : undefined;
    if (decision.kind === 'ignore') {
      logger.debug({ eventId, reason: decision.reason }, 'feishu message ignored');
      return;
    }
    const outcome = await options.accept(decision.message);
    logger.info({ eventId, messageId: decision.message.messageId, chatType: decision.message.chatType, outcome }, 'feishu message stored');
  }

  /** Shared by webhook and long connection: answers within the budget, with a generic toast on failure. */
  async function handleCardAction(data: Record<string, unknown>): Promise<FeishuCallbackResponse> {
    const action = toInboundCardAction(data);
    if (!action) {
      logger.warn({ eventId: data.event_id }, 'feishu card action without operator or event id');
      return { toast: { type: 'error', content: CARD_ERROR_TOAST } };
    }
    const log = logger.child({ eventId: action.eventId, messageId: action.messageId });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`card action took longer than ${cardTimeoutMs} ms`)), cardTimeoutMs);
      });
      const answer = await Promise.race([options.onCardAction(action), timeout]);
      const response = toCallbackResponse(answer);
      log.info({ toast: answer.toast.type, card: answer.card?.template }, 'feishu card action answered');
      return response;
    } catch (error) {
      log.error({ err: { message: (error as Error)?.message, name: (error as Error)?.name, code: (error as { code?: unknown })?.code } }, 'feishu card action failed');
      return { toast: { type: 'error', content: CARD_ERROR_TOAST } };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  const dispatcher = new lark.EventDispatcher({
    encryptKey: options.encryptKey,
    verificationToken: options.verificationToken,
    loggerLevel: lark.LoggerLevel.warn,
    logger: sdkLogger,
  }).register({
    'im.message.receive_v1': (data) => handleMessage(data as unknown as Record<string, unknown>),
    // `card.action.trigger` has no TypeScript type in the SDK (node-sdk #98, #156); it dispatches at runtime.
    ...({ 'card.action.trigger': (data: Record<string, unknown>) => handleCardAction(data) } as unknown as Record<string, never>),
  });

  /*
   * Webhook requests are verified here, on the raw body, before the SDK sees them, and then handed to
   * `dispatcher.invoke(payload, { needCheck: false })` with the payload already decrypted. The SDK's own
   * checks are not enough: its signature check hashes `JSON.stringify(parsed body)` rather than the raw
   * bytes, it never checks the verification token nor the timestamp's age, a body that fails to decrypt
   * becomes `{}` and is answered 200, and `adaptKoa` matches `originalUrl` exactly (a query string breaks
   * it) and awaits the handler. Here every refusal is a 4xx with a short JSON error and no state change.
   */
  async function webhook(ctx: Context): Promise<void> {
    ctx.type = 'application/json';
    const refuse = (status: number, error: string) => {
      ctx.status = status;
      ctx.body = { error };
      logger.warn({ path: ctx.path, status, error }, 'feishu webhook refused');
    };
    let raw: Buffer;
    try {
      raw = await readRawBody(ctx, bodyLimit);
    } catch (error) {
      if (error instanceof RawBodyError) {
        if (error.status === 500) logger.error('feishu webhook: the body was consumed before the route; mount the feishu router before any body parser');
        return refuse(error.status, error.error);
      }
      return refuse(400, 'unreadable body');
    }
    let verified;
    try {
      verified = verifyFeishuRequest(
        raw,
        { timestamp: header(ctx, 'x-lark-request-timestamp'), nonce: header(ctx, 'x-lark-request-nonce'), signature: header(ctx, 'x-lark-signature') },
        { encryptKey: options.encryptKey, verificationToken: options.verificationToken, now, maxSkewMs },
      );
    } catch (error) {
      if (error instanceof WebhookRefusal) return refuse(error.status, error.error);
      throw error;
    }
    if (verified.challenge !== undefined) {
      ctx.status = 200;
      ctx.body = { challenge: verified.challenge };
      return;
    }
    try {
      const result: unknown = await dispatcher.invoke(verified.payload, { needCheck: false });
      ctx.status = 200;
      // A string is the SDK saying "no handler for this type": acknowledge so Feishu does not retry.
      ctx.body = result && typeof result === 'object' ? result : {};
    } catch (error) {
      // Not stored: a 5xx makes Feishu deliver the event again later.
      logger.error({ path: ctx.path, err: { message: (error as Error)?.message } }, 'feishu event not stored');
      ctx.status = 503;
      ctx.body = { error: 'temporarily unavailable' };
    }
  }

  const router = new Router();
  if (options.mode === 'webhook') {
    router.post('/feishu/events', webhook);
    router.post('/feishu/card', webhook);
  }

  let ws: lark.WSClient | undefined;
  let botRetry: NodeJS.Timeout | undefined;
  let stopped = false;

  return {
    router,
    messenger,
    fetchResource: (messageId, fileKey, type) => messenger.fetchResource(messageId, fileKey, type),
    dispatcher,

    async start() {
      stopped = false;
      try {
        await ensureBotOpenId();
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'feishu bot info unavailable; retrying in the background');
        const retry = () => {
          if (stopped) return;
          botRetry = setTimeout(() => {
            ensureBotOpenId().then(
              () => logger.info('feishu bot info fetched'),
              () => retry(),
            );
          }, BOT_INFO_RETRY_MS);
          botRetry.unref();
        };
        retry();
      }
      if (options.mode === 'ws' && !ws) {
        if (!APP_ID_PATTERN.test(options.appId)) {
          // WSClient.start would silently do nothing.
          state.lastError = 'ws: the app id does not look like cli_ followed by 16 hex digits';
          throw new Error(state.lastError);
        }
        ws = new lark.WSClient({
          appId: options.appId,
          appSecret: options.appSecret,
          domain: options.baseUrl.replace(/\/+$/, ''),
          loggerLevel: lark.LoggerLevel.warn,
          logger: sdkLogger,
          onError: (error: Error) => {
            state.lastError = `ws: ${error.message}`;
          },
          onReady: () => {
            logger.info('feishu long connection ready');
          },
        });
        await ws.start({ eventDispatcher: dispatcher });
      }
      state.started = true;
    },

    async stop() {
      stopped = true;
      if (botRetry) clearTimeout(botRetry);
      botRetry = undefined;
      ws?.close({ force: true });
      ws = undefined;
      state.started = false;
    },

    health() {
      const connected = options.mode === 'ws' ? ws?.getConnectionStatus().state === 'connected' : state.started && state.botOpenId !== undefined;
      return {
        mode: options.mode,
        connected,
        ...(state.botOpenId ? { botOpenId: state.botOpenId } : {}),
        ...(state.lastError ? { lastError: state.lastError } : {}),
      };
    },
  };
}
