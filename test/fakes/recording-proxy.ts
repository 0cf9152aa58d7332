/**
 * A recording proxy in front of a platform fake, for the feedback tests: it logs every request
 * (path, query, JSON body) and answers chosen requests with an error instead of forwarding them,
 * so a test can fail exactly one page and then check which pages were fetched.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from './platform-kit';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  /** The status the proxy answered with. */
  status: number;
}

type Matcher = (r: Omit<RecordedRequest, 'status'>) => boolean;

export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private server?: Server;
  private readonly faults: { match: Matcher; status: number; left: number }[] = [];

  constructor(private readonly target: () => string) {}

  /** Answers the next `times` matching requests with `status` (HTML body, like a gateway). */
  failWhen(match: Matcher, status = 503, times = 1): void {
    this.faults.push({ match, status, left: times });
  }

  /** Requests to `path` that were forwarded (not failed by the proxy). */
  forwarded(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path && r.status < 500);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(e));
        },
      );
    });
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; type: string; body: Buffer | string }> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Record<string, unknown> | null = null;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    const rec = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    const fault = this.faults.find((f) => f.left > 0 && f.match(rec));
    if (fault) {
      fault.left -= 1;
      this.requests.push({ ...rec, status: fault.status });
      return { status: fault.status, type: 'text/html', body: '<html>502 Bad Gateway</html>' };
    }
    const headers: Record<string, string> = {};
    if (req.headers['content-type']) headers['content-type'] = String(req.headers['content-type']);
    const res = await fetch(`${this.target()}${req.url ?? '/'}`, { method: req.method, headers, body: raw.length ? raw : undefined });
    const out = Buffer.from(await res.arrayBuffer());
    this.requests.push({ ...rec, status: res.status });
    return { status: res.status, type: res.headers.get('content-type') ?? 'application/octet-stream', body: out };
  }
}
