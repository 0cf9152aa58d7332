import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** Why a webhook request was refused; `status` is the HTTP answer, `error` a short code for the JSON body and logs. */
export class WebhookRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 413 | 415,
    readonly error: string,
  ) {
    super(error);
    this.name = 'WebhookRefusal';
  }
}

export interface VerifyOptions {
  encryptKey?: string;
  verificationToken?: string;
  now: () => Date;
  /** Allowed distance between `X-Lark-Request-Timestamp` and now (default 5 min). */
  maxSkewMs: number;
}

export interface SignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

/** A request that passed every check, with its decrypted JSON. */
export interface VerifiedPayload {
  payload: Record<string, unknown>;
  /** Set for `url_verification`: the value to echo back. */
  challenge?: string;
}

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `sha256_hex(timestamp + nonce + encryptKey + rawBody)` over the raw bytes, as Feishu signs them. */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256').update(Buffer.from(timestamp + nonce + encryptKey, 'utf8')).update(rawBody).digest('hex');
}

/** AES-256-CBC with key = sha256(encryptKey) and the IV in the first 16 bytes of the base64 payload. */
export function decryptFeishu(encrypt: string, encryptKey: string): string {
  const bytes = Buffer.from(encrypt, 'base64');
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error('bad ciphertext length');
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const decipher = createDecipheriv('aes-256-cbc', key, bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WebhookRefusal(400, `malformed ${what}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new WebhookRefusal(400, `malformed ${what}`);
  return value as Record<string, unknown>;
}

/** The verification token a payload carries: `header.token` (schema 2.0) or `token` (v1, url_verification). */
export function payloadToken(payload: Record<string, unknown>): unknown {
  if (payload.schema === '2.0') {
    const header = payload.header as Record<string, unknown> | undefined;
    return header && typeof header === 'object' ? header.token : undefined;
  }
  return payload.token;
}

/**
 * Checks one webhook request before anything else sees it, on the raw body:
 * 1. with an encrypt key, the signature over the raw bytes and the timestamp's freshness, then decryption;
 *    Feishu sends the `url_verification` challenge without signature headers, so an unsigned request is
 *    accepted only if it decrypts (proof of the key) to a challenge;
 * 2. the verification token, compared in constant time (the SDK never checks it).
 * Throws `WebhookRefusal`; never touches state.
 */
export function verifyFeishuRequest(rawBody: Buffer, headers: SignatureHeaders, options: VerifyOptions): VerifiedPayload {
  const outer = parseObject(rawBody.toString('utf8'), 'body');
  let payload: Record<string, unknown>;
  let signed = false;

  if (options.encryptKey) {
    if (typeof outer.encrypt !== 'string') throw new WebhookRefusal(400, 'encrypted body expected');
    const { timestamp, nonce, signature } = headers;
    const anySignatureHeader = timestamp !== undefined || nonce !== undefined || signature !== undefined;
    if (anySignatureHeader) {
      if (!timestamp || !nonce || !signature) throw new WebhookRefusal(401, 'incomplete signature headers');
      if (!safeEqual(feishuSignature(timestamp, nonce, options.encryptKey, rawBody), signature.toLowerCase())) {
        throw new WebhookRefusal(401, 'bad signature');
      }
      const seconds = Number(timestamp);
      if (!/^\d+$/.test(timestamp) || Math.abs(options.now().getTime() - seconds * 1000) > options.maxSkewMs) {
        throw new WebhookRefusal(401, 'stale timestamp');
      }
      signed = true;
    }
    let plain: string;
    try {
      plain = decryptFeishu(outer.encrypt, options.encryptKey);
    } catch {
      throw new WebhookRefusal(400, 'cannot decrypt');
    }
    payload = parseObject(plain, 'decrypted body');
  } else {
    if ('encrypt' in outer) throw new WebhookRefusal(400, 'encrypted body but no encrypt key configured');
    payload = outer;
  }

  const isChallenge = payload.type === 'url_verification';
  if (options.encryptKey && !signed && !isChallenge) throw new WebhookRefusal(401, 'missing signature');

  if (options.verificationToken) {
    const token = payloadToken(payload);
    if (typeof token !== 'string' || !safeEqual(token, options.verificationToken)) throw new WebhookRefusal(401, 'bad token');
  }

  if (isChallenge) {
    if (typeof payload.challenge !== 'string') throw new WebhookRefusal(400, 'challenge missing');
    return { payload, challenge: payload.challenge };
  }
  return { payload };
}
