/**
 * A fake Weibo Open API (api.weibo.com/2) on 127.0.0.1: statuses/share (multipart, `pic`),
 * statuses/user_timeline, statuses/destroy, statuses/count, comments/show, oauth2/get_token_info.
 * Errors follow Weibo: HTTP 400/403 with `{error, error_code, request}`.
 */
import type { IncomingMessage } from 'node:http';
import { type CommonFault, type Exchange, FakePlatform, json, readForm } from './platform-kit';

export type WeiboFault =
  /** `dropAfterCommit` posts, then drops the connection: the answer is lost. */
  | CommonFault
  | { kind: 'error'; code: number; error?: string; status?: number }
  /** 21327 expired_token. */
  | { kind: 'tokenExpired' }
  /** 10023 User requests out of rate limit. */
  | { kind: 'rateLimit' }
  /** 20021 content is illegal (the platform's review). */
  | { kind: 'rejected' }
  /** Posts the status (shown in the timeline only after `listDelayMs`), then answers 20032 "accepted, server slow". */
  | { kind: 'acceptedSlow' };

export interface FakeStatus {
  id: number;
  idstr: string;
  mid: string;
  text: string;
  created_at: string;
  pic?: { size: number; type: string };
  deleted: boolean;
  user: { id: number; idstr: string; screen_name: string };
}

interface WeiboExchange extends Exchange {
  params: Params;
}

export class FakeWeibo extends FakePlatform<WeiboFault, WeiboExchange> {
  readonly accessToken = 'weibo-fake-token';
  /** The app's bound safe domain: statuses must link to it. */
  safeDomain = 'www.example.gov.cn';
  /** Seconds until the grant expires, as told by get_token_info. */
  expireIn = 30 * 86400;
  now = () => new Date();
  /** A new status shows in user_timeline only this long after it was posted (Weibo's slow path). */
  listDelayMs = 0;
  /** Whether the repeated-content check (20019) also sees statuses not shown yet. */
  repeatCheckSeesHidden = false;

  readonly statuses: FakeStatus[] = [];
  readonly comments = new Map<string, { id: number; text: string; created_at: string; user: { screen_name: string } }[]>();
  /** Reposts and attitudes (likes) by status id, for statuses/count; comments are counted from `comments`. */
  readonly counts = new Map<string, { reposts: number; attitudes: number }>();
  private readonly user = { id: 5_000_001, idstr: '5000001', screen_name: '某单位发布' };
  protected override seq = 4_900_000_000_000_000;
  protected readonly faultPages = { httpBody: '<html>502 Bad Gateway</html>', malformed: { type: 'application/json', body: '{"id":' } };

  get postCount(): number {
    return this.statuses.filter((s) => !s.deleted).length;
  }

  protected override async prepare(x: Exchange): Promise<WeiboExchange> {
    return { ...x, params: await readParams(x.req, x.raw, x.url) };
  }

  private shown(s: FakeStatus): boolean {
    return Date.parse(s.created_at) + this.listDelayMs <= this.now().getTime();
  }

  protected platformFault(fault: Exclude<WeiboFault, CommonFault>, x: WeiboExchange): Record<string, unknown> {
    switch (fault.kind) {
      case 'acceptedSlow': {
        const posted = this.route(x);
        if ('error_code' in posted) return posted;
        return { status: 400, error_code: 20032, error: 'update success, while server slow now, please wait 1-2 minutes' };
      }
      case 'error':
        return { status: fault.status ?? 400, error_code: fault.code, error: fault.error ?? 'injected' };
      case 'tokenExpired':
        return { status: 401, error_code: 21327, error: 'expired_token' };
      case 'rateLimit':
        return { status: 403, error_code: 10023, error: 'User requests out of rate limit!' };
      case 'rejected':
        return { status: 400, error_code: 20021, error: 'content is illegal!' };
    }
  }

  /** An answer with `error_code` is a Weibo error: `{error, error_code, request}` with its HTTP status (400 by default). */
  protected override answer({ res, path }: WeiboExchange, body: unknown): void {
    const out = body as Record<string, unknown>;
    if ('error_code' in out) return json(res, { error: String(out.error), error_code: Number(out.error_code), request: path }, Number(out.status ?? 400));
    // statuses/count answers a bare array.
    json(res, path === '/2/statuses/count.json' ? out.list : out);
  }

