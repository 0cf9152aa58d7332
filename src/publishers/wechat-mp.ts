/**
 * WeChat Official Account (公众号) publisher: a thin typed client over the documented HTTP API.
 *
 * Steps, each recorded as it completes so a retry or restart continues instead of repeating:
 *   wx_img:<key>        body image uploaded with media/uploadimg -> its URL
 *   wx_thumb_media_id   cover uploaded with material/add_material?type=image
 *   wx_draft_media_id   draft/add
 *   wx_submit_at        written just before freepublish/submit (the "intent" marker)
 *   wx_publish_id       freepublish/submit
 *   wx_article_id / wx_article_url   freepublish/get once publish_status = 0
 *
 * If the process dies after WeChat accepted freepublish/submit but before `wx_publish_id` was
 * recorded, the marker is present without a publish id: the publisher then looks for the
 * article in freepublish/batchget (title, published after the marker) before submitting again,
 * and waits `reconcileWindowMs` for an in-flight publish to show up. So a crash at any point
 * ends with one article.
 */
import type { MediaRef } from '../domain/model';
import { PLATFORM_LIMITS, type PlatformLimits } from '../domain/platform-limits';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import type { Publisher, PublishJob, PublishResult } from '../ports/publisher';
import { PublishError } from '../ports/publisher';
import { charLength, parseDraftBody, plainText, renderArticleHtml, truncateChars } from './article-html';
import {
  type CredentialListener,
  DEFAULT_RECONCILE_WINDOW_MS,
  type FetchMedia,
  type MediaFile,
  type Pacer,
  PlatformHttp,
  type Sleep,
  StepLog,
  field,
  filePart,
  formatBytes,
  outcomeUnknown,
  realSleep,
  reconcilePending,
  requireString,
  uploadTimeoutMs,
} from './http';
import type { TokenCache } from './token-cache';
import { WECHAT_TOKEN_CODES, WechatApiError, WechatTokenError, callWechatApi, wechatTokenCache } from './wechat-token';

export const WECHAT_DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

export interface WechatMpOptions {
  appId: string;
  appSecret: string;
  /** Default `https://api.weixin.qq.com`. */
  baseUrl?: string;
  /** Account name when the organisation has several. */
  account?: string;
  fetchMedia: FetchMedia;
  clock?: Clock;
  /** Used between status polls; tests inject a no-op. */
  sleep?: Sleep;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  pacer?: Pacer;
  /** freepublish/get calls right after submitting, before answering `pending` (default 3); a resumed job gets one. */
  pollAttempts?: number;
  /** Pause between those calls (default 5 s). */
  pollIntervalMs?: number;
  /** Permanent image material used as cover when the draft has no image. */
  defaultThumbMediaId?: string;
  needOpenComment?: boolean;
  onlyFansCanComment?: boolean;
  /** How long an unconfirmed submit is given to show up in freepublish/batchget before submitting again (default 30 min). */
  reconcileWindowMs?: number;
  onCredentialProblem?: CredentialListener;
  limits?: PlatformLimits;
}

/** Token codes: invalid credential, invalid token, token expired. */
/** System busy and frequency limits: worth retrying later. */
const RETRYABLE_CODES = new Set([-1, 45009, 45011, 45035]);
/** Credentials that cannot work until a person acts. */
const CREDENTIAL_CODES = new Set([40013, 40125, 40164, 41004, 61004, 89503]);

const CODE_REASONS: Record<number, string> = {
  [-1]: '公众号系统繁忙',
  40007: '素材或草稿不存在（media_id 无效）',
  40013: 'AppID 无效',
  40125: 'AppSecret 无效',
  40164: '服务器 IP 不在公众号接口白名单中',
  41004: '缺少 AppSecret',
  45002: '正文超过公众号长度上限',
  45003: '标题超过公众号长度上限',
  45004: '摘要超过公众号长度上限',
  45009: '公众号接口今日调用次数已达上限',
  45011: '公众号接口调用太频繁',
  45035: '公众号接口调用受限',
  48001: '公众号没有该接口的权限（需认证或开通发布能力）',
  53503: '草稿未通过发布检查',
  53504: '需要到公众平台网页上使用该草稿',
  53505: '需要在公众平台网页上手动保存草稿后再发表',
  61004: '服务器 IP 不在公众号接口白名单中',
  89503: '此次调用需要管理员确认',
};

