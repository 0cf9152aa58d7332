/**
 * A fake Feishu OpenAPI server for tests: a real HTTP server on 127.0.0.1 that the real
 * `@larksuiteoapi/node-sdk` client talks to through `domain: fake.baseUrl`.
 *
 * Implements the tenant token, bot info, message create/reply/patch (with `uuid`
 * de-duplication) and message resources, with the documented `{code, msg, data}` envelopes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SentMessage {
  message_id: string;
  /** `create` or `reply`. */
  kind: 'create' | 'reply';
  /** For create: the receive id and its type. */
  receive_id?: string;
  receive_id_type?: string;
  /** For reply: the message replied to. */
  reply_to?: string;
  reply_in_thread?: boolean;
  /** The chat the message ended up in (receive_id for chat_id sends, `oc_p2p_<open_id>` for users). */
  chat_id: string;
  msg_type: string;
  /** `content` parsed from its JSON string. */
  content: unknown;
  uuid?: string;
}

export interface PatchRecord {
  message_id: string;
  /** `content` parsed from its JSON string. */
  content: unknown;
}

/** A canned failure: the shorthand kinds or any status/code. */
export type FailureKind =
  | '429'
  | '230020'
  | '500'
  | '230031'
  | '230011'
  | '230099'
  | 'token-invalid'
  | { status: number; code: number; msg?: string; headers?: Record<string, string> };

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  botName?: string;
  /** `x-ogw-ratelimit-reset` sent with a '429' failure, in seconds (default 1). */
  rateLimitResetSeconds?: number;
}

export interface FakeFeishu {
  baseUrl: string;
  appId: string;
  appSecret: string;
  botOpenId: string;
  /** Every create/reply that produced a message (uuid repeats are not recorded twice). */
  messages: SentMessage[];
  patches: PatchRecord[];
  /** Every request seen, as `METHOD /path` (query string dropped). */
  requests: string[];
  readonly tokenRequests: number;
  /** The next `n` message calls (create, reply, patch, resource) fail with `kind`. */
  failNext(n: number, kind: FailureKind): void;
  /** Makes `GET /open-apis/im/v1/messages/:id/resources/:key` return these bytes. */
  addResource(messageId: string, fileKey: string, bytes: Buffer, contentType?: string): void;
  /** Invalidates every token issued so far (the next call gets 99991663). */
  revokeTokens(): void;
  /** The long-connection gateway (`POST /callback/ws/endpoint` and a WebSocket speaking Feishu's protobuf frames). */
  ws: FakeFeishuGateway;
  /** Forgets messages, patches, requests, failures, uuids and the token count; issued tokens stay valid. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeFeishuGateway {
  /** Connected clients (handshake done and first ping received). */
  readonly connections: number;
  /** Resolves when at least one client is connected and listening. */
  waitForConnection(): Promise<void>;
  /**
   * Pushes an event (or a `card.action.trigger` callback) to one connected client, as Feishu does,
   * and resolves with the client's answer: `code` (200 ok, 500 handler failure) and its `data` parsed.
   */
  push(payload: Record<string, unknown>): Promise<{ code: number; data?: unknown }>;
}

interface Envelope {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const FAILURES: Record<Exclude<FailureKind, object>, (resetSeconds: number) => Envelope> = {
  '429': (reset) => ({
    status: 429,
    body: { code: 99991400, msg: 'request trigger frequency limit' },
    headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': String(reset) },
  }),
  '230020': () => ({ status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit.' } }),
  '500': () => ({ status: 500, body: { code: 1, msg: 'internal error' } }),
  '230031': () => ({ status: 400, body: { code: 230031, msg: 'The message is too old to be updated.' } }),
  '230011': () => ({ status: 400, body: { code: 230011, msg: 'The message is recalled.' } }),
  '230099': () => ({ status: 400, body: { code: 230099, msg: 'Failed to create card content.' } }),
  'token-invalid': () => ({ status: 400, body: { code: 99991663, msg: 'Invalid access token for authorization.' } }),
};

const ok = (data: unknown = {}): Envelope => ({ status: 200, body: { code: 0, msg: 'success', data } });
const fail = (status: number, code: number, msg: string): Envelope => ({ status, body: { code, msg } });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the fake on a random port. Close it in `afterAll`. */
export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = options.appId ?? 'cli_a1b2c3d4e5f60718';
  const appSecret = options.appSecret ?? 'fake-app-secret';
  const botOpenId = options.botOpenId ?? 'ou_bot0000000000000000000000000000';
  const botName = options.botName ?? 'Copydesk';
  const resetSeconds = options.rateLimitResetSeconds ?? 1;

  const tokens = new Set<string>();
  const byUuid = new Map<string, SentMessage>();
  const known = new Map<string, SentMessage>();
  const resources = new Map<string, { bytes: Buffer; contentType: string }>();
  let failures: FailureKind[] = [];
  let tokenRequests = 0;
  let seq = 0;

  const state = {
    messages: [] as SentMessage[],
    patches: [] as PatchRecord[],
    requests: [] as string[],
  };

  const nextFailure = (): Envelope | undefined => {
    const kind = failures.shift();
    if (kind === undefined) return undefined;
    if (typeof kind === 'object') return { status: kind.status, body: { code: kind.code, msg: kind.msg ?? 'fake failure' }, headers: kind.headers };
    return FAILURES[kind](resetSeconds);
  };

  const messageData = (m: SentMessage) => ({
    message_id: m.message_id,
    root_id: m.reply_to ?? '',
    parent_id: m.reply_to ?? '',
    msg_type: m.msg_type,
    create_time: String(Date.now()),
    update_time: String(Date.now()),
    deleted: false,
    updated: false,
    chat_id: m.chat_id,
    sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'fake-tenant' },
    body: { content: JSON.stringify(m.content) },
  });

