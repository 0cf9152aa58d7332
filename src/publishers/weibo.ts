/**
 * Weibo publisher: `statuses/share` (the only write API open to ordinary apps) with the text
 * within the limit, the required link on the app's bound (safe) domain, and one picture.
 *
 * Steps: wb_share_at (marker written just before statuses/share), wb_share_since (when the first
 * unconfirmed share started, kept when sharing again), wb_repeat_at, wb_status_id, wb_url.
 * If a crash, a time-out, a lost answer or "accepted but slow" (20032) leaves the marker without a
 * status id, the publisher looks for the status in statuses/user_timeline and keeps looking (answering
 * `pending`) for the reconcile window (default 30 min) before sharing again; a share that Weibo refuses
 * as repeated content (20019) after such a share is looked for again later, once. So a retry never
 * posts twice.
 *
 * The access token is an OAuth grant made by a person: it cannot be renewed here. An expired
 * or revoked grant is a final failure announced at once; a known expiry (WEIBO_TOKEN_EXPIRES_AT,
 * or `oauth2/get_token_info`) lets the core warn days ahead.
 */
import { PLATFORM_LIMITS, type PlatformLimits } from '../domain/platform-limits';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import type { Publisher, PublishJob, PublishResult } from '../ports/publisher';
import { PublishError } from '../ports/publisher';
import { parseDraftBody, plainText } from './article-html';
import {
  type CredentialListener,
  DEFAULT_RECONCILE_WINDOW_MS,
  type FetchMedia,
  type Pacer,
  PlatformHttp,
  StepLog,
  field,
  filePart,
  formatBytes,
  outcomeUnknown,
  reconcilePending,
  requireString,
  uploadTimeoutMs,
} from './http';
import { type GrantContext, TokenCache, fixedTokenSource, grantExpired } from './token-cache';

export const WEIBO_DEFAULT_BASE_URL = 'https://api.weibo.com';

export interface WeiboOptions {
  accessToken: string;
  /** Default `https://api.weibo.com`. */
  baseUrl?: string;
  account?: string;
  /** A URL on the app's bound safe domain, appended when the text carries no link (Weibo requires one). */
  linkUrl?: string;
  /** When the OAuth grant expires, if known. */
  tokenExpiresAt?: Date;
  /** The operator's real IP, reported as `rip` (optional). */
  rip?: string;
  fetchMedia: FetchMedia;
  clock?: Clock;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  pacer?: Pacer;
  onCredentialProblem?: CredentialListener;
  limits?: PlatformLimits;
  /** How long a share with an unknown outcome is looked for in the timeline before sharing again (default 30 min). */
  reconcileWindowMs?: number;
}

/** System errors and frequency limits: retry later. 20032 = accepted, server slow (look it up later). */
const RETRYABLE = new Set([10001, 10002, 10009, 10022, 10023, 10024, 20016, 20032]);
/** Grant expired, revoked or invalid: a person must re-authorise. */
const GRANT = new Set([21301, 21314, 21315, 21316, 21317, 21319, 21327, 21332]);

const REASONS: Record<number, string> = {
  10001: '微博系统错误',
  10002: '微博服务暂停',
  10009: '微博任务过多，系统繁忙',
  10014: '应用没有该接口的权限',
  10017: '微博拒绝了正文参数（需包含绑定安全域名的链接）',
  10022: '微博接口 IP 请求频次超过上限',
  10023: '微博接口用户请求频次超过上限',
  10024: '微博接口用户请求该接口的频次超过上限',
  20006: '微博配图太大',
  20012: '微博正文超过字数上限',
  20016: '发微博太多太快',
  20017: '微博内容与近期内容相似',
  20018: '微博正文包含非法网址',
  20019: '相同内容短时间内不能重复发布',
  20020: '微博正文包含广告信息',
  20021: '微博内容包含违规信息，被平台拒绝',
  20032: '微博已接收，服务器较慢，稍后确认',
};

/** Weibo's count: a CJK (or other wide) character is 1, two ASCII characters are 1. */
export function weiboLength(s: string): number {
  let half = 0;
  for (const ch of s) half += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return Math.ceil(half / 2);
}

const URL_IN_TEXT = /https?:\/\/\S+/;

export class WeiboPublisher implements Publisher {
  readonly name = 'weibo';
  readonly platform = 'weibo' as const;
  readonly account?: string;
  private readonly base: string;
  private readonly http: PlatformHttp;
  private readonly tokens: TokenCache;
  private readonly clock: Clock;
  private readonly limits: PlatformLimits;
  private readonly grant: GrantContext;
  private readonly windowMs: number;

