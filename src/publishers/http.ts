/**
 * A small HTTP helper shared by the platform publishers: global `fetch` with a time-out,
 * per-platform pacing, and classification of transport failures into `PublishError`.
 *
 * Platform-level errors (WeChat `errcode`, Weibo `error_code`, ...) are NOT classified here:
 * each publisher reads its own envelope. This helper only decides what the transport says:
 * time-out, connection lost, 5xx, 429, an answer that is not JSON.
 */
import type { MediaRef } from '../domain/model';
import type { Clock } from '../ports/clock';
import type { PublishJob, PublishResult } from '../ports/publisher';
import { PublishError } from '../ports/publisher';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A downloaded media file; the core supplies the downloader (Feishu image keys, URLs). */
export interface MediaFile {
  bytes: Buffer;
  contentType: string;
  name: string;
}
/**
 * Downloads a media file. `maxBytes`, when given, is the most the publisher can take: a downloader
 * that knows the size first (Content-Length, file size) should refuse a larger file without
 * downloading it; the publisher checks the size again after the download.
 */
export type FetchMedia = (ref: MediaRef, opts?: { maxBytes?: number }) => Promise<MediaFile>;

/** Told when credentials are expired, revoked or about to expire; the core announces it in the working-group chat. */
export interface CredentialProblem {
  platform: string;
  account?: string;
  /** Plain-Chinese reason. */
  reason: string;
  /** Known expiry, when the platform tells it. */
  expiresAt?: Date;
  platformCode?: string;
}
export type CredentialListener = (problem: CredentialProblem) => void;

/**
 * Keeps calls to one platform at least `minIntervalMs` apart, so bursts stay under the
 * platform's frequency limits. One pacer per platform, shared by its accounts.
 */
export class Pacer {
  private nextAt = 0;

