import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  idempotencyKey: string;
  signatureValid: boolean;
  payload: Record<string, unknown>;
}

/**
 * A publishing endpoint as a real receiver would run it: verifies the HMAC signature, publishes each
 * idempotency key once (a repeated key returns the same post), and can inject faults.
 */
export async function startWebhookReceiver(secret: string) {
  const requests: ReceivedPost[] = [];
  const posts = new Map<string, { id: string; url: string }>();
  const faults: ('500' | '400' | 'hang')[] = [];
  const hanging: ServerResponse[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = String(req.headers['idempotency-key'] ?? '');
      const sig = String(req.headers['x-copydesk-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
      const expected = m ? createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest() : Buffer.alloc(0);
      const signatureValid = !!m && timingSafeEqual(Buffer.from(m[2], 'hex'), expected);
      requests.push({ idempotencyKey: key, signatureValid, payload: JSON.parse(raw) });
      const fault = faults.shift();
      if (fault === 'hang') {
        hanging.push(res);
        return;
      }
      if (fault) {
        res.writeHead(Number(fault), { 'content-type': 'application/json' }).end(JSON.stringify({ error: `injected ${fault}` }));
        return;
      }
      if (!signatureValid || !key) {
        res.writeHead(401).end('bad signature');
        return;
      }
      let post = posts.get(key);
      if (!post) {
        post = { id: `post-${posts.size + 1}`, url: `https://news.example.org/p/${posts.size + 1}` };
        posts.set(key, post);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(post));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/publish`,
    requests,
    /** Distinct posts created (one per idempotency key). */
    posts,
    failNext: (...f: ('500' | '400' | 'hang')[]) => faults.push(...f),
    /** Drops the connections of requests left hanging (the caller sees a network error). */
    dropHanging: () => hanging.splice(0).forEach((h) => h.destroy()),
    /** Resolves when `n` requests have arrived. */
    async waitForRequests(n: number) {
      while (requests.length < n) await new Promise((r) => setImmediate(r));
    },
    close: () =>
      new Promise<void>((r) => {
        for (const h of hanging) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
