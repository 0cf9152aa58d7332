/**
 * A fake Douyin open platform (open.douyin.com) on 127.0.0.1: video/upload, image/upload,
 * create_video, create_image_text and video_list, with the `{data:{error_code, description},
 * extra:{logid}}` envelope, the `access-token` header and `open_id` query. A video_id can be
 * used for one create only, as documented. Comment APIs are closed to new apps and not served.
 */
import { type CommonFault, type Exchange, FakePlatform, fileField, parseJson } from './platform-kit';

export type DouyinFault =
  | CommonFault
  | { kind: 'error'; code: number; description?: string }
  /** 2190008 access_token expired. */
  | { kind: 'tokenExpired' }
  /** 2190016 frequency limit. */
  | { kind: 'rateLimit' }
  /** 2110001 review rejected. */
  | { kind: 'rejected' };

export interface FakeDouyinItem {
  item_id: string;
  title: string;
  create_time: number;
  share_url: string;
  kind: 'video' | 'image_text';
  media: string[];
  is_delete: boolean;
}

export class FakeDouyin extends FakePlatform<DouyinFault> {
  readonly accessToken = 'act.fake-douyin';
  readonly openId = 'open-id-fake';
  readonly clientKey = 'aw-fake-client';
  /** Refresh tokens that /oauth/refresh_token/ accepts. */
  readonly refreshTokens = new Set(['rft.fake-douyin']);
  /** Access tokens currently valid. */
  readonly validTokens = new Set([this.accessToken]);
  now = () => new Date();
  /** A new post shows in video_list only this long after it was created (the platform's slow path). */
  listDelayMs = 0;

  readonly videos = new Map<string, { size: number; used: boolean }>();
  readonly images = new Map<string, { size: number }>();
  readonly items: FakeDouyinItem[] = [];
  protected readonly faultPages = { httpBody: '<html>gateway error</html>', malformed: { type: 'application/json', body: '{"data":{"error_code":0,' } };

  get postCount(): number {
    return this.items.filter((i) => !i.is_delete).length;
  }

  protected platformFault(fault: Exclude<DouyinFault, CommonFault>): unknown {
    switch (fault.kind) {
      case 'error':
        return envelope(fault.code, fault.description ?? 'injected');
      case 'tokenExpired':
        this.validTokens.clear();
        return envelope(2190008, 'access_token过期,请刷新或重新授权');
      case 'rateLimit':
        return envelope(2190016, '接口调用频率超过限制');
      case 'rejected':
        return envelope(2110001, '视频审核不通过：内容违反社区规范');
    }
  }

  protected async route({ path, url, req, raw }: Exchange): Promise<unknown> {
    if (path === '/oauth/refresh_token/') {
      const f = new URLSearchParams(raw.toString('utf8'));
      if (f.get('client_key') !== this.clientKey || f.get('grant_type') !== 'refresh_token') return { data: { error_code: 10002, description: '参数错误' }, message: 'error' };
      if (!this.refreshTokens.has(f.get('refresh_token') ?? '')) return { data: { error_code: 10010, description: 'refresh_token过期' }, message: 'error' };
      const token = this.id('act.refreshed-');
      this.validTokens.add(token);
      return { data: { error_code: 0, description: '', access_token: token, expires_in: 1296000, refresh_token: f.get('refresh_token'), refresh_expires_in: 2592000, open_id: this.openId, scope: 'video.create' }, message: 'success' };
    }
    if (!this.validTokens.has(String(req.headers['access-token'] ?? ''))) return envelope(2190002, 'access_token无效');
    if (url.searchParams.get('open_id') !== this.openId) return envelope(2100005, '参数不合法: open_id');
    const ok = (data: Record<string, unknown>) => ({ data: { error_code: 0, description: '', ...data }, extra: { error_code: 0, description: '', logid: this.id('LOG'), now: Date.now() } });
    switch (path) {
      case '/video/upload/': {
        const f = await fileField(req, raw, 'video');
        if (!f) return envelope(2100005, '参数不合法: video');
        if (!f.type.startsWith('video/')) return envelope(2110002, '视频格式不支持');
        const videoId = this.id('v0200f_');
        this.videos.set(videoId, { size: f.size, used: false });
        return ok({ video: { video_id: videoId, width: 720, height: 1280 } });
      }
      case '/image/upload/': {
        const f = await fileField(req, raw, 'image');
        if (!f) return envelope(2100005, '参数不合法: image');
        const imageId = this.id('img_');
        this.images.set(imageId, { size: f.size });
        return ok({ image: { image_id: imageId, width: 1080, height: 1440 } });
      }
      case '/api/douyin/v1/video/create_video/': {
        const b = parseJson(raw);
        const v = this.videos.get(String(b.video_id ?? ''));
        if (!v) return envelope(2100005, '参数不合法: video_id');
        if (v.used) return envelope(2100005, 'video_id已使用，请重新上传');
        v.used = true;
        return ok({ item_id: this.post(String(b.text ?? ''), 'video', [String(b.video_id)]) });
      }
      case '/api/douyin/v1/video/create_image_text/': {
        const b = parseJson(raw);
        const list = Array.isArray(b.image_list) ? (b.image_list as { image_id?: string }[]) : [];
        if (!list.length || list.some((i) => !this.images.has(String(i.image_id)))) return envelope(2100005, '参数不合法: image_list');
        return ok({ item_id: this.post(String(b.text ?? ''), 'image_text', list.map((i) => String(i.image_id))) });
      }
      case '/api/douyin/v1/video/video_list/': {
        const count = Number(url.searchParams.get('count') ?? 10);
        const list = [...this.items].filter((i) => i.create_time * 1000 + this.listDelayMs <= this.now().getTime()).reverse().slice(0, count);
        return ok({ list, cursor: list.length, has_more: false });
      }
      default:
        return envelope(2100005, `no such api ${path}`);
    }
  }

  private post(text: string, kind: 'video' | 'image_text', media: string[]): string {
    const itemId = this.id('@9VwKzuuES8gmaXS0ZohwT');
    this.items.push({
      item_id: itemId,
      title: text,
      create_time: Math.floor(this.now().getTime() / 1000),
      share_url: `https://www.iesdouyin.com/share/video/${itemId}/`,
      kind,
      media,
      is_delete: false,
    });
    return itemId;
  }
}

function envelope(code: number, description: string) {
  return { data: { error_code: code, description }, extra: { error_code: code, description, sub_error_code: 0, sub_description: '', logid: 'LOGFAULT', now: Date.now() } };
}
