/**
 * The HTTP scaffolding the platform fakes share: a server on a random 127.0.0.1 port, the request
 * body, call counters, and a fault queue per path with the kinds every platform has (`http`,
 * `hang`, `malformed`, `dropAfterCommit`). Each fake keeps its protocol (endpoints, envelopes,
 * error codes and its own fault kinds) in its own file and plugs it in through `route`,
 * `platformFault` and, where its answers are not plain JSON, `answer`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fault kinds every platform fake understands; a fake's fault type adds its own kinds. */
export type CommonFault =
  | { kind: 'http'; status: number }
  /** Never answers: the client's time-out fires. */
  | { kind: 'hang' }
  /** HTTP 200 with a body the client cannot parse. */
  | { kind: 'malformed' }
  /** Does the work, then drops the connection: the client never learns the result. */
  | { kind: 'dropAfterCommit' };

/** One request, read in full. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string;
  raw: Buffer;
}

/** What the common faults answer on this platform. */
export interface FaultPages {
  /** The HTML page sent with an `http` fault's status. */
  httpBody: string;
  /** The HTTP 200 answer of a `malformed` fault. */
  malformed: { type: string; body: string };
}

/**
 * A fake platform server. `F` is the fake's fault type (the common kinds plus its own);
 * `X` is what a request is read into before faults are applied (default: the `Exchange`).
 */
export abstract class FakePlatform<F extends { kind: string }, X extends Exchange = Exchange> {
  baseUrl = '';
  /** Requests by path, faulted ones included. */
  readonly calls: Record<string, number> = {};
  protected seq = 0;
  private server?: Server;
  private readonly faults = new Map<string, F[]>();

  protected abstract readonly faultPages: FaultPages;

  /** Does what the request asks and returns the answer (passed to `answer`). */
  protected abstract route(x: X): unknown;

  /** Applies a fault of one of the platform's own kinds and returns the answer (passed to `answer`). */
  protected abstract platformFault(fault: Exclude<F, CommonFault>, x: X): unknown;

  /** Reads more of the request before its fault is taken; a fake with its own `X` must override it. */
  protected prepare(x: Exchange): X | Promise<X> {
    return x as X;
  }

  /** Sends a route's or a platform fault's answer: JSON with HTTP 200 unless overridden. */
  protected answer(x: X, body: unknown): void {
    json(x.res, body);
  }

  /** Queues `fault` for the next `times` requests to `path`. */
  inject(path: string, fault: F, times = 1): void {
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
    this.baseUrl = await listenOnLoopback(this.server);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  protected id(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    this.calls[path] = (this.calls[path] ?? 0) + 1;
    const raw = await readBody(req);
    const x = await this.prepare({ req, res, url, path, raw });
    const fault = this.faults.get(path)?.shift();
    if (fault) {
      const common = fault as unknown as CommonFault;
      switch (common.kind) {
        case 'http':
          res.writeHead(common.status, { 'content-type': 'text/html' });
          res.end(this.faultPages.httpBody);
          return;
        case 'hang':
          return;
        case 'malformed':
          res.writeHead(200, { 'content-type': this.faultPages.malformed.type });
          res.end(this.faultPages.malformed.body);
          return;
        case 'dropAfterCommit':
          await this.route(x);
          req.socket.destroy();
          return;
        default:
          return this.answer(x, await this.platformFault(fault as Exclude<F, CommonFault>, x));
      }
    }
    this.answer(x, await this.route(x));
  }
}

/** Listens on a random 127.0.0.1 port; returns the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server, hanging connections included. */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function json(res: ServerResponse, obj: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(obj));
}

/** The body as a JSON object; `{}` when it is not one. */
export function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The body as a form: multipart only, or also url-encoded; undefined for other content types. */
export async function readForm(req: IncomingMessage, raw: Buffer, opts: { urlencoded?: boolean } = {}): Promise<FormData | undefined> {
  const ct = req.headers['content-type'] ?? '';
  if (!ct.startsWith('multipart/form-data') && !(opts.urlencoded && ct.startsWith('application/x-www-form-urlencoded'))) return undefined;
  return new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
}

/** A file part of a multipart body. */
export async function fileField(req: IncomingMessage, raw: Buffer, name: string): Promise<{ size: number; type: string; name: string } | undefined> {
  const f = (await readForm(req, raw))?.get(name);
  if (!f || typeof f === 'string') return undefined;
  return { size: f.size, type: f.type, name: (f as File).name };
}
