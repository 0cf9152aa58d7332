/**
 * A fake WeChat Official Account API (api.weixin.qq.com) on 127.0.0.1, following the documented
 * contracts: stable_token, media/uploadimg, material/add_material, draft/add, freepublish/submit,
 * freepublish/get (asynchronous publish_status), freepublish/batchget, freepublish/delete,
 * comment/list and datacube/getarticletotaldetail. Errors are HTTP 200 with `errcode`/`errmsg`.
 *
 * Fault injection per path: `inject('/cgi-bin/draft/add', { kind: 'http', status: 503 })`.
 */
import { type CommonFault, type Exchange, FakePlatform, fileField, parseJson } from './platform-kit';

export type WechatFault =
  /** `hang` never answers, `malformed` is HTTP 200 with a body that is not JSON, `dropAfterCommit` is a crash between two steps. */
  | CommonFault
  | { kind: 'errcode'; errcode: number; errmsg?: string }
  /** Invalidates every issued token and answers 42001. */
  | { kind: 'tokenExpired' }
  /** errcode 45011 (API minute quota). */
  | { kind: 'rateLimit' };

export interface FakeArticle {
  title: string;
  author: string;
  digest: string;
  content: string;
  thumb_media_id: string;
  need_open_comment?: number;
}

interface Publish {
  publishId: string;
  mediaId: string;
  msgDataId: number;
  /** Statuses answered by successive freepublish/get calls; the last one sticks. */
  queue: number[];
  status: number;
  articleId?: string;
}

interface Published {
  articleId: string;
  url: string;
  article: FakeArticle;
  updateTime: number;
  deleted: boolean;
  msgDataId: number;
}

export class FakeWechatMp extends FakePlatform<WechatFault> {
  readonly appId = 'wx-fake-app';
  readonly appSecret = 'fake-secret';
  /** Seconds; what `stable_token` answers as `expires_in`. */
  tokenExpiresIn = 7200;
  /** Statuses the next submitted publish goes through, one per freepublish/get. */
  nextPublishStatuses: number[] = [0];
  /** Unix seconds used as update_time. */
  now = () => Math.floor(Date.now() / 1000);

  readonly tokenRequests: { force: boolean }[] = [];
  readonly bodyImages = new Map<string, { bytes: number; type: string }>();
  readonly materials = new Map<string, { bytes: number; type: string }>();
  readonly drafts = new Map<string, FakeArticle[]>();
  readonly publishes = new Map<string, Publish>();
  readonly published: Published[] = [];
  /** Comments by msg_data_id (seed them for the feedback tests). */
  readonly comments = new Map<number, { user_comment_id: number; create_time: number; content: string; comment_type: number }[]>();

  private readonly tokens = new Set<string>();
  protected readonly faultPages = { httpBody: '<html>Bad Gateway</html>', malformed: { type: 'text/plain', body: '<xml>not json' } };

  /** Articles that reached publish_status 0 and were not deleted: the posts that exist. */
  get postCount(): number {
    return this.published.filter((p) => !p.deleted).length;
  }

  /** A permanent image material, as if uploaded in the admin console (for a default cover). */
  seedMaterial(): string {
    const mediaId = this.id('MATERIAL_');
    this.materials.set(mediaId, { bytes: 1024, type: 'image/jpeg' });
    return mediaId;
  }

  /** Finishes every publish still at status 1 with `status` (default 0). */
  settlePending(status = 0): void {
    for (const p of this.publishes.values()) {
      if (p.status === 1 || p.queue.length) {
        p.queue = [];
        this.setStatus(p, status);
      }
    }
  }

  private setStatus(p: Publish, status: number): void {
    p.status = status;
    if (status === 0 && !p.articleId) {
      const articles = this.drafts.get(p.mediaId) ?? [];
      p.articleId = this.id('ARTICLE_');
      this.published.push({
        articleId: p.articleId,
        // As WeChat gives it: `mid` is the msg_data_id, `idx` the article's place (1-based).
        url: `https://mp.weixin.qq.com/s?__biz=MzA4NzAwMDAwMA==&mid=${p.msgDataId}&idx=1&sn=${p.articleId.toLowerCase()}#rd`,
        article: articles[0]!,
        updateTime: this.now(),
        deleted: false,
        msgDataId: p.msgDataId,
      });
      this.drafts.delete(p.mediaId);
    }
  }