/** Cover images (material/add_material): at most 10 MB. */
const COVER_BYTES_MAX = 10 * 1024 * 1024;

const PUBLISH_STATUS_REASONS: Record<number, string> = {
  2: '公众号原创校验未通过',
  3: '公众号发布失败（常规失败）',
  4: '公众号平台审核不通过',
  5: '文章发布成功后已被删除',
  6: '文章发布成功后被系统封禁',
};


export class WechatMpPublisher implements Publisher {
  readonly name = 'wechat';
  readonly platform = 'wechat' as const;
  readonly account?: string;
  private readonly base: string;
  private readonly http: PlatformHttp;
  private readonly tokens: TokenCache;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly limits: PlatformLimits;

  constructor(private readonly options: WechatMpOptions) {
    this.account = options.account;
    this.base = (options.baseUrl ?? WECHAT_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.limits = options.limits ?? PLATFORM_LIMITS.wechat;
    this.http = new PlatformHttp({ label: '公众号', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl, pacer: options.pacer });
    this.tokens = wechatTokenCache({
      appId: options.appId,
      appSecret: options.appSecret,
      baseUrl: this.base,
      clock: this.clock,
      post: async (json) => (await this.http.request({ method: 'POST', url: `${this.base}/cgi-bin/stable_token`, json })).body,
    });
  }

  async publish(job: PublishJob): Promise<PublishResult> {
    const steps = new StepLog(job);
    const done = this.publishedResult(steps);
    if (done) return done;

    // Right after submitting, follow the publish a few times; when resuming (the core calls
    // `publish` again for a pending job), look once and answer.
    let attempts = 1;
    if (!steps.get('wx_publish_id')) {
      attempts = this.options.pollAttempts ?? 3;
      const mediaId = await this.ensureDraft(job, steps);
      const found = await this.confirmEarlierSubmit(job, steps);
      if (found) return found;
      await steps.record('wx_submit_at', this.clock.now().toISOString());
      let res: unknown;
      try {
        res = await this.call('/cgi-bin/freepublish/submit', { media_id: mediaId });
      } catch (e) {
        // WeChat answered "no": nothing was submitted, nothing to look up next time.
        if (!outcomeUnknown(e)) await steps.clear('wx_submit_at');
        throw e;
      }
      await steps.record('wx_publish_id', requireString(res, '公众号', 'publish_id'));
      const msgDataId = field(res, 'msg_data_id');
      if (msgDataId !== undefined && msgDataId !== null) await steps.record('wx_msg_data_id', String(msgDataId));
    }
    return this.follow(steps, attempts);
  }

  /**
   * Continues a publication that `publish` answered `pending` for: one freepublish/get (calling
   * `publish` again does the same).
   * Resolves `published` (article URL recorded), `pending` (still publishing), or throws.
   * Call it on a timer, and when the PUBLISHJOBFINISH event for the job's publish_id arrives.
   */
  async poll(job: PublishJob): Promise<PublishResult> {
    const steps = new StepLog(job);
    const done = this.publishedResult(steps);
    if (done) return done;
    if (!steps.get('wx_publish_id')) return this.publish(job);
    return this.follow(steps, 1);
  }

  /** Removes a published article (freepublish/delete); `externalId` is the article_id. */
  async takedown(externalId: string): Promise<void> {
    await this.call('/cgi-bin/freepublish/delete', { article_id: externalId, index: 0 });
  }

  /** When the cached token expires, if one was fetched. */
  tokenExpiresAt(): Date | undefined {
    return this.tokens.expiresAt();
  }

  private publishedResult(steps: StepLog): PublishResult | undefined {
    const articleId = steps.get('wx_article_id');
    if (!articleId) return undefined;
    return { status: 'published', url: steps.get('wx_article_url'), externalId: articleId };
  }

  private async ensureDraft(job: PublishJob, steps: StepLog): Promise<string> {
    const recorded = steps.get('wx_draft_media_id');
    if (recorded) return recorded;

    const title = job.title.trim();
    if (!title) throw new PublishError('公众号文章必须有标题', false, 'title_missing');
    if (this.limits.titleMax !== null && charLength(title) > this.limits.titleMax) {
      throw new PublishError(`公众号标题超过 ${this.limits.titleMax} 字（现 ${charLength(title)} 字）`, false, 'title_too_long');
    }
    const parsed = parseDraftBody(job.body);
    const mediaImages = job.media.filter((m) => m.kind === 'image');
    const inlineKeys = new Set(parsed.imageKeys);
    const allImages: MediaRef[] = [...mediaImages];
    for (const key of parsed.imageKeys) if (!allImages.some((m) => m.key === key)) allImages.push({ kind: 'image', key });
    if (allImages.length > this.limits.imagesMax) {
      throw new PublishError(`公众号正文图片超过 ${this.limits.imagesMax} 张`, false, 'too_many_images');
    }

    const urls = new Map<string, string>();
    const files = new Map<string, MediaFile>();
    const load = async (ref: MediaRef) => {
      let f = files.get(ref.key);
      if (!f) {
        f = await this.options.fetchMedia(ref, { maxBytes: COVER_BYTES_MAX });
        files.set(ref.key, f);
      }
      return f;
    };
    for (const ref of allImages) {
      const url = await steps.once(`wx_img:${ref.key}`, async () => {
        const file = await load(ref);
        this.checkBodyImage(file);
        const form = new FormData();
        form.append('media', filePart(file), file.name || 'image.jpg');
        const res = await this.call('/cgi-bin/media/uploadimg', undefined, form, undefined, uploadTimeoutMs(file.bytes.length, this.options.timeoutMs));
        return requireString(res, '公众号', 'url');
      });
      urls.set(ref.key, url);
    }

    const thumb = await steps.once('wx_thumb_media_id', async () => {
      const cover = allImages[0];
      if (!cover) {
        if (this.options.defaultThumbMediaId) return this.options.defaultThumbMediaId;
        throw new PublishError('公众号文章需要封面图：稿件没有图片，也未配置默认封面（WECHAT_MP_DEFAULT_THUMB_MEDIA_ID）', false, 'cover_missing');
      }
      const file = await load(cover);
      if (file.bytes.length > COVER_BYTES_MAX) throw new PublishError(`封面图 ${file.name} 超过 10 MB`, false, 'cover_too_large');
      const form = new FormData();
      form.append('media', filePart(file), file.name || 'cover.jpg');
      const res = await this.call('/cgi-bin/material/add_material', undefined, form, { type: 'image' }, uploadTimeoutMs(file.bytes.length, this.options.timeoutMs));
      return requireString(res, '公众号', 'media_id');
    });

    const html = renderArticleHtml(parsed, {
      imageUrl: (key) => urls.get(key),
      trailingImageKeys: mediaImages.map((m) => m.key).filter((k) => !inlineKeys.has(k)),
      linkHostAllowed: (host) => host === 'mp.weixin.qq.com',
    });
    if (html.length >= this.limits.bodyMax || Buffer.byteLength(html) >= 1024 * 1024) {
      throw new PublishError(`公众号正文过长（排版后 ${html.length} 字符，上限 ${this.limits.bodyMax}）`, false, 'content_too_long');
    }
    const digest = truncateChars(plainText(parsed).replace(/\s+/g, ' ').trim(), Math.min(this.limits.digestMax ?? 120, 120));
    const article = {
      title,
      author: truncateChars(job.author, 16),
      digest,
      content: html,
      content_source_url: '',
      thumb_media_id: thumb,
      need_open_comment: this.options.needOpenComment ? 1 : 0,
      only_fans_can_comment: this.options.onlyFansCanComment ? 1 : 0,
    };
    return steps.once('wx_draft_media_id', async () => {
      const res = await this.call('/cgi-bin/draft/add', { articles: [article] });
      return requireString(res, '公众号', 'media_id');
    });
  }

  private checkBodyImage(file: MediaFile): void {
    const type = file.contentType.toLowerCase().split(';')[0]!.trim();
    const allowed = this.limits.imageTypes ?? ['image/jpeg', 'image/png'];
    if (!allowed.includes(type === 'image/jpg' ? 'image/jpeg' : type)) {
      throw new PublishError(`公众号正文图片只支持 JPG/PNG：${file.name}（${type || '未知格式'}）`, false, 'image_type');
    }
    if (file.bytes.length >= this.limits.imageBytesMax) {
      throw new PublishError(
        `公众号正文图片须小于 ${formatBytes(this.limits.imageBytesMax)}：${file.name}（${formatBytes(file.bytes.length)}）`,
        false,
        'image_too_large',
      );
    }
  }

  /**
   * A submit was started earlier but its publish_id never got recorded (crash, lost answer).
   * Look for the article among published ones before submitting again.
   */
  private async confirmEarlierSubmit(job: PublishJob, steps: StepLog): Promise<PublishResult | undefined> {
    const startedAt = steps.get('wx_submit_at');
    if (!startedAt) return undefined;
    const since = Date.parse(startedAt) / 1000 - 120;
    const res = await this.call('/cgi-bin/freepublish/batchget', { offset: 0, count: 20, no_content: 1 });
    const items = field(res, 'item');
    if (Array.isArray(items)) {
      for (const item of items) {
        const news = field(item, 'content', 'news_item');
        const first = Array.isArray(news) ? news[0] : undefined;
        const updated = Number(field(item, 'update_time') ?? field(item, 'content', 'update_time') ?? 0);
        if (first && field(first, 'title') === job.title.trim() && updated >= since && field(first, 'is_deleted') !== true) {
          const articleId = requireString(item, '公众号', 'article_id');
          const url = field(first, 'url');
          const msgDataId = field(item, 'msg_data_id') ?? field(item, 'content', 'msg_data_id') ?? msgDataIdFromUrl(url);
          if (msgDataId !== undefined && msgDataId !== null && String(msgDataId)) await steps.record('wx_msg_data_id', String(msgDataId));
          if (typeof url === 'string' && url) await steps.record('wx_article_url', url);
          await steps.record('wx_article_id', articleId);
          return { status: 'published', url: typeof url === 'string' && url ? url : undefined, externalId: articleId };
        }
      }
    }
    // Not published (yet): WeChat may still be publishing it. Look again later (the core calls
    // `publish` again after its poll interval without using up an attempt); submit again only
    // once the window is over.
    return reconcilePending('公众号', startedAt, this.clock.now(), this.options.reconcileWindowMs ?? DEFAULT_RECONCILE_WINDOW_MS);
  }

  private async follow(steps: StepLog, attempts: number): Promise<PublishResult> {
    const publishId = steps.get('wx_publish_id')!;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await this.sleep(this.options.pollIntervalMs ?? 5000);
      const res = await this.call('/cgi-bin/freepublish/get', { publish_id: publishId });
      const status = Number(field(res, 'publish_status'));
      if (status === 1) continue;
      if (status === 0) {
        const articleId = requireString(res, '公众号', 'article_id');
        const url = field(res, 'article_detail', 'item', 0, 'article_url');
        if (!steps.get('wx_msg_data_id')) {
          const msgDataId = msgDataIdFromUrl(url);
          if (msgDataId) await steps.record('wx_msg_data_id', msgDataId);
        }
        if (typeof url === 'string' && url) await steps.record('wx_article_url', url);
        await steps.record('wx_article_id', articleId);
        return { status: 'published', url: typeof url === 'string' && url ? url : undefined, externalId: articleId };
      }
      const reason = PUBLISH_STATUS_REASONS[status];
      if (!reason) throw new PublishError(`公众号返回了未知的发布状态（publish_status=${String(field(res, 'publish_status'))}）`, true, 'malformed');
      if (status === 2 || status === 3 || status === 4) {
        // A retry (重试 button) must submit the draft again, not re-read this failed job.
        await steps.clear('wx_publish_id', 'wx_submit_at');
      }
      const failIdx = field(res, 'fail_idx');
      const detail = Array.isArray(failIdx) && failIdx.length ? `，失败文章序号 ${failIdx.join('、')}` : '';
      throw new PublishError(`${reason}（publish_status=${status}${detail}）`, false, `publish_status_${status}`);
    }
    return { status: 'pending', note: `公众号发布中（publish_id=${publishId}）` };
  }

