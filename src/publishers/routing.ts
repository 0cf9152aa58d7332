import type { Platform } from '../domain/model';
import type { Target } from '../domain/submission';
import type { Publisher } from '../ports/publisher';
import { ManualPublisher } from './manual';
import { WebhookPublisher } from './webhook';

export interface PublisherRouting {
  nameFor(target: Target): string;
  get(name: string): Publisher | undefined;
  accounts(): Record<string, Platform>;
}

/**
 * Which publisher serves a target: the platform's (or account's) own publisher when it has credentials,
 * else the webhook when configured (its payload names the platform), else manual.
 */
export function createPublisherRouting(options: {
  webhook?: { url: string; secret: string };
  /** Platform publishers keyed by platform name or account name. */
  platform?: Record<string, Publisher>;
  accounts?: Record<string, Platform>;
}): PublisherRouting {
  const byName = new Map<string, Publisher>();
  const manual = new ManualPublisher();
  byName.set(manual.name, manual);
  const webhook = options.webhook ? new WebhookPublisher(options.webhook) : undefined;
  if (webhook) byName.set(webhook.name, webhook);
  for (const [key, p] of Object.entries(options.platform ?? {})) byName.set(`platform:${key}`, p);
  return {
    nameFor(target) {
      if (target.account && byName.has(`platform:${target.account}`)) return `platform:${target.account}`;
      if (byName.has(`platform:${target.platform}`)) return `platform:${target.platform}`;
      return webhook ? webhook.name : manual.name;
    },
    get: (name) => byName.get(name),
    accounts: () => ({ ...(options.accounts ?? {}) }),
  };
}