  protected platformFault(fault: Exclude<WechatFault, CommonFault>): unknown {
    switch (fault.kind) {
      case 'errcode':
        return { errcode: fault.errcode, errmsg: fault.errmsg ?? 'injected' };
      case 'tokenExpired':
        this.tokens.clear();
        return { errcode: 42001, errmsg: 'access_token expired' };
      case 'rateLimit':
        return { errcode: 45011, errmsg: 'api minute-quota reach limit' };
    }
  }

  protected async route({ path, url, req, raw }: Exchange): Promise<unknown> {
    if (path === '/cgi-bin/stable_token') {
      const b = parseJson(raw);
      if (b.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
      if (b.appid !== this.appId) return { errcode: 40013, errmsg: 'invalid appid' };
      if (b.secret !== this.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
      this.tokenRequests.push({ force: b.force_refresh === true });
      if (b.force_refresh !== true && this.tokens.size) return { access_token: [...this.tokens][this.tokens.size - 1], expires_in: this.tokenExpiresIn };
      if (b.force_refresh === true) this.tokens.clear();
      const token = this.id('TOKEN_');
      this.tokens.add(token);
      return { access_token: token, expires_in: this.tokenExpiresIn };
    }
    const token = url.searchParams.get('access_token');
    if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
    if (!this.tokens.has(token)) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };

    switch (path) {
      case '/cgi-bin/media/uploadimg': {
        const file = await fileField(req, raw, 'media');
        if (!file) return { errcode: 41005, errmsg: 'media data missing' };
        if (!['image/jpeg', 'image/png'].includes(file.type)) return { errcode: 40005, errmsg: 'invalid file type' };
        if (file.size >= 1024 * 1024) return { errcode: 40009, errmsg: 'invalid image size' };
        const url = `http://mmbiz.qpic.cn/mmbiz_png/${this.id('IMG')}/0`;
        this.bodyImages.set(url, { bytes: file.size, type: file.type });
        return { url };
      }
      case '/cgi-bin/material/add_material': {
        if (url.searchParams.get('type') !== 'image') return { errcode: 40004, errmsg: 'invalid media type' };
        const file = await fileField(req, raw, 'media');
        if (!file) return { errcode: 41005, errmsg: 'media data missing' };
        if (file.size > 10 * 1024 * 1024) return { errcode: 40009, errmsg: 'invalid image size' };
        const mediaId = this.id('MATERIAL_');
        this.materials.set(mediaId, { bytes: file.size, type: file.type });
        return { media_id: mediaId, url: `http://mmbiz.qpic.cn/mmbiz_jpg/${mediaId}/0` };
      }
      case '/cgi-bin/draft/add': {
        const b = parseJson(raw);
        const articles = b.articles;
        if (!Array.isArray(articles) || !articles.length) return { errcode: 44003, errmsg: 'empty news data' };
        for (const a of articles as FakeArticle[]) {
          if (!a.title || Array.from(a.title).length > 32) return { errcode: 45003, errmsg: 'title size out of limit' };
          if (a.author && Array.from(a.author).length > 16) return { errcode: 45110, errmsg: 'author size out of limit' };
          if (a.digest && Array.from(a.digest).length > 128) return { errcode: 45004, errmsg: 'description size out of limit' };
          if (!a.content || a.content.length >= 20000 || Buffer.byteLength(a.content) >= 1024 * 1024) return { errcode: 45002, errmsg: 'content size out of limit' };
          if (!this.materials.has(a.thumb_media_id)) return { errcode: 40007, errmsg: 'invalid media_id' };
          // External images are stripped by WeChat: keep only ours.
          a.content = a.content.replace(/<img [^>]*src="([^"]*)"[^>]*>/g, (m, src: string) => (this.bodyImages.has(src) ? m : ''));
        }
        const mediaId = this.id('DRAFT_');
        this.drafts.set(mediaId, articles as FakeArticle[]);
        return { media_id: mediaId };
      }
      case '/cgi-bin/freepublish/submit': {
        const b = parseJson(raw);
        const mediaId = String(b.media_id ?? '');
        if (!this.drafts.has(mediaId)) return { errcode: 40007, errmsg: 'invalid media_id' };
        const p: Publish = { publishId: this.id('PUBLISH_'), mediaId, msgDataId: 2247483000 + this.seq, queue: [...this.nextPublishStatuses], status: 1 };
        this.publishes.set(p.publishId, p);
        return { errcode: 0, errmsg: 'ok', publish_id: p.publishId, msg_data_id: p.msgDataId };
      }
      case '/cgi-bin/freepublish/get': {
        const b = parseJson(raw);
        const p = this.publishes.get(String(b.publish_id ?? ''));
        if (!p) return { errcode: 40007, errmsg: 'invalid publish_id' };
        if (p.queue.length) this.setStatus(p, p.queue.length > 1 ? p.queue.shift()! : p.queue[0]!);
        const out: Record<string, unknown> = { publish_id: p.publishId, publish_status: p.status };
        if (p.status === 0) {
          const pub = this.published.find((x) => x.articleId === p.articleId)!;
          out.article_id = p.articleId;
          out.article_detail = { count: 1, item: [{ idx: 1, article_url: pub.url }] };
        }
        out.fail_idx = p.status === 2 || p.status === 3 || p.status === 4 ? [1] : [];
        return out;
      }
      case '/cgi-bin/freepublish/batchget': {
        const b = parseJson(raw);
        const offset = Number(b.offset ?? 0);
        const count = Math.min(Number(b.count ?? 20), 20);
        const live = [...this.published].reverse();
        const items = live.slice(offset, offset + count).map((p) => ({
          article_id: p.articleId,
          content: {
            news_item: [{ title: p.article.title, author: p.article.author, digest: p.article.digest, url: p.url, is_deleted: p.deleted, thumb_media_id: p.article.thumb_media_id }],
            create_time: p.updateTime,
            update_time: p.updateTime,
          },
          update_time: p.updateTime,
        }));
        return { total_count: live.length, item_count: items.length, item: items };
      }
      case '/cgi-bin/freepublish/delete': {
        const b = parseJson(raw);
        const p = this.published.find((x) => x.articleId === b.article_id);
        if (!p || p.deleted) return { errcode: 40007, errmsg: 'invalid article_id' };
        p.deleted = true;
        return { errcode: 0, errmsg: 'ok' };
      }
      case '/cgi-bin/comment/list': {
        const b = parseJson(raw);
        const all = this.comments.get(Number(b.msg_data_id)) ?? [];
        const begin = Number(b.begin ?? 0);
        const count = Number(b.count ?? 0);
        if (count >= 50) return { errcode: 45009, errmsg: 'count out of limit' };
        return { errcode: 0, errmsg: 'ok', total: all.length, comment: all.slice(begin, begin + count) };
      }
      case '/datacube/getarticletotaldetail':
      case '/datacube/getarticleread':
      case '/datacube/getarticleshare': {
        const b = parseJson(raw);
        // Documented: end_date is at most yesterday (Beijing time); otherwise "date range error".
        const yesterday = new Date((this.now() + 8 * 3600 - 86_400) * 1000).toISOString().slice(0, 10);
        const day = /^\d{4}-\d{2}-\d{2}$/;
        if (typeof b.begin_date !== 'string' || typeof b.end_date !== 'string' || !day.test(b.begin_date) || !day.test(b.end_date)) {
          return { errcode: 40097, errmsg: 'invalid args' };
        }
        if (b.end_date > yesterday || b.begin_date > b.end_date) return { errcode: 61501, errmsg: 'date range error' };
        return {
          list: this.published.map((p) => ({
            ref_date: b.begin_date,
            msgid: `${p.msgDataId}_1`,
            title: p.article.title,
            detail_list: [{ stat_date: b.begin_date, read_user: 100, share_user: 5, add_to_fav_user: 2 }],
          })),
        };
      }
      default:
        return { errcode: 40066, errmsg: `invalid url ${path}` };
    }
  }
}
