/**
 * Douyin publisher: upload then create, for drafts that carry a video (video/upload ->
 * create_video) or images (upload_image -> create_image_text). Publishing through the open
 * platform is restricted to enterprise/government apps holding the `video.create` grant, and
 * every post must be user-initiated: the approval tap in the chat is that initiation.
 *
 * Envelope: `{data:{error_code, description, ...}, extra:{logid, ...}}`, error_code 0 = ok.
 *
 * Steps: dy_video_id | dy_img:<key>, dy_create_at (marker), dy_create_since, dy_item_id.
 * A marker without an item id (crash, lost answer, time-out) is looked up in the account's video
 * list; while it is not there and the marker is younger than the reconcile window (default 30 min)
 * `publish` answers `pending` and looks again next time. After the window the uploads are redone
 * (Douyin wants a fresh video_id for each create) and the post is created once.
 */
import type { MediaRef } from '../domain/model';
import { PLATFORM_LIMITS, type PlatformLimits } from '../domain/platform-limits';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import type { Publisher, PublishJob, PublishResult } from '../ports/publisher';
import { PublishError } from '../ports/publisher';
import { charLength, parseDraftBody, plainText } from './article-html';
import {
  type CredentialListener,
  DEFAULT_RECONCILE_WINDOW_MS,
  type FetchMedia,
  type Pacer,
  PlatformHttp,
  StepLog,
  fetchVideo,
  field,
  filePart,
  formatBytes,
  outcomeUnknown,
  reconcilePending,
  requireString,
  uploadTimeoutMs,
} from './http';
import { type GrantContext, type OAuthTokens, TokenCache, type TokenSource, type TokenStore, grantExpired, oauthTokens } from './token-cache';

export const DOUYIN_DEFAULT_BASE_URL = 'https://open.douyin.com';

/** API paths (PLATFORMS.md / open.douyin.com docs); overridable because Douyin moves them between versions. */
export const DOUYIN_PATHS = {
  uploadVideo: '/video/upload/',
  uploadImage: '/image/upload/',
  createVideo: '/api/douyin/v1/video/create_video/',
  createImageText: '/api/douyin/v1/video/create_image_text/',
  videoList: '/api/douyin/v1/video/video_list/',
};

export interface DouyinOptions {
  accessToken: string;
  openId: string;
  /** Default `https://open.douyin.com`. */
  baseUrl?: string;
  account?: string;
  /** When the OAuth grant expires, if known (access tokens last 15 days). */
  tokenExpiresAt?: Date;
  /**
   * Renews the access token with the refresh token (`/oauth/refresh_token/`); without it an
   * expired token is announced for re-authorisation. The refresh token itself lasts 30 days.
   */
  refresh?: { clientKey: string; refreshToken: string; refreshTokenExpiresAt?: Date; store?: TokenStore };
  /** Custom token source (tests, or a token service); takes precedence over `refresh`. */
  tokenSource?: TokenSource;
  fetchMedia: FetchMedia;
  clock?: Clock;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  pacer?: Pacer;
  onCredentialProblem?: CredentialListener;
  limits?: PlatformLimits;
  paths?: Partial<typeof DOUYIN_PATHS>;
  /** Single-request upload limit; larger videos need chunked upload (manual path). Default 128 MB. */
  videoBytesMax?: number;
  /** How long a create with an unknown outcome is looked for in the video list before creating again (default 30 min). */
  reconcileWindowMs?: number;
}

/** Token expired / invalid, scope not granted: a person must re-authorise. */
const GRANT = new Set([2190002, 2190008, 2190015, 28001003, 28001008]);
/** System busy, server error, frequency limit. */
const RETRYABLE = new Set([2100004, 2100002, 2190016, 28001017]);

const REASONS: Record<number, string> = {
  2100004: '抖音系统繁忙',
  2100005: '抖音接口参数错误',
  2100007: '无权限操作（账号未授权该能力）',
  2100009: '抖音账号被限制使用该操作',
  2190004: '应用未获得抖音发布能力（需企业或政务应用开通）',
  2190016: '抖音接口调用太频繁',
  2110001: '视频审核未通过',
  2110002: '视频格式或时长不符合要求',
};

export class DouyinPublisher implements Publisher {
  readonly name = 'douyin';
  readonly platform = 'douyin' as const;
  readonly account?: string;
  private readonly base: string;
  private readonly http: PlatformHttp;
  private readonly tokens: TokenCache;
  private readonly clock: Clock;
  private readonly limits: PlatformLimits;
  private readonly grant: GrantContext;
  private readonly paths: typeof DOUYIN_PATHS;
  private readonly oauth: OAuthTokens;

