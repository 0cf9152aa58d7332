import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { parsePublishJobFinishEvent } from '../publishers/wechat-mp';

/**
 * The WeChat Official Account server callback (消息推送), used for PUBLISHJOBFINISH: the URL check
 * (GET with `echostr`), plaintext and safe mode (AES) messages, signatures and stale timestamps.
 */
export interface WechatMpCallbackOptions {
  token: string;
  /** EncodingAESKey (43 characters) for safe mode; plaintext mode works without it. */
  encodingAesKey?: string;
  appId: string;
  logger: Logger;
  now?: () => Date;
  maxSkewMs?: number;
  onPublishJobFinish(publishId: string): Promise<void>;
}

const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const tag = (xml: string, name: string) => {
  const m = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
};

/** Decrypts a safe-mode message: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16]. */
export function decryptWechatMessage(encodingAesKey: string, encrypted: string): { message: string; appId: string } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must be 43 characters');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > 32) throw new Error('bad padding');
  const plain = padded.subarray(0, padded.length - pad);
  const length = plain.readUInt32BE(16);
  return { message: plain.subarray(20, 20 + length).toString('utf8'), appId: plain.subarray(20 + length).toString('utf8') };
}

async function readBody(ctx: Context, limit = 256 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createWechatMpCallbackRouter(options: WechatMpCallbackOptions): Router {
  const router = new Router();
  const now = options.now ?? (() => new Date());
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  const log = options.logger.child({ channel: 'wechat-mp-callback' });
  const query = (ctx: Context, name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : '');
  const refuse = (ctx: Context, status: number, error: string) => {
    ctx.status = status;
    ctx.body = { error };
  };
  const fresh = (timestamp: string) => /^\d{1,12}$/.test(timestamp) && Math.abs(now().getTime() - Number(timestamp) * 1000) <= maxSkewMs;

  router.get('/wechat/mp/events', (ctx) => {
    const [signature, timestamp, nonce, echostr] = ['signature', 'timestamp', 'nonce', 'echostr'].map((n) => query(ctx, n));
    if (!signature || !same(signature, sha1([options.token, timestamp, nonce]))) return refuse(ctx, 401, 'bad signature');
    ctx.type = 'text/plain';
    ctx.body = echostr;
  });

  router.post('/wechat/mp/events', async (ctx) => {
    const [signature, timestamp, nonce, msgSignature, encryptType] = ['signature', 'timestamp', 'nonce', 'msg_signature', 'encrypt_type'].map((n) => query(ctx, n));
    if (!signature || !same(signature, sha1([options.token, timestamp, nonce]))) return refuse(ctx, 401, 'bad signature');
    if (!fresh(timestamp)) return refuse(ctx, 401, 'stale timestamp');
    let body: string;
    try {
      body = await readBody(ctx);
    } catch (e) {
      return refuse(ctx, (e as { status?: number }).status ?? 400, 'unreadable body');
    }
    let xml = body;
    if (encryptType === 'aes') {
      const encrypted = tag(body, 'Encrypt');
      if (!encrypted || !options.encodingAesKey) return refuse(ctx, 400, 'encrypted message without a key');
      if (!msgSignature || !same(msgSignature, sha1([options.token, timestamp, nonce, encrypted]))) return refuse(ctx, 401, 'bad msg_signature');
      try {
        const { message, appId } = decryptWechatMessage(options.encodingAesKey, encrypted);
        if (appId !== options.appId) return refuse(ctx, 401, 'wrong app');
        xml = message;
      } catch {
        return refuse(ctx, 400, 'cannot decrypt');
      }
    }
    const event = parsePublishJobFinishEvent(xml);
    if (event) {
      log.info({ publishId: event.publishId, status: event.publishStatus }, 'publish job finished');
      await options.onPublishJobFinish(event.publishId);
    }
    // WeChat expects "success" (or an empty answer) within 5 s, else it retries.
    ctx.type = 'text/plain';
    ctx.body = 'success';
  });
  return router;
}