  const record = (m: Omit<SentMessage, 'message_id'>): Envelope => {
    if (m.uuid) {
      const earlier = byUuid.get(m.uuid);
      if (earlier) return ok(messageData(earlier));
    }
    const message: SentMessage = { ...m, message_id: `om_fake_${++seq}_${randomBytes(4).toString('hex')}` };
    if (m.uuid) byUuid.set(m.uuid, message);
    known.set(message.message_id, message);
    state.messages.push(message);
    return ok(messageData(message));
  };

  const parseContent = (body: Record<string, unknown>): { msg_type: string; content: unknown } | Envelope => {
    const msgType = body.msg_type;
    const content = body.content;
    if (typeof msgType !== 'string' || typeof content !== 'string') return fail(400, 230001, 'Your request contains an invalid request parameter.');
    const parsed = parseJson(content);
    if (!parsed) return fail(400, 230001, 'Invalid content: not a JSON object.');
    if (msgType === 'text' && typeof parsed.text !== 'string') return fail(400, 230001, 'Invalid text content.');
    if (msgType === 'interactive' && parsed.schema !== '2.0' && !('elements' in parsed)) return fail(400, 230099, 'Failed to create card content.');
    return { msg_type: msgType, content: parsed };
  };

  const uuidOf = (body: Record<string, unknown>): string | undefined | Envelope => {
    if (body.uuid === undefined) return undefined;
    if (typeof body.uuid !== 'string' || body.uuid.length > 50) return fail(400, 230001, 'uuid must be a string of at most 50 characters.');
    return body.uuid;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Envelope | 'done'> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    state.requests.push(`${method} ${path}`);
    const text = await readBody(req);

    if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokenRequests++;
      const body = parseJson(text);
      if (!body || body.app_id !== appId || body.app_secret !== appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
      const token = `t-fake-${randomBytes(8).toString('hex')}`;
      tokens.add(token);
      return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 } };
    }

