import { createHmac } from 'node:crypto';
import { PublishError, type PublishJob, type PublishResult, type Publisher } from '../ports/publisher';

export interface WebhookPublisherOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** Signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/**
 * POSTs the approved revision as JSON to `PUBLISH_WEBHOOK_URL`. 2xx means published (an optional `url`
 * in the answer is the link); 5xx, 408, 429 and time-outs are retried; other answers are final.
 * The receiver de-duplicates on the `Idempotency-Key` header, which is stable across retries.
 */
export class WebhookPublisher implements Publisher {
  readonly name = 'webhook';
  constructor(private readonly options: WebhookPublisherOptions) {}

  async publish(job: PublishJob): Promise<PublishResult> {
    const payload = JSON.stringify({
      idempotencyKey: job.idempotencyKey,
      draftNo: job.draftNo,
      revision: job.revision,
      platform: job.platform,
      account: job.account ?? null,
      title: job.title,
      body: job.body,
      media: job.media,
      category: job.category,
      department: job.department,
      author: job.author,
    });
    const timestamp = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': job.idempotencyKey,
          'x-copydesk-signature': signWebhook(this.options.secret, timestamp, payload),
        },
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new PublishError(timedOut ? '发布接口超时未响应' : `无法连接发布接口：${e instanceof Error ? e.message : String(e)}`, true, timedOut ? 'timeout' : 'network', { cause: e });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      let url: string | undefined;
      try {
        const parsed = JSON.parse(text) as { url?: unknown; id?: unknown };
        if (typeof parsed.url === 'string' && /^https?:\/\//.test(parsed.url)) url = parsed.url;
        return { status: 'published', url, externalId: typeof parsed.id === 'string' ? parsed.id : undefined };
      } catch {
        return { status: 'published' };
      }
    }
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new PublishError(`发布接口返回 HTTP ${res.status}${text ? `：${text.slice(0, 200)}` : ''}`, retryable, `http_${res.status}`);
  }
}