  /** Calls an API with the cached token (renewed once on an expiry code); every failure becomes a PublishError. */
  private async call(path: string, json?: unknown, form?: FormData, query?: Record<string, string>, timeoutMs?: number): Promise<unknown> {
    try {
      return await callWechatApi(this.tokens, async (token) => (await this.http.request({ method: 'POST', url: `${this.base}${path}`, query: { ...query, access_token: token }, json, form, timeoutMs })).body);
    } catch (e) {
      if (e instanceof PublishError) throw e;
      if (e instanceof WechatApiError) {
        if (e.errcode === null) throw new PublishError('公众号接口返回了无法解析的错误码', true, 'malformed', { cause: e });
        throw this.error(e.errcode, e.errmsg);
      }
      if (e instanceof WechatTokenError) {
        if (e.errcode === null) throw new PublishError('公众号 stable_token 返回了无法解析的内容', true, 'malformed', { cause: e });
        throw this.error(e.errcode, e.errmsg);
      }
      // An error classified by the other holder of the shared token cache (the feedback source).
      const classified = e as { message?: unknown; retryable?: unknown; platformCode?: unknown };
      if (typeof classified?.retryable === 'boolean') {
        throw new PublishError(String(classified.message), classified.retryable, typeof classified.platformCode === 'string' ? classified.platformCode : undefined, { cause: e });
      }
      throw e;
    }
  }

