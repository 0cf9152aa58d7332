/**
 * A fake Kuaishou open platform (open.kuaishou.com) on 127.0.0.1: photo/start_upload, the upload
 * endpoint it names (`{endpoint}/api/upload/multipart`), photo/publish (multipart caption + cover),
 * photo/list and photo/info. Answers carry `result` (1 = ok) and `error_msg`; the app id and
 * token travel in the query. Upload tokens are single-use. No public comment API is served.
 */
import { type CommonFault, type Exchange, FakePlatform, readForm } from './platform-kit';

export type KuaishouFault =
  | CommonFault
  | { kind: 'error'; result: number; error_msg?: string }
  /** result 100200103: access_token expired. */
  | { kind: 'tokenExpired' }
  /** result 100200429: frequency limit. */
  | { kind: 'rateLimit' }
  /** result 100200601: review rejected. */
  | { kind: 'rejected' };

export interface FakeKuaishouPhoto {
  photo_id: string;
  caption: string;
  cover: string;
  play_url: string;
  create_time: number;
  like_count: number;
  comment_count: number;
  view_count: number;
  pending: boolean;
  deleted: boolean;
}

export class FakeKuaishou extends FakePlatform<KuaishouFault> {
  readonly appId = 'ks-fake-app';
  readonly accessToken = 'ks-fake-token';
  readonly appSecret = 'ks-fake-secret';
  /** Refresh tokens /oauth2/refresh_token accepts; each is single-use (rotated), as documented. */
  readonly refreshTokens = new Set(['ks-refresh-initial']);
  readonly validTokens = new Set([this.accessToken]);
  now = () => new Date();
  /** A new work shows in photo/list only this long after it was published (the platform's slow path). */
  listDelayMs = 0;

  readonly uploads = new Map<string, { size?: number; published: boolean }>();
  readonly photos: FakeKuaishouPhoto[] = [];
  protected readonly faultPages = { httpBody: '<html>service unavailable</html>', malformed: { type: 'text/html', body: '<html>login</html>' } };

  get postCount(): number {
    return this.photos.filter((p) => !p.deleted).length;
  }

  protected platformFault(fault: Exclude<KuaishouFault, CommonFault>): unknown {
    switch (fault.kind) {
      case 'error':
        return { result: fault.result, error_msg: fault.error_msg ?? 'injected' };
      case 'tokenExpired':
        this.validTokens.clear();
        return { result: 100200103, error_msg: 'access_token expired' };
      case 'rateLimit':
        return { result: 100200429, error_msg: 'request too frequent' };
      case 'rejected':
        return { result: 100200601, error_msg: '作品违反社区规定' };
    }
  }

  protected async route({ path, url, req, raw }: Exchange): Promise<unknown> {
    const q = (k: string) => url.searchParams.get(k) ?? undefined;
    if (path === '/api/upload/multipart') {
      const u = this.uploads.get(q('upload_token') ?? '');
      if (!u) return { result: 100200100, error_msg: 'invalid upload_token' };
      const form = await readForm(req, raw);
      const f = form?.get('file');
      if (!f || typeof f === 'string') return { result: 100200100, error_msg: 'file missing' };
      u.size = f.size;
      return { result: 1 };
    }
    if (path === '/oauth2/refresh_token') {
      const f = new URLSearchParams(raw.toString('utf8'));
      if (f.get('app_id') !== this.appId || f.get('app_secret') !== this.appSecret) return { result: 100200101, error_msg: 'app_id or app_secret invalid' };
      const rt = f.get('refresh_token') ?? '';
      if (!this.refreshTokens.has(rt)) return { result: 100200104, error_msg: 'refresh_token expired' };
      this.refreshTokens.delete(rt);
      const next = this.id('ks-refresh-');
      this.refreshTokens.add(next);
      const token = this.id('ks-token-');
      this.validTokens.add(token);
      return { result: 1, access_token: token, expires_in: 172800, refresh_token: next, refresh_token_expires_in: 15552000, scopes: ['user_video_publish'] };
    }
    if (q('app_id') !== this.appId) return { result: 100200100, error_msg: 'invalid app_id' };
    if (!this.validTokens.has(q('access_token') ?? '')) return { result: 100200101, error_msg: 'invalid access_token' };
    switch (path) {
      case '/openapi/photo/start_upload': {
        const token = this.id('UPLOAD_');
        this.uploads.set(token, { published: false });
        return { result: 1, upload_token: token, endpoint: this.baseUrl.replace(/^http:\/\//, '') };
      }
      case '/openapi/photo/publish': {
        const u = this.uploads.get(q('upload_token') ?? '');
        if (!u || u.size === undefined) return { result: 100200100, error_msg: 'upload_token invalid or video not uploaded' };
        if (u.published) return { result: 100200100, error_msg: 'upload_token already used' };
        const form = await readForm(req, raw);
        const caption = form?.get('caption');
        const cover = form?.get('cover');
        if (!cover || typeof cover === 'string') return { result: 100200100, error_msg: 'cover missing' };
        u.published = true;
        const photo: FakeKuaishouPhoto = {
          photo_id: this.id('3x'),
          caption: typeof caption === 'string' ? caption : '',
          cover: `https://p1.a.yximgs.com/cover/${this.seq}.jpg`,
          play_url: `https://txmov2.a.yximgs.com/${this.seq}.mp4`,
          create_time: this.now().getTime(),
          like_count: 0,
          comment_count: 0,
          view_count: 0,
          pending: false,
          deleted: false,
        };
        this.photos.push(photo);
        const { deleted: _d, ...info } = photo;
        return { result: 1, video_info: info };
      }
      case '/openapi/photo/list': {
        const count = Number(q('count') ?? 20);
        const list = this.photos
          .filter((p) => !p.deleted && p.create_time + this.listDelayMs <= this.now().getTime())
          .reverse()
          .slice(0, count)
          .map(({ deleted: _d, ...p }) => p);
        return { result: 1, video_list: list };
      }
      case '/openapi/photo/info': {
        const p = this.photos.find((x) => x.photo_id === q('photo_id') && !x.deleted);
        if (!p) return { result: 100200100, error_msg: 'photo not found' };
        const { deleted: _d, ...info } = p;
        return { result: 1, video_info: info };
      }
      default:
        return { result: 100200100, error_msg: `no such api ${path}` };
    }
  }
}
