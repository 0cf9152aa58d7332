import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type pino from 'pino';
import { DeliveryError, type CardBody, type MessageBody, type Messenger, type Recipient } from '../../ports/channel';
import { renderFeishuCard } from './cards';
import { createSdkLogger } from './sdk-logger';

/** Feishu codes that mean "slow down": the OpenAPI gateway limit and the per-chat frequency limit. */
const RATE_LIMIT_CODES = new Set([99991400, 230020]);
/** Tenant token rejected (expired, revoked, or issued by another environment): fetch a new one once. */
const TOKEN_INVALID_CODES = new Set([99991661, 99991663, 99991668]);
/** Codes that will not get better by retrying. */
const PERMANENT_CODES: Record<number, string> = {
  230031: 'the card is older than 14 days and can no longer be updated',
  230011: 'the message was recalled',
  230099: 'Feishu could not build the card',
};

export interface RetryOptions {
  /** Attempts in place per call, including the first (default 3). */
  maxAttempts?: number;
  /** Waits longer than this are not spent in place: the caller gets `retryAfterMs` instead (default 10 s). */
  maxWaitMs?: number;
  /** Backoff when Feishu gives no reset header (default 500 ms, doubled each attempt). */
  baseDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface FeishuClientOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  logger: pino.Logger;
  /** Per-request timeout (default 10 s); the SDK's shared axios instance has none. */
  timeoutMs?: number;
}

/** A tenant-token cache owned by one client, so a rejected token can be dropped and tests stay isolated. */
type CacheKey = Parameters<lark.Cache['get']>[0];

export class TokenCache implements lark.Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt?: number }>();
  private key(key: CacheKey, namespace?: string): string {
    return `${namespace ?? ''}/${String(key)}`;
  }
  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.values.get(this.key(key, options?.namespace));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }
  async set(key: CacheKey, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(this.key(key, options?.namespace), { value, expiresAt });
    return true;
  }
  clear(): void {
    this.values.clear();
  }
}

export interface FeishuClient {
  client: lark.Client;
  tokenCache: TokenCache;
}

/** The real SDK client pointed at `baseUrl` (the fake in tests), with its own token cache and a request timeout. */
export function createFeishuClient(options: FeishuClientOptions): FeishuClient {
  const timeout = options.timeoutMs ?? 10_000;
  const base = lark.defaultHttpInstance;
  // Wraps the SDK's axios instance (which unwraps `response.data`) only to add a timeout.
  type Opts = lark.HttpRequestOptions<unknown> | undefined;
  const t = (opts: Opts) => ({ timeout, ...opts });
  const httpInstance = {
    request: (opts: Opts) => base.request(t(opts)),
    get: (url: string, opts: Opts) => base.get(url, t(opts)),
    delete: (url: string, opts: Opts) => base.delete(url, t(opts)),
    head: (url: string, opts: Opts) => base.head(url, t(opts)),
    options: (url: string, opts: Opts) => base.options(url, t(opts)),
    post: (url: string, data: unknown, opts: Opts) => base.post(url, data, t(opts)),
    put: (url: string, data: unknown, opts: Opts) => base.put(url, data, t(opts)),
    patch: (url: string, data: unknown, opts: Opts) => base.patch(url, data, t(opts)),
  } as unknown as lark.HttpInstance;
  const tokenCache = new TokenCache();
  const client = new lark.Client({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: options.baseUrl.replace(/\/+$/, ''),
    loggerLevel: lark.LoggerLevel.error,
    logger: createSdkLogger(options.logger),
    cache: tokenCache,
    httpInstance,
  });
  return { client, tokenCache };
}

interface Envelope {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
}

interface Failure {
  message: string;
  retryable: boolean;
  rateLimited: boolean;
  tokenInvalid: boolean;
  retryAfterMs?: number;
  code?: number;
  status?: number;
}