  constructor(
    readonly minIntervalMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  async wait(): Promise<void> {
    const now = this.clock.now().getTime();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.minIntervalMs;
    if (at > now) await this.sleep(at - now);
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** Multipart (FormData) or `application/x-www-form-urlencoded` (URLSearchParams). */
  form?: FormData | URLSearchParams;
  headers?: Record<string, string>;
  /** Overrides the client's time-out for this request (uploads: `uploadTimeoutMs`). */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

export interface PlatformHttpOptions {
  /** Plain-Chinese name used in messages, e.g. `公众号`. */
  label: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  pacer?: Pacer;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class PlatformHttp {
  private readonly label: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly pacer?: Pacer;

  constructor(options: PlatformHttpOptions) {
    this.label = options.label;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.pacer = options.pacer;
  }

  /**
   * Sends one request. Resolves with the parsed JSON for 2xx and for 4xx answers that carry a
   * JSON body (platforms put their error codes there); throws a retryable `PublishError` for
   * time-outs, lost connections, 5xx, 429 and malformed answers, a final one for other 4xx.
   */
  async request(req: HttpRequest): Promise<HttpAnswer> {
    if (this.pacer) await this.pacer.wait();
    const url = withQuery(req.url, req.query);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    let body: string | FormData | URLSearchParams | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      body = req.form;
    }
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, { method: req.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (e) {
      if (isTimeout(e)) {
        throw new PublishError(`${this.label}接口超时（${timeoutMs} 毫秒无应答）`, true, 'timeout', { cause: e });
      }
      throw new PublishError(`${this.label}接口连接中断：${describe(e)}`, true, 'network', { cause: e });
    }
    if (res.status === 429) {
      throw new PublishError(`${this.label}接口调用太频繁（HTTP 429），稍后重试`, true, 'http_429');
    }
    if (res.status >= 500) {
      throw new PublishError(`${this.label}服务暂时不可用（HTTP ${res.status}）`, true, `http_${res.status}`);
    }
    let parsed: unknown;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch (e) {
      if (res.status >= 400) {
        throw new PublishError(`${this.label}接口拒绝了请求（HTTP ${res.status}）`, false, `http_${res.status}`, { cause: e });
      }
      throw new PublishError(`${this.label}接口返回了无法解析的内容`, true, 'malformed', { cause: e });
    }
    if (parsed === null || typeof parsed !== 'object') {
      if (res.status >= 400) throw new PublishError(`${this.label}接口拒绝了请求（HTTP ${res.status}）`, false, `http_${res.status}`);
      throw new PublishError(`${this.label}接口返回了无法解析的内容`, true, 'malformed');
    }
    return { status: res.status, body: parsed };
  }
}

export function withQuery(url: string, query?: Record<string, string | number | undefined>): string {
  if (!query) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

// Errors from fetch may come from another realm (DOMException, undici): no `instanceof Error`.
function errorLike(e: unknown): { name?: unknown; message?: unknown; cause?: unknown } | undefined {
  return e !== null && typeof e === 'object' ? (e as { name?: unknown; message?: unknown; cause?: unknown }) : undefined;
}

function isTimeout(e: unknown): boolean {
  const name = errorLike(e)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function describe(e: unknown): string {
  const err = errorLike(e);
  const causeMessage = errorLike(err?.cause)?.message;
  if (typeof causeMessage === 'string' && causeMessage) return causeMessage;
  return typeof err?.message === 'string' ? err.message : String(e);
}

/**
 * True when a failed request may still have been carried out by the platform (time-out, lost
 * connection, 500/502/504, unreadable answer): the result must be looked up before trying again.
 * A platform error code, 429 and 503 (service unavailable: the request was not taken) are a
 * definite "not done".
 */
export function outcomeUnknown(e: unknown): boolean {
  if (!(e instanceof PublishError)) return true;
  const code = e.platformCode ?? '';
  return code === 'timeout' || code === 'network' || code === 'malformed' || (/^http_5\d\d$/.test(code) && code !== 'http_503');
}

/** How long a post-creating call with an unknown outcome is looked for before creating again (30 min). */
export const DEFAULT_RECONCILE_WINDOW_MS = 30 * 60_000;

/**
 * After a post-creating call whose outcome is unknown (time-out, lost answer, "accepted but slow")
 * and whose post is not in the account's list yet: `pending` while the intent marker is younger
 * than the reconcile window (the core calls `publish` again after its poll interval without using
 * up an attempt, and the next call looks again), undefined once the window is over (create again).
 */
export function reconcilePending(label: string, marker: string, now: Date, windowMs = DEFAULT_RECONCILE_WINDOW_MS): PublishResult | undefined {
  const startedAt = Date.parse(marker);
  if (Number.isNaN(startedAt) || now.getTime() - startedAt >= windowMs) return undefined;
  const left = Math.ceil((startedAt + windowMs - now.getTime()) / 60_000);
  return { status: 'pending', note: `${label}发布结果待确认：上次提交后未收到明确答复，稍后再到账号列表中核对（最多再等 ${left} 分钟），避免重复发布` };
}

/** Reads a field of an untyped JSON object. */
export function field(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** A required string (or number) field; a missing one is a malformed answer, retried. */
export function requireString(obj: unknown, label: string, ...path: (string | number)[]): string {
  const v = field(obj, ...path);
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new PublishError(`${label}接口返回缺少字段 ${path.join('.')}`, true, 'malformed');
}

/**
 * The steps recorded for a job. An empty value means "cleared" (a later attempt must redo the
 * step), because the core offers `recordStep` but no delete.
 */
export class StepLog {
  private readonly values: Record<string, string>;

  constructor(private readonly job: PublishJob) {
    this.values = { ...job.steps };
  }

  get(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined || v === '' ? undefined : v;
  }

  async record(name: string, value: string): Promise<void> {
    await this.job.recordStep(name, value);
    this.values[name] = value;
  }

  async clear(...names: string[]): Promise<void> {
    for (const name of names) if (this.get(name) !== undefined) await this.record(name, '');
  }

  /** Runs `run` once: returns the recorded value if the step completed earlier. */
  async once(name: string, run: () => Promise<string>): Promise<string> {
    const done = this.get(name);
    if (done !== undefined) return done;
    const value = await run();
    await this.record(name, value);
    return value;
  }
}

/** Turns a media file into a multipart part (the Blob keeps one copy; the Buffer is not copied first). */
export function filePart(file: MediaFile): Blob {
  const type = file.contentType || 'application/octet-stream';
  const bytes = file.bytes;
  // A Buffer over a plain ArrayBuffer is a valid BlobPart as is; only one over shared memory needs a copy.
  if (bytes.buffer instanceof ArrayBuffer) return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  return new Blob([new Uint8Array(bytes)], { type });
}

/** Upload time-out: the base time-out plus `perMbMs` for every MB sent, at most `maxMs`. */
export const UPLOAD_TIMEOUT_PER_MB_MS = 1000;
export const UPLOAD_TIMEOUT_MAX_MS = 20 * 60_000;
export function uploadTimeoutMs(bytes: number, baseMs = DEFAULT_TIMEOUT_MS, perMbMs = UPLOAD_TIMEOUT_PER_MB_MS, maxMs = UPLOAD_TIMEOUT_MAX_MS): number {
  return Math.min(Math.max(baseMs, maxMs), baseMs + Math.round((bytes / (1024 * 1024)) * perMbMs));
}

/**
 * Largest video a publisher holds in memory for a single-request upload, whatever the platform
 * allows (Kuaishou documents 4 GB): larger ones go to the manual path.
 */
export const IN_MEMORY_VIDEO_MAX_BYTES = 1024 * 1024 * 1024;

/** Final error for a video over the cap: a person publishes it. */
export function videoTooLarge(label: string, maxBytes: number, file?: MediaFile): PublishError {
  const mb = Math.floor(maxBytes / (1024 * 1024));
  const detail = file ? `：${file.name}（${formatBytes(file.bytes.length)}）` : '';
  return new PublishError(`${label}视频超过 ${mb} MB${detail}，请人工发布`, false, 'video_too_large');
}

/** Downloads a video with the cap, and checks the cap again on what arrived. */
export async function fetchVideo(fetchMedia: FetchMedia, ref: MediaRef, label: string, maxBytes: number): Promise<MediaFile> {
  const file = await fetchMedia(ref, { maxBytes });
  if (file.bytes.length > maxBytes) throw videoTooLarge(label, maxBytes, file);
  return file;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.ceil(n / 1024)} KB`;
}
