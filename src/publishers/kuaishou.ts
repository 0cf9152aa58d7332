/**
 * Kuaishou publisher: `openapi/photo/start_upload` -> upload the video to
 * `http://{endpoint}/api/upload/multipart?upload_token=` -> `openapi/photo/publish` (caption +
 * cover). The open API publishes videos only ("photo" is Kuaishou's word for a work); an
 * image-only draft goes to the manual path. A cover image is required by photo/publish.
 *
 * Answers carry `result` (1 = ok) and `error_msg`.
 *
 * Steps: ks_upload (JSON {token, endpoint}), ks_uploaded, ks_publish_at (marker), ks_publish_since,
 * ks_photo_id. A marker without a photo id is looked up in `openapi/photo/list`; while it is not
 * there and the marker is younger than the reconcile window (default 30 min) `publish` answers
 * `pending`. After the window the upload is redone (upload tokens are single-use) and published once.
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
  IN_MEMORY_VIDEO_MAX_BYTES,
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

export const KUAISHOU_DEFAULT_BASE_URL = 'https://open.kuaishou.com';

export interface KuaishouOptions {
  appId: string;
  accessToken: string;
  /** Default `https://open.kuaishou.com`. */
  baseUrl?: string;
  account?: string;
  /** When the OAuth grant expires, if known (access tokens last 48 hours). */
  tokenExpiresAt?: Date;
  /**
   * Renews the access token (48 h) with the refresh token (180 days, rotated on every refresh,
   * hence the store) via `/oauth2/refresh_token`; without it an expired token is announced.
   */
  refresh?: { appSecret: string; refreshToken: string; refreshTokenExpiresAt?: Date; store?: TokenStore };
  /** Custom token source (tests, or a token service); takes precedence over `refresh`. */
  tokenSource?: TokenSource;
  fetchMedia: FetchMedia;
  clock?: Clock;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  pacer?: Pacer;
  onCredentialProblem?: CredentialListener;
  limits?: PlatformLimits;
  /** Scheme for the upload endpoint the platform names (default http, as documented). */
  uploadScheme?: 'http' | 'https';
  /** Largest video uploaded (default: the platform limit, at most 1 GB held in memory); larger ones go to the manual path. */
  videoBytesMax?: number;
  /** How long a publish with an unknown outcome is looked for in photo/list before publishing again (default 30 min). */
  reconcileWindowMs?: number;
}

/** Token expired or invalid. */
const GRANT = new Set([100200101, 100200102, 100200103, 100200104, 28]);
/** Server busy, frequency limits. */
const RETRYABLE = new Set([-1, 100200500, 100200429, 429]);

const REASONS: Record<number, string> = {
  100200100: '快手接口参数有误',
  100200429: '快手接口调用太频繁',
  100200500: '快手服务繁忙',
  100200601: '快手作品审核未通过',
};

export class KuaishouPublisher implements Publisher {
  readonly name = 'kuaishou';
  readonly platform = 'kuaishou' as const;
  readonly account?: string;
  private readonly base: string;
  private readonly http: PlatformHttp;
  private readonly tokens: TokenCache;
  private readonly clock: Clock;
  private readonly limits: PlatformLimits;
  private readonly grant: GrantContext;
  private readonly oauth: OAuthTokens;