  constructor(private readonly options: DouyinOptions) {
    this.paths = { ...DOUYIN_PATHS, ...options.paths };
    this.account = options.account;
    this.base = (options.baseUrl ?? DOUYIN_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? PLATFORM_LIMITS.douyin;
    this.http = new PlatformHttp({ label: '抖音', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl, pacer: options.pacer });
    const r = options.refresh;
    this.oauth = oauthTokens({
      grant: { platform: 'douyin', account: options.account, label: '抖音', clock: this.clock, onCredentialProblem: options.onCredentialProblem },
      accessToken: options.accessToken,
      tokenExpiresAt: options.tokenExpiresAt,
      tokenSource: options.tokenSource,
      refresh: r && { refreshToken: r.refreshToken, refreshTokenExpiresAt: r.refreshTokenExpiresAt, store: r.store, storeKey: `douyin:${options.account ?? ''}:${options.openId}`, renew: (rt) => this.refreshGrant(r.clientKey, rt) },
    });
    this.grant = this.oauth.grant;
    this.tokens = this.oauth.tokens;
  }

  /** When the grant a person must renew expires, if known: the refresh token's, else the access token's. */
  grantExpiresAt(): Date | undefined {
    return this.oauth.grantExpiresAt();
  }

  private async refreshGrant(clientKey: string, refreshToken: string) {
    const form = new URLSearchParams({ client_key: clientKey, grant_type: 'refresh_token', refresh_token: refreshToken });
    const res = await this.http.request({ method: 'POST', url: `${this.base}/oauth/refresh_token/`, form });
    const code = Number(field(res.body, 'data', 'error_code') ?? 0);
    if (code !== 0) {
      if (RETRYABLE.has(code)) throw new PublishError(`抖音刷新授权暂时失败（error_code=${code}）`, true, String(code));
      throw grantExpired(this.grant, `刷新令牌失效，error_code=${code}`, String(code), this.oauth.refreshing?.refreshTokenExpiresAt());
    }
    return {
      accessToken: requireString(res.body, '抖音', 'data', 'access_token'),
      expiresInSec: Number(field(res.body, 'data', 'expires_in') ?? 1296000),
      refreshToken: (field(res.body, 'data', 'refresh_token') as string | undefined) || undefined,
      refreshExpiresInSec: Number(field(res.body, 'data', 'refresh_expires_in')) || undefined,
    };
  }

  async publish(job: PublishJob): Promise<PublishResult> {
    const steps = new StepLog(job);
    const done = steps.get('dy_item_id');
    if (done) return { status: 'published', url: steps.get('dy_share_url'), externalId: done };

    const video = job.media.find((m) => m.kind === 'video');
    const images = job.media.filter((m) => m.kind === 'image');
    if (!video && !images.length) throw new PublishError('抖音发布需要视频或图片，稿件没有（请走人工发布或补充素材）', false, 'media_missing');
    if (!video && images.length > this.limits.imagesMax) throw new PublishError(`抖音图文最多 ${this.limits.imagesMax} 张图片`, false, 'too_many_images');
    const text = this.caption(job);

    const marker = steps.get('dy_create_at');
    if (marker) {
      const since = steps.get('dy_create_since') ?? marker;
      const found = await this.findCreated(text, since);
      if (found) return this.record(steps, found);
      // Not there yet: it may still show up (the list lags); keep looking for the reconcile window.
      const wait = reconcilePending('抖音', marker, this.clock.now(), this.options.reconcileWindowMs ?? DEFAULT_RECONCILE_WINDOW_MS);
      if (wait) return wait;
      // Still not there: the create never happened. Douyin wants fresh uploads for a new create;
      // later look-ups still cover the first create.
      if (!steps.get('dy_create_since')) await steps.record('dy_create_since', marker);
      await steps.clear('dy_create_at', 'dy_video_id', ...images.map((m) => `dy_img:${m.key}`));
    }

    let create: () => Promise<unknown>;
    if (video) {
      const videoId = await steps.once('dy_video_id', () => this.uploadVideo(video));
      create = () => this.call(this.paths.createVideo, { json: { video_id: videoId, text } });
    } else {
      const imageIds: string[] = [];
      for (const img of images) imageIds.push(await steps.once(`dy_img:${img.key}`, () => this.uploadImage(img)));
      create = () => this.call(this.paths.createImageText, { json: { image_list: imageIds.map((image_id) => ({ image_id })), text } });
    }
    await steps.record('dy_create_at', this.clock.now().toISOString());
    let created: unknown;
    try {
      created = await create();
    } catch (e) {
      if (!outcomeUnknown(e)) await steps.clear('dy_create_at');
      throw e;
    }
    return this.record(steps, field(created, 'data'));
  }

  /** Title and body as plain text, refused when over the platform's limit. */
  caption(job: Pick<PublishJob, 'title' | 'body'>): string {
    const body = plainText(parseDraftBody(job.body)).replace(/\n{2,}/g, '\n');
    const title = job.title.trim();
    if (this.limits.titleMax !== null && charLength(title) > this.limits.titleMax) {
      throw new PublishError(`抖音标题超过 ${this.limits.titleMax} 字（现 ${charLength(title)} 字）`, false, 'title_too_long');
    }
    const text = title ? `${title}\n${body}` : body;
    if (charLength(text) > this.limits.bodyMax) {
      throw new PublishError(`抖音文案超过 ${this.limits.bodyMax} 字（现 ${charLength(text)} 字）`, false, 'text_too_long');
    }
    return text;
  }

  private async uploadVideo(ref: MediaRef): Promise<string> {
    const max = this.options.videoBytesMax ?? this.limits.videoBytesMax ?? 128 * 1024 * 1024;
    const file = await fetchVideo(this.options.fetchMedia, ref, '抖音', max);
    const form = new FormData();
    form.append('video', filePart(file), file.name || 'video.mp4');
    const res = await this.call(this.paths.uploadVideo, { form, timeoutMs: uploadTimeoutMs(file.bytes.length, this.options.timeoutMs) });
    return requireString(res, '抖音', 'data', 'video', 'video_id');
  }

  private async uploadImage(ref: MediaRef): Promise<string> {
    const file = await this.options.fetchMedia(ref, { maxBytes: this.limits.imageBytesMax });
    if (file.bytes.length > this.limits.imageBytesMax) {
      throw new PublishError(`抖音图片超过 ${formatBytes(this.limits.imageBytesMax)}：${file.name}`, false, 'image_too_large');
    }
    const form = new FormData();
    form.append('image', filePart(file), file.name || 'image.jpg');
    const res = await this.call(this.paths.uploadImage, { form, timeoutMs: uploadTimeoutMs(file.bytes.length, this.options.timeoutMs) });
    return requireString(res, '抖音', 'data', 'image', 'image_id');
  }

  private async record(steps: StepLog, data: unknown): Promise<PublishResult> {
    const itemId = requireString(data, '抖音', 'item_id');
    const share = field(data, 'share_url');
    if (typeof share === 'string' && share) await steps.record('dy_share_url', share);
    await steps.record('dy_item_id', itemId);
    return { status: 'published', url: typeof share === 'string' && share ? share : undefined, externalId: itemId };
  }

  private async findCreated(text: string, since: string): Promise<unknown> {
    const res = await this.call(this.paths.videoList, { query: { cursor: 0, count: 20 }, method: 'GET' });
    const list = field(res, 'data', 'list');
    if (!Array.isArray(list)) throw new PublishError('抖音接口返回缺少字段 data.list', true, 'malformed');
    const sinceSec = Date.parse(since) / 1000 - 120;
    return list.find((v) => field(v, 'title') === text && Number(field(v, 'create_time') ?? 0) >= sinceSec && field(v, 'is_delete') !== true);
  }

  private async call(path: string, req: { json?: unknown; form?: FormData; query?: Record<string, string | number>; method?: 'GET' | 'POST'; timeoutMs?: number }): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get();
      const res = await this.http.request({
        method: req.method ?? 'POST',
        url: `${this.base}${path}`,
        query: { open_id: this.options.openId, ...req.query },
        headers: { 'access-token': token },
        json: req.json,
        form: req.form,
        timeoutMs: req.timeoutMs,
      });
      const code = Number(field(res.body, 'data', 'error_code') ?? field(res.body, 'extra', 'error_code') ?? (res.status >= 400 ? NaN : 0));
      if (code === 0) return res.body;
      const desc = String(field(res.body, 'data', 'description') ?? field(res.body, 'extra', 'description') ?? '');
      if (GRANT.has(code)) {
        if (attempt === 0 && this.oauth.renewable) {
          await this.tokens.refresh(token);
          continue;
        }
        throw grantExpired(this.grant, `error_code=${code}`, String(code));
      }
      const reason = REASONS[code] ?? `抖音接口错误：${desc || `HTTP ${res.status}`}`;
      const codeText = Number.isNaN(code) ? `http_${res.status}` : String(code);
      throw new PublishError(`${reason}（error_code=${Number.isNaN(code) ? '无' : code}）`, RETRYABLE.has(code), codeText);
    }
  }
}

