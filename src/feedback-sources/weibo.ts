/**
 * Comments on Weibo statuses: `GET /2/comments/show.json?id&since_id&max_id&count`; figures:
 * `GET /2/statuses/count.json?ids` (comments, reposts, attitudes of up to 100 statuses; deleted or
 * unknown ids are left out of the answer). Weibo lists the
 * newest first; the cursor keeps `since` (newest id already stored) and, while a round pages
 * backwards through more than one page of new comments, `max` (the next page's upper bound) and
 * `top` (the newest id of the round, which becomes `since` when the round ends). Ids are compared
 * as big integers. A service that answers oldest first is followed too (then `since` moves forward).
 */
import { systemClock, type Clock } from '../ports/clock';
import { FeedbackSourceError, type CommentPage, type FeedbackPost, type FeedbackSource, type PostFigures } from '../ports/feedback';
import { SourceHttp, count, field } from './http';

export interface WeiboSourceOptions {
  accessToken: string;
  baseUrl: string;
  /** Dates a comment whose `created_at` cannot be read (the collection time, as the WeChat source does); the system clock by default. */
  clock?: Clock;
  pageSize?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

interface WeiboCursor {
  since: string;
  max?: string;
  top?: string;
}

const RETRYABLE_CODES = new Set([10001, 10009, 10022, 10023, 10024]);
const REASONS: Record<number, string> = {
  21327: '微博授权已过期，需要重新授权',
  21332: '微博访问令牌无效，需要重新授权',
  20101: '微博已被删除',
  10023: '微博接口调用太频繁',
};

const big = (s: string): bigint => BigInt(s);
const maxId = (a: string | undefined, b: string): string => (a === undefined || big(b) > big(a) ? b : a);

function parseCursor(cursor: string | null): WeiboCursor {
  if (!cursor) return { since: '0' };
  try {
    const c = JSON.parse(cursor) as Partial<WeiboCursor>;
    const ok = (v: unknown) => typeof v === 'string' && /^\d+$/.test(v);
    return { since: ok(c.since) ? c.since! : '0', ...(ok(c.max) ? { max: c.max } : {}), ...(ok(c.top) ? { top: c.top } : {}) };
  } catch {
    return { since: '0' };
  }
}

/** Weibo's `created_at`, e.g. `Sun Nov 29 10:00:00 +0800 2026`. */
export function parseWeiboTime(s: unknown): Date | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(s.trim());
  if (m) {
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[1]);
    if (month >= 0) {
      const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
      return new Date(Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset * 60_000);
    }
  }
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export class WeiboFeedbackSource implements FeedbackSource {
  readonly name = 'weibo';
  readonly hasComments = true;
  private readonly base: string;
  private readonly http: SourceHttp;
  private readonly pageSize: number;

  constructor(private readonly options: WeiboSourceOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.http = new SourceHttp({ label: '微博', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl });
    this.pageSize = Math.min(200, Math.max(1, options.pageSize ?? 50));
  }

  supports(post: FeedbackPost): boolean {
    return !!post.externalId && /^\d+$/.test(post.externalId);
  }

  async fetchComments(post: FeedbackPost, cursor: string | null): Promise<CommentPage> {
    if (!this.supports(post)) throw new FeedbackSourceError('发布记录中没有微博 id', false, 'no_status_id');
    const c = parseCursor(cursor);
    const res = await this.http.request({
      method: 'GET',
      url: `${this.base}/2/comments/show.json`,
      query: { access_token: this.options.accessToken, id: post.externalId!, since_id: c.since, max_id: c.max, count: this.pageSize },
    });
    throwOnError(res.body);
    const raw = field(res.body, 'comments');
    const list = (Array.isArray(raw) ? raw : []).flatMap((x: unknown) => {
      const idstr = field(x, 'idstr') ?? field(x, 'id');
      const text = field(x, 'text');
      if ((typeof idstr !== 'string' && typeof idstr !== 'number') || !/^\d+$/.test(String(idstr)) || typeof text !== 'string') return [];
      const author = field(x, 'user', 'screen_name');
      return [{ id: String(idstr), text, author: typeof author === 'string' ? author : undefined, createdAt: parseWeiboTime(field(x, 'created_at')) }];
    });
    const fresh = list.filter((x) => big(x.id) > big(c.since) && (c.max === undefined || big(x.id) <= big(c.max)));
    const collectedAt = (this.options.clock ?? systemClock).now();
    const items = fresh.map((x) => ({ externalId: x.id, text: x.text, author: x.author, createdAt: x.createdAt ?? collectedAt }));
    const full = list.length >= this.pageSize && fresh.length > 0;
    let top = c.top;
    for (const x of fresh) top = maxId(top, x.id);
    if (!full) {
      return { items, nextCursor: JSON.stringify({ since: top ?? c.since }), done: true };
    }
    const newestFirst = list.length > 1 && big(list[0].id) > big(list[list.length - 1].id);
    if (newestFirst) {
      const lowest = fresh.reduce((a, x) => (big(x.id) < big(a) ? x.id : a), fresh[0].id);
      return { items, nextCursor: JSON.stringify({ since: c.since, max: String(big(lowest) - 1n), top }), done: false };
    }
    return { items, nextCursor: JSON.stringify({ since: top }), done: false };
  }

  /** `statuses/count`: reposts → shares, attitudes (表态) → likes, comments as Weibo counts them. Weibo has no read count here. */
  async fetchStats(post: FeedbackPost): Promise<PostFigures | null> {
    if (!this.supports(post)) return null;
    const res = await this.http.request({
      method: 'GET',
      url: `${this.base}/2/statuses/count.json`,
      query: { access_token: this.options.accessToken, ids: post.externalId! },
    });
    throwOnError(res.body);
    const list = Array.isArray(res.body) ? (res.body as unknown[]) : [];
    // Ids above 2^53 lose digits as JSON numbers: prefer `idstr`; one id was asked for, so a single entry is it.
    const entry = list.find((e) => String(field(e, 'idstr') ?? field(e, 'id')) === post.externalId) ?? (list.length === 1 ? list[0] : undefined);
    if (!entry) return null; // deleted, or not visible to this account
    return { shares: count(field(entry, 'reposts')), likes: count(field(entry, 'attitudes')), comments: count(field(entry, 'comments')) };
  }
}

/** Weibo errors come as `{error, error_code, request}` (HTTP 400/403 or 200). */
function throwOnError(body: unknown): void {
  const code = field(body, 'error_code');
  if (code === undefined) return;
  const n = Number(code);
  throw new FeedbackSourceError(`${REASONS[n] ?? `微博接口错误：${String(field(body, 'error') ?? '未说明原因')}`}（error_code=${n}）`, RETRYABLE_CODES.has(n), String(n));
}
