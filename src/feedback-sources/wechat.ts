/**
 * Comments and figures of WeChat Official Account articles: `cgi-bin/comment/list` (keyed by the
 * `msg_data_id` the publisher recorded as step `wx_msg_data_id`, and the article index) and
 * `datacube/getarticletotaldetail` (from the day after the publishing day: WeChat serves figures up to
 * yesterday only, and 61501 "date range error" means none yet). The cursor is the `begin` offset of the next page: comments are
 * listed in the order they were written, so new ones appear after the offset.
 */
import { DateTime } from 'luxon';
import type { Clock } from '../ports/clock';
import { FeedbackSourceError, type CommentPage, type FeedbackPost, type FeedbackSource, type PostFigures } from '../ports/feedback';
import type { TokenCache } from '../publishers/token-cache';
import { WECHAT_TOKEN_CODES, WechatApiError, WechatTokenError, callWechatApi, wechatTokenCache } from '../publishers/wechat-token';
import { SourceHttp, count, field } from './http';

export interface WechatSourceOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  clock: Clock;
  /** The organisation's zone: datacube dates are local dates (default Asia/Shanghai, WeChat's own). */
  zone?: string;
  /** Comments per page; WeChat requires fewer than 50. */
  pageSize?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const DEFAULT_ZONE = 'Asia/Shanghai';
/** datacube: "date range error". */
const DATE_RANGE_ERROR = '61501';
const RETRYABLE_CODES = new Set([-1, 45009, 45011, 45035]);
const REASONS: Record<number, string> = {
  48001: '公众号没有留言管理接口的权限',
  88000: '该文章未开启留言',
  40013: 'AppID 无效',
  40125: 'AppSecret 无效',
  40164: '服务器 IP 不在公众号接口白名单中',
  61004: '服务器 IP 不在公众号接口白名单中',
};

export class WechatFeedbackSource implements FeedbackSource {
  readonly name = 'wechat';
  readonly hasComments = true;
  private readonly base: string;
  private readonly http: SourceHttp;
  private readonly tokens: TokenCache;
  private readonly pageSize: number;

  constructor(private readonly options: WechatSourceOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.http = new SourceHttp({ label: '公众号', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl });
    // One token cache per app in this process, shared with the publisher (stable_token).
    this.tokens = wechatTokenCache({
      appId: options.appId,
      appSecret: options.appSecret,
      baseUrl: this.base,
      clock: options.clock,
      post: async (json) => (await this.http.request({ method: 'POST', url: `${this.base}/cgi-bin/stable_token`, json })).body,
    });
    this.pageSize = Math.min(49, Math.max(1, options.pageSize ?? 49));
  }

  supports(post: FeedbackPost): boolean {
    return !!post.steps.wx_msg_data_id;
  }

  private ids(post: FeedbackPost) {
    const msgDataId = post.steps.wx_msg_data_id;
    if (!msgDataId) throw new FeedbackSourceError('发布记录中没有公众号 msg_data_id，无法读取留言', false, 'no_msg_data_id');
    return { msgDataId, index: Number(post.steps.wx_article_index ?? 0) || 0 };
  }

  async fetchComments(post: FeedbackPost, cursor: string | null): Promise<CommentPage> {
    const { msgDataId, index } = this.ids(post);
    const begin = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
    const body = await this.call('/cgi-bin/comment/list', { msg_data_id: Number(msgDataId), index, begin, count: this.pageSize, type: 0 });
    const list = field(body, 'comment');
    const comments = Array.isArray(list) ? list : [];
    const total = count(field(body, 'total')) ?? 0;
    const items = comments.flatMap((c: unknown) => {
      const id = field(c, 'user_comment_id');
      const content = field(c, 'content');
      if ((typeof id !== 'number' && typeof id !== 'string') || typeof content !== 'string') return [];
      const t = count(field(c, 'create_time'));
      return [{ externalId: `${msgDataId}:${index}:${id}`, text: content, createdAt: t !== undefined ? new Date(t * 1000) : this.options.clock.now() }];
    });
    const next = begin + comments.length;
    return { items, nextCursor: String(next), done: comments.length < this.pageSize || next >= total };
  }

  async fetchStats(post: FeedbackPost): Promise<PostFigures | null> {
    const { msgDataId, index } = this.ids(post);
    const zone = this.options.zone ?? DEFAULT_ZONE;
    const published = DateTime.fromJSDate(post.publishedAt, { zone }).startOf('day');
    const today = DateTime.fromJSDate(this.options.clock.now(), { zone }).startOf('day');
    // WeChat's datacube answers up to yesterday only (end_date "最大值为昨日"): no figures on the publishing day.
    if (!(published < today)) return null;
    const day = published.toFormat('yyyy-LL-dd');
    let body: unknown;
    try {
      body = await this.call('/datacube/getarticletotaldetail', { begin_date: day, end_date: day });
    } catch (e) {
      // 61501 date range error: the day is not (yet) available, e.g. just after midnight. Try again next time.
      if (e instanceof FeedbackSourceError && e.platformCode === DATE_RANGE_ERROR) return null;
      throw e;
    }
    const list = field(body, 'list');
    if (!Array.isArray(list)) return null;
    const entry = list.find((e: unknown) => field(e, 'msgid') === `${msgDataId}_${index + 1}`);
    const details = field(entry, 'detail_list');
    if (!Array.isArray(details) || details.length === 0) return null;
    // Figures are cumulative per stat_date: the latest day holds the totals.
    const latest = [...details].sort((a: unknown, b: unknown) => String(field(a, 'stat_date')).localeCompare(String(field(b, 'stat_date')))).at(-1);
    return {
      reads: count(field(latest, 'read_user')),
      likes: count(field(latest, 'like_user')) ?? count(field(latest, 'zaikan_user')),
      shares: count(field(latest, 'share_user')),
      comments: count(field(latest, 'comment_count')),
    };
  }

  /** Calls an API with the shared token (renewed once on an expiry code); every failure becomes a FeedbackSourceError. */
  private async call(path: string, json: unknown): Promise<unknown> {
    try {
      return await callWechatApi(this.tokens, async (token) => (await this.http.request({ method: 'POST', url: `${this.base}${path}`, query: { access_token: token }, json })).body);
    } catch (e) {
      if (e instanceof FeedbackSourceError) throw e;
      if (e instanceof WechatApiError) {
        if (e.errcode === null) throw new FeedbackSourceError('公众号接口返回了无法解析的错误码', true, 'malformed', { cause: e });
        throw this.error(e.errcode, e.errmsg);
      }
      if (e instanceof WechatTokenError) {
        if (e.errcode === null) throw new FeedbackSourceError('公众号没有返回 access_token', true, 'malformed', { cause: e });
        throw this.error(e.errcode, e.errmsg);
      }
      // An error classified by the other holder of the shared token cache (the publisher).
      const classified = e as { message?: unknown; retryable?: unknown; platformCode?: unknown };
      if (typeof classified?.retryable === 'boolean') {
        throw new FeedbackSourceError(String(classified.message), classified.retryable, typeof classified.platformCode === 'string' ? classified.platformCode : undefined, { cause: e });
      }
      throw e;
    }
  }

  private error(code: number, errmsg: string): FeedbackSourceError {
    const reason = REASONS[code] ?? `公众号接口错误：${errmsg || '未说明原因'}`;
    return new FeedbackSourceError(`${reason}（errcode=${code}）`, RETRYABLE_CODES.has(code) || WECHAT_TOKEN_CODES.has(code), String(code));
  }
}