    if (method === 'POST' && path === '/callback/ws/endpoint') {
      const body = parseJson(text);
      if (!body || body.AppID !== appId || body.AppSecret !== appSecret) return { status: 200, body: { code: 514, msg: 'app secret invalid', data: {} } };
      return {
        status: 200,
        body: {
          code: 0,
          msg: 'ok',
          data: {
            URL: `ws://127.0.0.1:${port}/ws?device_id=fake-device&service_id=7`,
            ClientConfig: { PingInterval: 120, ReconnectCount: 0, ReconnectInterval: 120, ReconnectNonce: 0 },
          },
        },
      };
    }

    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!token) return fail(400, 99991661, 'Missing access token for authorization.');
    if (!tokens.has(token)) return fail(400, 99991663, 'Invalid access token for authorization.');

    if (method === 'GET' && path === '/open-apis/bot/v3/info') {
      return { status: 200, body: { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: botName, avatar_url: '', ip_white_list: [], open_id: botOpenId } } };
    }

    const isMessageCall = path.startsWith('/open-apis/im/v1/messages');
    if (isMessageCall) {
      const failure = nextFailure();
      if (failure) return failure;
    }

    if (method === 'POST' && path === '/open-apis/im/v1/messages') {
      const receiveIdType = url.searchParams.get('receive_id_type');
      if (!receiveIdType || !['open_id', 'user_id', 'union_id', 'email', 'chat_id'].includes(receiveIdType)) {
        return fail(400, 99992402, 'field validation failed: receive_id_type');
      }
      const body = parseJson(text);
      if (!body || typeof body.receive_id !== 'string' || !body.receive_id) return fail(400, 230001, 'receive_id is required.');
      const content = parseContent(body);
      if ('status' in content) return content;
      const uuid = uuidOf(body);
      if (uuid && typeof uuid === 'object') return uuid;
      return record({
        kind: 'create',
        receive_id: body.receive_id,
        receive_id_type: receiveIdType,
        chat_id: receiveIdType === 'chat_id' ? body.receive_id : `oc_p2p_${body.receive_id}`,
        ...content,
        uuid,
      });
    }

    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
    if (method === 'POST' && reply) {
      const body = parseJson(text);
      if (!body) return fail(400, 230001, 'Invalid request body.');
      const content = parseContent(body);
      if ('status' in content) return content;
      const uuid = uuidOf(body);
      if (uuid && typeof uuid === 'object') return uuid;
      const parent = known.get(reply[1]);
      return record({
        kind: 'reply',
        reply_to: reply[1],
        reply_in_thread: body.reply_in_thread === true,
        chat_id: parent?.chat_id ?? 'oc_fake_chat',
        ...content,
        uuid,
      });
    }

    const resource = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(path);
    if (method === 'GET' && resource) {
      const type = url.searchParams.get('type');
      if (type !== 'image' && type !== 'file') return fail(400, 99992402, 'field validation failed: type');
      const found = resources.get(`${resource[1]}/${resource[2]}`);
      if (!found) return fail(400, 234003, 'File not in msg.');
      res.writeHead(200, { 'content-type': found.contentType, 'content-length': String(found.bytes.length) });
      res.end(found.bytes);
      return 'done';
    }

    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path);
    if (method === 'PATCH' && patch) {
      const body = parseJson(text);
      if (!body || typeof body.content !== 'string') return fail(400, 230001, 'content is required.');
      const content = parseJson(body.content);
      if (!content) return fail(400, 230099, 'Failed to create card content.');
      state.patches.push({ message_id: patch[1], content });
      return ok({});
    }

    return fail(404, 404, `fake Feishu does not implement ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    route(req, res).then(
      (out) => {
        if (out === 'done') return;
        res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
        res.end(JSON.stringify(out.body));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 1, msg: `fake crashed: ${String(error)}` }));
      },
    );
  });
  const gateway = createGateway();
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => gateway.upgrade(req, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    botOpenId,
    get messages() {
      return state.messages;
    },
    get patches() {
      return state.patches;
    },
    get requests() {
      return state.requests;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    failNext(n, kind) {
      for (let i = 0; i < n; i++) failures.push(kind);
    },
    addResource(messageId, fileKey, bytes, contentType = 'image/png') {
      resources.set(`${messageId}/${fileKey}`, { bytes, contentType });
    },
    ws: gateway,
    revokeTokens() {
      tokens.clear();
    },
    reset() {
      state.messages = [];
      state.patches = [];
      state.requests = [];
      failures = [];
      byUuid.clear();
      tokenRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        gateway.closeAll();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/*
 * The long-connection gateway: a minimal WebSocket server (RFC 6455, binary frames only) carrying
 * Feishu's `pbbp2.Frame` protobuf messages, enough for the SDK's WSClient to connect, receive events
 * and send back handler results.
 */

interface PbHeader {
  key: string;
  value: string;
}

interface PbFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: PbHeader[];
  payload?: Buffer;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

const field = (id: number, wire: number): Buffer => varint((id << 3) | wire);
const bytesField = (id: number, bytes: Buffer): Buffer => Buffer.concat([field(id, 2), varint(bytes.length), bytes]);

function encodeFrame(frame: PbFrame): Buffer {
  const parts = [field(1, 0), varint(frame.SeqID), field(2, 0), varint(frame.LogID), field(3, 0), varint(frame.service), field(4, 0), varint(frame.method)];
  for (const h of frame.headers) parts.push(bytesField(5, Buffer.concat([bytesField(1, Buffer.from(h.key)), bytesField(2, Buffer.from(h.value))])));
  if (frame.payload) parts.push(bytesField(8, frame.payload));
  return Buffer.concat(parts);
}

function readFields(buf: Buffer, onField: (id: number, value: number | Buffer) => void): void {
  let i = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const b = buf[i++];
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const id = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) onField(id, readVarint());
    else if (wire === 2) {
      const len = readVarint();
      onField(id, buf.subarray(i, i + len));
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeFrame(buf: Buffer): PbFrame {
  const frame: PbFrame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  readFields(buf, (id, value) => {
    if (id === 1) frame.SeqID = value as number;
    else if (id === 2) frame.LogID = value as number;
    else if (id === 3) frame.service = value as number;
    else if (id === 4) frame.method = value as number;
    else if (id === 5) {
      const h: PbHeader = { key: '', value: '' };
      readFields(value as Buffer, (hid, hv) => {
        if (hid === 1) h.key = (hv as Buffer).toString('utf8');
        if (hid === 2) h.value = (hv as Buffer).toString('utf8');
      });
      frame.headers.push(h);
    } else if (id === 8) frame.payload = Buffer.from(value as Buffer);
  });
  return frame;
}

function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]) : Buffer.alloc(10);
  if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  /** Set once the client has sent its first frame. */
  ready: boolean;
}

function createGateway() {
  const connections = new Set<Connection>();
  const waiting = new Map<string, (answer: { code: number; data?: unknown }) => void>();
  let connectedWaiters: Array<() => void> = [];
  let seq = 0;

  const onMessage = (conn: Connection, data: Buffer) => {
    const frame = decodeFrame(data);
    if (!conn.ready) {
      // The SDK sends its first ping right after the handshake, just before it starts listening:
      // only from then on is an event pushed to it not lost.
      conn.ready = true;
      const ready = connectedWaiters;
      connectedWaiters = [];
      ready.forEach((r) => r());
    }
    const headers = Object.fromEntries(frame.headers.map((h) => [h.key, h.value]));
    if (frame.method !== 1 || headers.type !== 'event') return; // control frames (ping) need no answer here
    const resolve = waiting.get(headers.message_id);
    if (!resolve) return;
    waiting.delete(headers.message_id);
    const answer = JSON.parse((frame.payload ?? Buffer.from('{}')).toString('utf8')) as { code: number; data?: string };
    resolve({ code: answer.code, data: answer.data ? JSON.parse(Buffer.from(answer.data, 'base64').toString('utf8')) : undefined });
  };

  const onData = (conn: Connection, chunk: Buffer) => {
    conn.buffer = Buffer.concat([conn.buffer, chunk]);
    for (;;) {
      const b = conn.buffer;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLen = masked ? 4 : 0;
      if (b.length < offset + maskLen + len) return;
      const mask = b.subarray(offset, offset + maskLen);
      const payload = Buffer.from(b.subarray(offset + maskLen, offset + maskLen + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      conn.buffer = b.subarray(offset + maskLen + len);
      if (opcode === 0x8) {
        conn.socket.end(wsFrame(0x8, Buffer.alloc(0)));
        connections.delete(conn);
        return;
      }
      if (opcode === 0x9) conn.socket.write(wsFrame(0xa, payload));
      if (opcode === 0x2) onMessage(conn, payload);
    }
  };

  return {
    get connections() {
      return [...connections].filter((c) => c.ready).length;
    },
    upgrade(req: IncomingMessage, socket: Socket) {
      const key = req.headers['sec-websocket-key'];
      if (!req.url?.startsWith('/ws') || typeof key !== 'string') {
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      const conn: Connection = { socket, buffer: Buffer.alloc(0), ready: false };
      connections.add(conn);
      socket.on('data', (chunk: Buffer) => onData(conn, chunk));
      socket.on('close', () => connections.delete(conn));
      socket.on('error', () => connections.delete(conn));
    },
    waitForConnection(): Promise<void> {
      if ([...connections].some((c) => c.ready)) return Promise.resolve();
      return new Promise<void>((resolve) => connectedWaiters.push(resolve));
    },
    push(payload: Record<string, unknown>): Promise<{ code: number; data?: unknown }> {
      const conn = [...connections].find((c) => c.ready);
      if (!conn) return Promise.reject(new Error('no long-connection client is connected'));
      const messageId = `fake-msg-${++seq}`;
      const frame = encodeFrame({
        SeqID: seq,
        LogID: seq,
        service: 7,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: '1' },
          { key: 'seq', value: '0' },
          { key: 'trace_id', value: `trace-${seq}` },
        ],
        payload: Buffer.from(JSON.stringify(payload), 'utf8'),
      });
      return new Promise((resolve) => {
        waiting.set(messageId, resolve);
        conn.socket.write(wsFrame(0x2, frame));
      });
    },
    closeAll() {
      for (const conn of connections) conn.socket.destroy();
      connections.clear();
    },
  };
}
