import type { Logger } from 'pino';
import type { Platform, Reviewer, Role } from '../domain/model';
import type { Clock } from '../ports/clock';
import type { CardActionAnswer, InboundCardAction, InboundMessage } from '../ports/channel';
import type { Publisher } from '../ports/publisher';
import type { Store } from '../ports/store';
import type { Target } from '../domain/submission';

/** Chooses the publisher that serves a target: the platform's own, else the webhook, else manual. */
export interface PublisherRegistry {
  nameFor(target: Target): string;
  get(name: string): Publisher | undefined;
  /** Account names from the accounts file that a draft may name in `平台：`. */
  accounts(): Record<string, Platform>;
}

/** The pre-review lexicons, changed at run time by leaders (`/words`). */
export interface LexiconAdmin {
  categories(): string[];
  add(category: string, word: string): boolean;
  allow(word: string): boolean;
  list(category: string): string[];
}

/**
 * A feature module's entry points (feedback, digests, …). The router offers each message and card
 * action to the extensions before its own fallback; AppErrors they throw become replies as usual.
 */
export interface Extension {
  name: string;
  /** Returns true when it handled the message. */
  onMessage?(deps: Deps, msg: InboundMessage): Promise<boolean>;
  /** Returns an answer when the action is its own, null otherwise. */
  onCardAction?(deps: Deps, action: InboundCardAction): Promise<CardActionAnswer | null>;
}

/** What every use case may use. Built once in the composition root (src/app.ts). */
export interface Deps {
  store: Store;
  clock: Clock;
  logger: Logger;
  zone: string;
  approvalChain: Role[];
  reviewer: Reviewer;
  lexicon?: LexiconAdmin;
  extensions: Extension[];
  publishers: PublisherRegistry;
  publishing: { maxAttempts: number; retryBaseMs: number; leaseMs: number; /** How soon an asynchronous platform publish is checked again. */ pollMs: number };
  /** This replica's stable identity, used as the owner of claims and leases. */
  replicaId: string;
}
