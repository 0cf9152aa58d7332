/**
 * `POST /feedback`: feedback from web forms, signed like the publish webhook:
 * `X-Copydesk-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, JSON
 * `{draftNo, text, contact?}`. Bad or stale signatures answer 401, bad input 400, always JSON.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { isAppError } from '../domain/errors';
import type { Clock } from '../ports/clock';

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_SKEW_SECONDS = 300;

export interface FormFeedback {
  draftNo: number;
  text: string;
  contact?: string;
  /** Stable per submission: a re-sent form is stored once. */
  externalId: string;
}

export interface FeedbackWebhookOptions {
  /** FEEDBACK_WEBHOOK_SECRET; without it the route answers 503. */
  secret?: string;
  clock: Clock;
  logger: Logger;
  submit(input: FormFeedback): Promise<{ status: 'stored'; id: number } | { status: 'duplicate' }>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readRaw(ctx: Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Checks `t=<unix>,v1=<hex>` against the raw body; returns a reason when it does not hold. */
export function checkSignature(header: string | undefined, raw: Buffer, secret: string, nowSec: number, maxSkew = MAX_SKEW_SECONDS): string | null {
  if (!header) return 'missing X-Copydesk-Signature';
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = parts.t;
  const v1 = parts.v1;
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/i.test(v1)) return 'malformed X-Copydesk-Signature';
  if (Math.abs(nowSec - Number(t)) > maxSkew) return 'stale timestamp';
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'bad signature';
}

function parseInput(raw: Buffer): Omit<FormFeedback, 'externalId'> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(400, 'body must be a JSON object');
  const b = body as Record<string, unknown>;
  const no = typeof b.draftNo === 'string' && /^\d{1,9}$/.test(b.draftNo) ? Number(b.draftNo) : b.draftNo;
  if (typeof no !== 'number' || !Number.isSafeInteger(no) || no <= 0) throw new HttpProblem(400, 'draftNo: must be a positive integer');
  if (typeof b.text !== 'string' || !b.text.trim()) throw new HttpProblem(400, 'text: must be a non-empty string');
  if ([...b.text].length > 2000) throw new HttpProblem(400, 'text: at most 2000 characters');
  if (b.contact !== undefined && b.contact !== null && (typeof b.contact !== 'string' || b.contact.length > 200)) throw new HttpProblem(400, 'contact: must be a string of at most 200 characters');
  return { draftNo: no, text: b.text, contact: typeof b.contact === 'string' && b.contact.trim() ? b.contact.trim() : undefined };
}

export function registerFeedbackWebhook(router: Router, options: FeedbackWebhookOptions): void {
  router.post('/feedback', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      if (!options.secret) throw new HttpProblem(503, 'feedback form is not configured (FEEDBACK_WEBHOOK_SECRET)');
      const raw = await readRaw(ctx);
      const problem = checkSignature(ctx.get('X-Copydesk-Signature') || undefined, raw, options.secret, Math.floor(options.clock.now().getTime() / 1000));
      if (problem) throw new HttpProblem(401, problem);
      const input = parseInput(raw);
      const externalId = `form:${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
      const result = await options.submit({ ...input, externalId });
      ctx.status = result.status === 'stored' ? 201 : 200;
      ctx.body = result.status === 'stored' ? { ok: true, id: result.id } : { ok: true, duplicate: true };
    } catch (e) {
      if (e instanceof HttpProblem) {
        ctx.status = e.status;
        ctx.body = { error: e.message };
      } else if (isAppError(e)) {
        ctx.status = e.code === 'not_found' ? 404 : 422;
        ctx.body = { error: e.message, code: e.code };
      } else {
        options.logger.error({ err: e }, 'feedback form failed');
        ctx.status = 500;
        ctx.body = { error: 'internal error' };
      }
    }
  });
}