function readResetHeader(headers: unknown): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown>;
  const raw = typeof (h as { get?: unknown }).get === 'function' ? (h as { get(n: string): unknown }).get('x-ogw-ratelimit-reset') : h['x-ogw-ratelimit-reset'];
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

function classifyCode(code: number, msg: string | undefined, status?: number): Failure {
  const permanent = PERMANENT_CODES[code];
  const rateLimited = RATE_LIMIT_CODES.has(code);
  return {
    message: `Feishu error ${code}: ${permanent ?? msg ?? 'unknown'}`,
    code,
    status,
    rateLimited,
    tokenInvalid: TOKEN_INVALID_CODES.has(code),
    retryable: rateLimited || (status !== undefined && status >= 500),
  };
}

/** Turns an SDK rejection (AxiosError or other) into a classified failure. */
function classifyError(error: unknown): Failure {
  const e = error as { response?: { status?: number; data?: unknown; headers?: unknown }; code?: unknown; message?: string };
  const response = e?.response;
  if (response && typeof response.status === 'number') {
    const status = response.status;
    const body = (response.data && typeof response.data === 'object' ? response.data : {}) as Envelope;
    const retryAfterMs = readResetHeader(response.headers);
    if (status === 429 || (typeof body.code === 'number' && RATE_LIMIT_CODES.has(body.code))) {
      return {
        message: `Feishu rate limit (HTTP ${status}${typeof body.code === 'number' ? `, code ${body.code}` : ''})`,
        code: typeof body.code === 'number' ? body.code : undefined,
        status,
        rateLimited: true,
        tokenInvalid: false,
        retryable: true,
        retryAfterMs,
      };
    }
    if (typeof body.code === 'number' && body.code !== 0) return classifyCode(body.code, body.msg, status);
    return { message: `Feishu answered HTTP ${status}`, status, retryable: status >= 500, rateLimited: false, tokenInvalid: false };
  }
  // The SDK throws a plain Error when the token endpoint answers with a code (e.g. 10014, bad secret).
  const tokenFailure = /failed to get \w*access_token, code: (\d+)/.exec(e?.message ?? '');
  if (tokenFailure) {
    const code = Number(tokenFailure[1]);
    return { message: `Feishu refused the app credentials (code ${code})`, code, retryable: false, rateLimited: false, tokenInvalid: false };
  }
  // No response: network failure or timeout.
  const netCode = typeof e?.code === 'string' ? e.code : undefined;
  return {
    message: `Feishu unreachable${netCode ? ` (${netCode})` : ''}: ${e?.message ?? String(error)}`,
    retryable: true,
    rateLimited: false,
    tokenInvalid: false,
  };
}

export interface CallRunner {
  /** Runs one OpenAPI call with in-place retries; resolves to `data` of a `code: 0` answer. */
  <T extends Envelope>(what: string, call: () => Promise<T>): Promise<NonNullable<T['data']>>;
}

/** Shared retry loop: rate limits and transient failures are retried in place, then surfaced as `DeliveryError`. */
export function createCallRunner(feishu: FeishuClient, logger: pino.Logger, retry: RetryOptions = {}): CallRunner {
  const maxAttempts = Math.max(1, retry.maxAttempts ?? 3);
  const maxWaitMs = retry.maxWaitMs ?? 10_000;
  const baseDelayMs = retry.baseDelayMs ?? 500;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async <T extends Envelope>(what: string, call: () => Promise<T>) => {
    let tokenRefreshed = false;
    for (let attempt = 1; ; attempt++) {
      let failure: Failure;
      let cause: unknown;
      try {
        const body = await call();
        if (body && typeof body === 'object' && body.code === 0) return (body.data ?? {}) as NonNullable<T['data']>;
        failure = body && typeof body.code === 'number' ? classifyCode(body.code, body.msg) : { message: 'Feishu answered without a code', retryable: true, rateLimited: false, tokenInvalid: false };
      } catch (error) {
        cause = error;
        failure = classifyError(error);
      }
      if (failure.tokenInvalid && !tokenRefreshed) {
        tokenRefreshed = true;
        feishu.tokenCache.clear();
        attempt--;
        continue;
      }
      const delay = failure.retryAfterMs ?? Math.min(baseDelayMs * 2 ** (attempt - 1), maxWaitMs);
      const logFields = { call: what, attempt, code: failure.code, status: failure.status, retryable: failure.retryable };
      if (failure.retryable && attempt < maxAttempts && delay <= maxWaitMs) {
        logger.warn({ ...logFields, delayMs: delay }, 'feishu call failed, retrying');
        await sleep(delay);
        continue;
      }
      logger.warn(logFields, 'feishu call failed');
      const retryAfterMs = failure.retryable ? (failure.retryAfterMs ?? (failure.rateLimited ? delay : undefined)) : undefined;
      throw new DeliveryError(`${what}: ${failure.message}`, failure.retryable, retryAfterMs, failure.code, { cause });
    }
  };
}