  private error(code: number, errmsg: string): PublishError {
    const reason = CODE_REASONS[code] ?? `公众号接口错误：${errmsg || '未说明原因'}`;
    const message = `${reason}（errcode=${code}）`;
    if (CREDENTIAL_CODES.has(code)) {
      this.options.onCredentialProblem?.({ platform: 'wechat', account: this.account, reason: message, platformCode: String(code) });
      return new PublishError(message, false, String(code));
    }
    return new PublishError(message, RETRYABLE_CODES.has(code) || WECHAT_TOKEN_CODES.has(code), String(code));
  }
}

/** The `mid` parameter of an article URL (`https://mp.weixin.qq.com/s?__biz=..&mid=..&idx=1&sn=..`): the msg_data_id. */
export function msgDataIdFromUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  const m = /[?&]mid=(\d+)/.exec(url.replace(/&amp;/g, '&'));
  return m?.[1];
}

export interface PublishJobFinishEvent {
  publishId: string;
  publishStatus: number;
  articleId?: string;
  articleUrl?: string;
}

/**
 * Parses the PUBLISHJOBFINISH push (decrypted XML, or JSON when the callback is configured for
 * JSON); older docs name it FREEPUBLISHJOBFINISH. Returns undefined for other messages.
 * The core finds the publication whose `wx_publish_id` step matches and calls `poll(job)`.
 */
export function parsePublishJobFinishEvent(payload: string): PublishJobFinishEvent | undefined {
  const text = payload.trim();
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      if (o.Event !== 'PUBLISHJOBFINISH' && o.Event !== 'FREEPUBLISHJOBFINISH') return undefined;
      const info = (o.PublishEventInfo ?? {}) as Record<string, unknown>;
      const url = field(info, 'article_detail', 'item', 0, 'article_url');
      return {
        publishId: String(info.publish_id ?? ''),
        publishStatus: Number(info.publish_status),
        articleId: info.article_id !== undefined ? String(info.article_id) : undefined,
        articleUrl: typeof url === 'string' ? url : undefined,
      };
    } catch {
      return undefined;
    }
  }
  const tag = (name: string) => {
    const m = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`).exec(text);
    return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
  };
  const event = tag('Event');
  if (event !== 'PUBLISHJOBFINISH' && event !== 'FREEPUBLISHJOBFINISH') return undefined;
  const publishId = tag('publish_id');
  if (!publishId) return undefined;
  return { publishId, publishStatus: Number(tag('publish_status')), articleId: tag('article_id'), articleUrl: tag('article_url') };
}
