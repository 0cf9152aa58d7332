/**
 * The transport of the feedback sources: global `fetch` with a time-out; transport failures
 * (time-out, lost connection, 5xx, 429, an answer that is not JSON) become retryable
 * `FeedbackSourceError`s. Platform error codes in the body are read by each source.
 */
import { FeedbackSourceError } from '../ports/feedback';

export interface SourceHttpOptions {
  /** Plain-Chinese platform name for messages, e.g. `公众号`. */
  label: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export const DEFAULT_SOURCE_TIMEOUT_MS = 15_000;

export class SourceHttp {
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SourceHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  /** Resolves with the parsed JSON of 2xx answers and of 4xx answers that carry JSON (platform error codes). */
  async request(req: { method: 'GET' | 'POST'; url: string; query?: Record<string, string | number | undefined>; json?: unknown }): Promise<{ status: number; body: unknown }> {
    const label = this.options.label;
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method: req.method,
        headers: req.json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new FeedbackSourceError(timeout ? `${label}接口超时（${this.timeoutMs} 毫秒无应答）` : `${label}接口连接失败`, true, timeout ? 'timeout' : 'network', { cause: e });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) throw new FeedbackSourceError(`${label}接口暂时不可用（HTTP ${res.status}）`, true, `http_${res.status}`);
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new FeedbackSourceError(res.ok ? `${label}接口返回了无法解析的内容` : `${label}接口拒绝了请求（HTTP ${res.status}）`, res.ok, res.ok ? 'malformed' : `http_${res.status}`);
    }
    return { status: res.status, body };
  }
}

/** Reads `obj.a.b…` without trusting the shape. */
export function field(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** A finite non-negative number, or undefined. */
export function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