  constructor(private readonly options: KuaishouOptions) {
    this.account = options.account;
    this.base = (options.baseUrl ?? KUAISHOU_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? PLATFORM_LIMITS.kuaishou;
    this.http = new PlatformHttp({ label: '快手', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl, pacer: options.pacer });
    const r = options.refresh;
    this.oauth = oauthTokens({
      grant: { platform: 'kuaishou', account: options.account, label: '快手', clock: this.clock, onCredentialProblem: options.onCredentialProblem },
      accessToken: options.accessToken,
      tokenExpiresAt: options.tokenExpiresAt,
      tokenSource: options.tokenSource,
      refresh: r && { refreshToken: r.refreshToken, refreshTokenExpiresAt: r.refreshTokenExpiresAt, store: r.store, storeKey: `kuaishou:${options.account ?? ''}:${options.appId}`, renew: (rt) => this.refreshGrant(r.appSecret, rt) },
    });
    this.grant = this.oauth.grant;
    this.tokens = this.oauth.tokens;
  }

  /** When the grant a person must renew expires, if known: the refresh token's, else the access token's. */
  grantExpiresAt(): Date | undefined {
    return this.oauth.grantExpiresAt();
  }

  private async refreshGrant(appSecret: string, refreshToken: string) {
    const form = new URLSearchParams({ app_id: this.options.appId, app_secret: appSecret, refresh_token: refreshToken, grant_type: 'refresh_token' });
    const res = await this.http.request({ method: 'POST', url: `${this.base}/oauth2/refresh_token`, form });
    const result = Number(field(res.body, 'result'));
    if (result !== 1) {
      if (RETRYABLE.has(result)) throw new PublishError(`快手刷新授权暂时失败（result=${result}）`, true, String(result));
      throw grantExpired(this.grant, `刷新令牌失效，result=${Number.isNaN(result) ? '无' : result}`, String(result), this.oauth.refreshing?.refreshTokenExpiresAt());
    }
    return {
      accessToken: requireString(res.body, '快手', 'access_token'),
      expiresInSec: Number(field(res.body, 'expires_in') ?? 172800),
      refreshToken: (field(res.body, 'refresh_token') as string | undefined) || undefined,
      refreshExpiresInSec: Number(field(res.body, 'refresh_token_expires_in')) || undefined,
    };
  }

  async publish(job: PublishJob): Promise<PublishResult> {
    const steps = new StepLog(job);
    const done = steps.get('ks_photo_id');
    if (done) return { status: 'published', externalId: done };

    const video = job.media.find((m) => m.kind === 'video');
    const cover = job.media.find((m) => m.kind === 'image');
    if (!video) {
      const imageOnly = Boolean(cover) && this.limits.videoOnly !== false;
      throw new PublishError(
        imageOnly ? '快手开放接口只能发布视频，图文稿件请走人工发布' : '快手发布需要视频，稿件没有（请走人工发布或补充视频）',
        false,
        imageOnly ? 'video_required' : 'media_missing',
      );
    }
    if (!cover && this.limits.coverRequired !== false) throw new PublishError('快手发布需要封面图，稿件没有图片', false, 'cover_missing');
    const caption = this.caption(job);

    const marker = steps.get('ks_publish_at');
    if (marker) {
      const since = steps.get('ks_publish_since') ?? marker;
      const found = await this.findPublished(caption, since);
      if (found) return this.record(steps, found);
      // Not there yet: it may still show up; keep looking for the reconcile window.
      const wait = reconcilePending('快手', marker, this.clock.now(), this.options.reconcileWindowMs ?? DEFAULT_RECONCILE_WINDOW_MS);
      if (wait) return wait;
      if (!steps.get('ks_publish_since')) await steps.record('ks_publish_since', marker);
      await steps.clear('ks_publish_at', 'ks_upload', 'ks_uploaded');
    }

    const upload = JSON.parse(
      await steps.once('ks_upload', async () => {
        const res = await this.call('/openapi/photo/start_upload', { method: 'POST' });
        return JSON.stringify({ token: requireString(res, '快手', 'upload_token'), endpoint: requireString(res, '快手', 'endpoint') });
      }),
    ) as { token: string; endpoint: string };

    await steps.once('ks_uploaded', async () => {
      await this.uploadVideo(video, upload);
      return '1';
    });

    const form = new FormData();
    form.append('caption', caption);
    if (cover) {
      const coverFile = await this.options.fetchMedia(cover, { maxBytes: this.limits.imageBytesMax });
      if (coverFile.bytes.length > this.limits.imageBytesMax) {
        throw new PublishError(`快手封面图超过 ${formatBytes(this.limits.imageBytesMax)}：${coverFile.name}`, false, 'cover_too_large');
      }
      form.append('cover', filePart(coverFile), coverFile.name || 'cover.jpg');
    }
    await steps.record('ks_publish_at', this.clock.now().toISOString());
    let res: unknown;
    try {
      res = await this.call('/openapi/photo/publish', { method: 'POST', form, query: { upload_token: upload.token } });
    } catch (e) {
      if (!outcomeUnknown(e)) await steps.clear('ks_publish_at');
      throw e;
    }
    return this.record(steps, field(res, 'video_info'));
  }

  /** Title and body as plain text, refused when over the limit. */
  caption(job: Pick<PublishJob, 'title' | 'body'>): string {
    const body = plainText(parseDraftBody(job.body)).replace(/\n{2,}/g, '\n');
    const title = job.title.trim();
    const text = title ? `${title}\n${body}` : body;
    if (charLength(text) > this.limits.bodyMax) {
      throw new PublishError(`快手作品描述超过 ${this.limits.bodyMax} 字（现 ${charLength(text)} 字）`, false, 'text_too_long');
    }
    return text;
  }

  private async uploadVideo(ref: MediaRef, upload: { token: string; endpoint: string }): Promise<void> {
    const max = this.options.videoBytesMax ?? Math.min(this.limits.videoBytesMax ?? IN_MEMORY_VIDEO_MAX_BYTES, IN_MEMORY_VIDEO_MAX_BYTES);
    const file = await fetchVideo(this.options.fetchMedia, ref, '快手', max);
    const form = new FormData();
    form.append('file', filePart(file), file.name || 'video.mp4');
    const endpoint = /^https?:\/\//.test(upload.endpoint) ? upload.endpoint : `${this.options.uploadScheme ?? 'http'}://${upload.endpoint}`;
    const res = await this.http.request({
      method: 'POST',
      url: `${endpoint.replace(/\/+$/, '')}/api/upload/multipart`,
      query: { upload_token: upload.token },
      form,
      timeoutMs: uploadTimeoutMs(file.bytes.length, this.options.timeoutMs),
    });
    this.check(res.body, res.status);
  }

  private async record(steps: StepLog, info: unknown): Promise<PublishResult> {
    // The open API returns no public page URL (play_url is the media stream): the id is kept,
    // the link can be added by a person through the manual path's "answer with the link".
    const photoId = requireString(info, '快手', 'photo_id');
    await steps.record('ks_photo_id', photoId);
    return { status: 'published', externalId: photoId };
  }

  private async findPublished(caption: string, since: string): Promise<unknown> {
    const res = await this.call('/openapi/photo/list', { method: 'GET', query: { count: 20 } });
    const list = field(res, 'video_list');
    if (!Array.isArray(list)) throw new PublishError('快手接口返回缺少字段 video_list', true, 'malformed');
    const sinceMs = Date.parse(since) - 120_000;
    // Multipart turns "\n" into "\r\n" on the wire: compare line breaks loosely.
    const norm = (t: unknown) => (typeof t === 'string' ? t.replace(/\r\n?/g, '\n').trim() : undefined);
    return list.find((v) => norm(field(v, 'caption')) === norm(caption) && Number(field(v, 'create_time') ?? 0) >= sinceMs);
  }

  private async call(path: string, req: { method: 'GET' | 'POST'; form?: FormData; query?: Record<string, string | number> }): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get();
      const res = await this.http.request({
        method: req.method,
        url: `${this.base}${path}`,
        query: { app_id: this.options.appId, access_token: token, ...req.query },
        form: req.form,
      });
      const result = Number(field(res.body, 'result'));
      if (GRANT.has(result) && attempt === 0 && this.oauth.renewable) {
        await this.tokens.refresh(token);
        continue;
      }
      this.check(res.body, res.status);
      return res.body;
    }
  }

  private check(body: unknown, status: number): void {
    const result = Number(field(body, 'result'));
    if (result === 1) return;
    const msg = String(field(body, 'error_msg') ?? '');
    if (Number.isNaN(result)) throw new PublishError(`快手接口返回了无法解析的内容（HTTP ${status}）`, true, 'malformed');
    if (GRANT.has(result)) throw grantExpired(this.grant, `result=${result}`, String(result));
    const reason = REASONS[result] ?? `快手接口错误：${msg || '未说明原因'}`;
    throw new PublishError(`${reason}（result=${result}）`, RETRYABLE.has(result), String(result));
  }
}