  constructor(private readonly options: WeiboOptions) {
    this.windowMs = options.reconcileWindowMs ?? DEFAULT_RECONCILE_WINDOW_MS;
    this.account = options.account;
    this.base = (options.baseUrl ?? WEIBO_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? PLATFORM_LIMITS.weibo;
    this.http = new PlatformHttp({ label: '微博', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl, pacer: options.pacer });
    this.grant = { platform: 'weibo', account: options.account, label: '微博', clock: this.clock, onCredentialProblem: options.onCredentialProblem };
    this.tokens = new TokenCache(fixedTokenSource(options.accessToken, options.tokenExpiresAt, this.grant), this.clock, 0);
  }

  /** The status text: 【title】 + body as plain text + the required link; refused when over the limit. */
  composeStatus(job: Pick<PublishJob, 'title' | 'body'>): string {
    const body = plainText(parseDraftBody(job.body)).replace(/\n{2,}/g, '\n');
    let text = job.title.trim() ? `【${job.title.trim()}】${body}` : body;
    if (this.limits.linkRequired !== false && !URL_IN_TEXT.test(text)) {
      if (!this.options.linkUrl) {
        throw new PublishError('微博要求正文包含绑定安全域名的链接：稿件没有链接，也未配置 WEIBO_LINK_URL', false, 'link_missing');
      }
      text = `${text} ${this.options.linkUrl}`;
    }
    const len = weiboLength(text);
    if (len > this.limits.bodyMax) {
      throw new PublishError(`微博正文超过 ${this.limits.bodyMax} 字（含链接共 ${len} 字），请缩短后重新提交`, false, 'text_too_long');
    }
    return text;
  }

  async publish(job: PublishJob): Promise<PublishResult> {
    const steps = new StepLog(job);
    const done = steps.get('wb_status_id');
    if (done) return { status: 'published', url: steps.get('wb_url'), externalId: done };
    const status = this.composeStatus(job);

    // An earlier share whose outcome is unknown (time-out, lost answer, 20032): look for it, and
    // keep looking for the reconcile window before sharing again.
    const earlier = steps.get('wb_share_at');
    if (earlier) {
      const found = await this.findShared(status, steps.get('wb_share_since') ?? earlier);
      if (found) return this.record(steps, found);
      const wait = reconcilePending('微博', earlier, this.clock.now(), this.windowMs);
      if (wait) return wait;
    }
    const picRef = job.media.find((m) => m.kind === 'image');
    const pic = picRef ? await this.options.fetchMedia(picRef, { maxBytes: this.limits.imageBytesMax }) : undefined;
    if (pic && this.limits.imageTypes && !this.limits.imageTypes.includes(pic.contentType.split(';')[0]!.trim().toLowerCase())) {
      throw new PublishError(`微博配图只支持 JPG/PNG/GIF：${pic.name}（${pic.contentType || '未知格式'}）`, false, 'image_type');
    }
    if (pic && pic.bytes.length > this.limits.imageBytesMax) {
      throw new PublishError(`微博配图须不超过 ${formatBytes(this.limits.imageBytesMax)}：${pic.name}（${formatBytes(pic.bytes.length)}）`, false, 'image_too_large');
    }

    // The look-ups must still find the first share: keep when it started.
    if (earlier && !steps.get('wb_share_since')) await steps.record('wb_share_since', earlier);
    const marker = this.clock.now().toISOString();
    await steps.record('wb_share_at', marker);
    const since = steps.get('wb_share_since') ?? marker;
    const token = await this.tokens.get();
    const form = new FormData();
    form.append('access_token', token);
    form.append('status', status);
    if (this.options.rip) form.append('rip', this.options.rip);
    if (pic) form.append('pic', filePart(pic), pic.name || 'pic.jpg');
    let res: unknown;
    try {
      res = await this.call('/2/statuses/share.json', form, undefined, uploadTimeoutMs(pic?.bytes.length ?? 0, this.options.timeoutMs));
    } catch (e) {
      const code = e instanceof PublishError ? e.platformCode : undefined;
      if (code === '20032') {
        // Accepted, server slow: the status shows up later. Look now, then keep looking.
        const found = await this.findShared(status, since);
        if (found) return this.record(steps, found);
        return reconcilePending('微博', marker, this.clock.now(), this.windowMs) ?? { status: 'pending', note: '微博已接收，服务器较慢，稍后核对' };
      }
      if (code === '20019') {
        // Repeated content: it may be our own earlier share, live but not shown yet.
        const found = await this.findShared(status, since);
        if (found) return this.record(steps, found);
        if (earlier && !steps.get('wb_repeat_at')) {
          await steps.record('wb_repeat_at', marker);
          return { status: 'pending', note: '微博提示内容重复：上次提交的微博可能尚未显示，稍后再核对，避免重复发布' };
        }
        if (earlier) {
          await steps.record('wb_share_at', earlier);
          throw new PublishError('微博提示内容重复，但账号最近的微博中仍找不到本条：请到微博人工核对是否已发出（error_code=20019）', false, '20019', { cause: e });
        }
      }
      if (!outcomeUnknown(e)) {
        // A definite "no" for this share. An earlier share's outcome is still unknown: keep its marker.
        if (earlier) await steps.record('wb_share_at', earlier);
        else await steps.clear('wb_share_at');
      }
      throw e;
    }
    return this.record(steps, res);
  }

  /** Deletes a published status (statuses/destroy); `externalId` is the status id. */
  async takedown(externalId: string): Promise<void> {
    const form = new FormData();
    form.append('access_token', await this.tokens.get());
    form.append('id', externalId);
    await this.call('/2/statuses/destroy.json', form);
  }

  /** The configured expiry of the grant, if known (see also `tokenExpiresAt()`). */
  grantExpiresAt(): Date | undefined {
    return this.options.tokenExpiresAt;
  }

  /** Asks Weibo when the grant expires (`oauth2/get_token_info`), for warnings ahead of time. */
  async tokenExpiresAt(): Promise<Date | undefined> {
    const form = new FormData();
    form.append('access_token', await this.tokens.get());
    const res = await this.call('/oauth2/get_token_info', form);
    const expireIn = Number(field(res, 'expire_in'));
    return Number.isFinite(expireIn) ? new Date(this.clock.now().getTime() + expireIn * 1000) : this.options.tokenExpiresAt;
  }

  private async record(steps: StepLog, status: unknown): Promise<PublishResult> {
    const id = requireString(status, '微博', 'idstr');
    const uid = field(status, 'user', 'idstr') ?? field(status, 'user', 'id');
    const url = uid !== undefined ? `https://weibo.com/${String(uid)}/${id}` : undefined;
    if (url) await steps.record('wb_url', url);
    await steps.record('wb_status_id', id);
    return { status: 'published', url, externalId: id };
  }

  /** Our status among the account's latest ones, posted after the marker (2 minutes of clock slack). */
  private async findShared(text: string, since: string): Promise<unknown> {
    const token = await this.tokens.get();
    const res = await this.call('/2/statuses/user_timeline.json', undefined, { access_token: token, count: 20, trim_user: 0 });
    const statuses = field(res, 'statuses');
    if (!Array.isArray(statuses)) throw new PublishError('微博接口返回缺少字段 statuses', true, 'malformed');
    const sinceMs = Date.parse(since) - 120_000;
    // Multipart turns "\n" into "\r\n" on the wire, and Weibo may shorten links: compare the opening words.
    const flat = (t: string) => t.replace(/\s+/g, ' ');
    const head = Array.from(flat(text.replace(URL_IN_TEXT, ''))).slice(0, 30).join('').trim();
    return statuses.find((s) => {
      const raw = field(s, 'text');
      const t = typeof raw === 'string' ? flat(raw) : undefined;
      const created = Date.parse(String(field(s, 'created_at') ?? ''));
      return typeof t === 'string' && t.includes(head) && (Number.isNaN(created) || created >= sinceMs);
    });
  }

  private async call(path: string, form?: FormData, query?: Record<string, string | number>, timeoutMs?: number): Promise<unknown> {
    const res = await this.http.request({ method: form ? 'POST' : 'GET', url: `${this.base}${path}`, form, query, timeoutMs });
    const code = field(res.body, 'error_code');
    if (code === undefined && res.status < 400) return res.body;
    const n = Number(code);
    const msg = String(field(res.body, 'error') ?? '');
    if (GRANT.has(n)) throw grantExpired(this.grant, `error_code=${n}`, String(n));
    const reason = REASONS[n] ?? `微博接口错误：${msg || `HTTP ${res.status}`}`;
    throw new PublishError(`${reason}（error_code=${Number.isNaN(n) ? '无' : n}）`, RETRYABLE.has(n), Number.isNaN(n) ? `http_${res.status}` : String(n));
  }
}