/** Feishu's `uuid` takes at most 50 characters: longer keys are hashed (stable, so retries still de-duplicate). */
export function toFeishuUuid(idempotencyKey: string): string {
  if (idempotencyKey.length <= 50) return idempotencyKey;
  return `h-${createHash('sha256').update(idempotencyKey).digest('base64url')}`;
}

function toContent(body: MessageBody): { msg_type: string; content: string } {
  if (body.kind === 'card') return { msg_type: 'interactive', content: JSON.stringify(renderFeishuCard(body)) };
  return { msg_type: 'text', content: JSON.stringify({ text: body.text }) };
}

export interface FeishuMessenger extends Messenger {
  /** Downloads an image or file attached to a message (`im.messageResource.get`). */
  fetchResource(messageId: string, fileKey: string, type: 'image' | 'file'): Promise<Buffer>;
}

/** The Feishu `Messenger`: sends, replies and patches through the SDK with rate-limit handling. */
export function createFeishuMessenger(feishu: FeishuClient, logger: pino.Logger, retry: RetryOptions = {}): FeishuMessenger {
  const run = createCallRunner(feishu, logger, retry);
  const { client } = feishu;

  return {
    channel: 'feishu',

    async send(to: Recipient, body: MessageBody, idempotencyKey: string) {
      const payload = { ...toContent(body), uuid: toFeishuUuid(idempotencyKey) };
      const data =
        to.kind === 'reply'
          ? await run('im.message.reply', () => client.im.message.reply({ path: { message_id: to.messageId }, data: payload }))
          : await run('im.message.create', () =>
              client.im.message.create({
                params: { receive_id_type: to.kind === 'user' ? 'open_id' : 'chat_id' },
                data: { receive_id: to.id, ...payload },
              }),
            );
      if (typeof data.message_id !== 'string') throw new DeliveryError('Feishu returned no message_id', true);
      return { messageId: data.message_id };
    },

    async update(messageId: string, card: CardBody) {
      const content = JSON.stringify(renderFeishuCard(card));
      await run('im.message.patch', () => client.im.message.patch({ path: { message_id: messageId }, data: { content } }));
    },

    async fetchResource(messageId: string, fileKey: string, type: 'image' | 'file') {
      let buffer: Buffer = Buffer.alloc(0);
      await run('im.messageResource.get', async () => {
        try {
          const res = await client.im.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type } });
          buffer = await readAll(res.getReadableStream());
          return { code: 0, data: {} };
        } catch (error) {
          // With responseType 'stream' the error body is a stream too: parse it so the code is classified.
          const response = (error as { response?: { data?: unknown } }).response;
          if (response && isReadable(response.data)) {
            const text = (await readAll(response.data)).toString('utf8');
            try {
              response.data = JSON.parse(text);
            } catch {
              response.data = text;
            }
          }
          throw error;
        }
      });
      return buffer;
    },
  };
}

function isReadable(value: unknown): value is AsyncIterable<unknown> {
  return !!value && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function' && Symbol.asyncIterator in value;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