  protected route({ path, params: p }: WeiboExchange): Record<string, unknown> {
    if (p.get('access_token') !== this.accessToken) return { status: 401, error_code: 21332, error: 'invalid_access_token' };
    switch (path) {
      case '/2/statuses/share.json': {
        const text = p.get('status') ?? '';
        if (!text) return { error_code: 10016, error: 'miss required parameter (status)' };
        if (weiboLength(text) > 140) return { error_code: 20012, error: 'Text too long, please input text less than 140 characters!' };
        if (!text.includes(`://${this.safeDomain}`)) return { status: 400, error_code: 10017, error: 'parameter (status)\'s value invalid, must contain a safe domain url' };
        const recent = this.statuses.find((s) => !s.deleted && s.text === text && (this.repeatCheckSeesHidden || this.shown(s)));
        if (recent) return { error_code: 20019, error: 'repeat content!' };
        const pic = p.file('pic');
        if (pic && pic.size > 5 * 1024 * 1024) return { error_code: 20006, error: 'image size too large' };
        this.seq += 1;
        const s: FakeStatus = {
          id: this.seq,
          idstr: String(this.seq),
          mid: String(this.seq),
          text,
          created_at: this.now().toUTCString(),
          pic: pic ? { size: pic.size, type: pic.type } : undefined,
          deleted: false,
          user: this.user,
        };
        this.statuses.push(s);
        const { deleted: _d, pic: _p, ...shown } = s;
        return { ...shown, original_pic: pic ? `https://wx1.sinaimg.cn/large/${s.idstr}.jpg` : undefined };
      }
      case '/2/statuses/user_timeline.json': {
        const count = Number(p.get('count') ?? 20);
        const list = this.statuses
          .filter((s) => !s.deleted && this.shown(s))
          .reverse()
          .slice(0, count)
          .map(({ deleted: _d, pic: _p, ...s }) => s);
        return { statuses: list, total_number: list.length };
      }
      case '/2/statuses/destroy.json': {
        const s = this.statuses.find((x) => x.idstr === p.get('id') && !x.deleted);
        if (!s) return { error_code: 20101, error: 'target weibo does not exist!' };
        s.deleted = true;
        const { deleted: _d, pic: _p, ...shown } = s;
        return shown;
      }
      case '/2/statuses/count.json': {
        // Up to 100 ids; deleted and unknown ones are left out of the answer.
        const ids = (p.get('ids') ?? '').split(',').filter(Boolean);
        if (ids.length === 0 || ids.length > 100) return { error_code: 10008, error: 'param error, see doc for more info.' };
        const found = ids.filter((id) => this.statuses.some((s) => s.idstr === id && !s.deleted));
        return { list: found.map((id) => ({ id: Number(id), comments: this.comments.get(id)?.length ?? 0, reposts: this.counts.get(id)?.reposts ?? 0, attitudes: this.counts.get(id)?.attitudes ?? 0 })) };
      }
      case '/2/comments/show.json': {
        const all = this.comments.get(p.get('id') ?? '') ?? [];
        const since = Number(p.get('since_id') ?? 0);
        const list = all.filter((c) => c.id > since).slice(0, Number(p.get('count') ?? 50));
        return { comments: list, total_number: all.length };
      }
      case '/oauth2/get_token_info':
        return { uid: this.user.id, appkey: 'fake', scope: 'all', create_at: Math.floor(this.now().getTime() / 1000), expire_in: this.expireIn };
      default:
        return { status: 404, error_code: 10014, error: `no such api ${path}` };
    }
  }
}

export function weiboLength(s: string): number {
  let half = 0;
  for (const ch of s) half += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return Math.ceil(half / 2);
}

interface Params {
  get(name: string): string | undefined;
  file(name: string): { size: number; type: string } | undefined;
}

async function readParams(req: IncomingMessage, raw: Buffer, url: URL): Promise<Params> {
  const form = await readForm(req, raw, { urlencoded: true });
  return {
    get: (name) => {
      const v = form?.get(name);
      if (typeof v === 'string') return v;
      return url.searchParams.get(name) ?? undefined;
    },
    file: (name) => {
      const v = form?.get(name);
      return v && typeof v !== 'string' ? { size: v.size, type: v.type } : undefined;
    },
  };
}
