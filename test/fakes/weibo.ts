/**
 * A fake Weibo Open API (api.weibo.com/2) on 127.0.0.1: statuses/share (multipart, `pic`),
 * statuses/user_timeline, statuses/destroy, statuses/count, comments/show, oauth2/get_token_info.
 * Errors follow Weibo: HTTP 400/403 with `{error, error_code, request}`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WeiboFault =
  | { kind: 'http'; status: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'error'; code: number; error?: string; status?: number }
  /** 21327 expired_token. */
  | { kind: 'tokenExpired' }
  /** 10023 User requests out of rate limit. */
  | { kind: 'rateLimit' }
  /** 20021 content is illegal (the platform's review). */
  | { kind: 'rejected' }
  /** Posts, then drops the connection: the answer is lost. */
  | { kind: 'dropAfterCommit' };

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

export class FakeWeibo {
  readonly accessToken = 'weibo-fake-token';
  /** The app's bound safe domain: statuses must link to it. */
  safeDomain = 'www.example.gov.cn';
  /** Seconds until the grant expires, as told by get_token_info. */
  expireIn = 30 * 86400;
  baseUrl = '';
  now = () => new Date();

  readonly calls: Record<string, number> = {};
  readonly statuses: FakeStatus[] = [];
  readonly comments = new Map<string, { id: number; text: string; created_at: string; user: { screen_name: string } }[]>();
  /** Reposts and attitudes (likes) by status id, for statuses/count; comments are counted from `comments`. */
  readonly counts = new Map<string, { reposts: number; attitudes: number }>();
  private readonly user = { id: 5_000_001, idstr: '5000001', screen_name: '某单位发布' };
  private server?: Server;
  private seq = 4_900_000_000_000_000;
  private readonly faults = new Map<string, WeiboFault[]>();

  get postCount(): number {
    return this.statuses.filter((s) => !s.deleted).length;
  }

  inject(path: string, fault: WeiboFault, times = 1): void {
    const list = this.faults.get(path) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(path, list);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500);
          res.end(String(e));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    this.calls[path] = (this.calls[path] ?? 0) + 1;
    const raw = await readBody(req);
    const params = await readParams(req, raw, url);
    const err = (status: number, code: number, error: string) => json(res, { error, error_code: code, request: path }, status);
    const fault = this.faults.get(path)?.shift();
    if (fault) {
      switch (fault.kind) {
        case 'http':
          res.writeHead(fault.status, { 'content-type': 'text/html' });
          res.end('<html>502 Bad Gateway</html>');
          return;
        case 'hang':
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":');
          return;
        case 'error':
          return err(fault.status ?? 400, fault.code, fault.error ?? 'injected');
        case 'tokenExpired':
          return err(401, 21327, 'expired_token');
        case 'rateLimit':
          return err(403, 10023, 'User requests out of rate limit!');
        case 'rejected':
          return err(400, 20021, 'content is illegal!');
        case 'dropAfterCommit': {
          this.route(path, params);
          req.socket.destroy();
          return;
        }
      }
    }
    const out = this.route(path, params);
    if ('error_code' in out) return err(Number(out.status ?? 400), Number(out.error_code), String(out.error));
    // statuses/count answers a bare array.
    json(res, path === '/2/statuses/count.json' ? out.list : out);
  }

  private route(path: string, p: Params): Record<string, unknown> {
    if (p.get('access_token') !== this.accessToken) return { status: 401, error_code: 21332, error: 'invalid_access_token' };
    switch (path) {
      case '/2/statuses/share.json': {
        const text = p.get('status') ?? '';
        if (!text) return { error_code: 10016, error: 'miss required parameter (status)' };
        if (weiboLength(text) > 140) return { error_code: 20012, error: 'Text too long, please input text less than 140 characters!' };
        if (!text.includes(`://${this.safeDomain}`)) return { status: 400, error_code: 10017, error: 'parameter (status)\'s value invalid, must contain a safe domain url' };
        const recent = this.statuses.find((s) => !s.deleted && s.text === text);
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
          .filter((s) => !s.deleted)
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
  const ct = req.headers['content-type'] ?? '';
  let form: FormData | undefined;
  if (ct.startsWith('multipart/form-data') || ct.startsWith('application/x-www-form-urlencoded')) {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
  }
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, obj: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(obj));
}
