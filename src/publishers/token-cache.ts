/**
 * Access-token cache: one token per credential, fetched on first use, renewed `marginMs`
 * before it expires and on the platform's expiry codes; concurrent callers share one fetch.
 */
import type { Clock } from '../ports/clock';

export interface TokenGrant {
  token: string;
  /** Epoch milliseconds; null when the platform does not say. */
  expiresAt: number | null;
}

/** `force` is true when the platform rejected the current token (expiry code). */
export type TokenSource = (force: boolean) => Promise<TokenGrant>;

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export class TokenCache {
  private current?: TokenGrant;
  private inflight?: Promise<TokenGrant>;

  constructor(
    private readonly source: TokenSource,
    private readonly clock: Clock,
    private readonly marginMs = DEFAULT_REFRESH_MARGIN_MS,
  ) {}

  /** A token valid for at least `marginMs`, fetching one when needed. */
  async get(): Promise<string> {
    const cur = this.current;
    if (cur && (cur.expiresAt === null || cur.expiresAt - this.marginMs > this.clock.now().getTime())) return cur.token;
    return (await this.fetch(false)).token;
  }

  /**
   * Renews after the platform rejected `stale`. If another caller already renewed it, the new
   * token is returned without a second fetch (force refreshes are rationed by some platforms).
   */
  async refresh(stale: string): Promise<string> {
    if (this.current && this.current.token !== stale) return this.current.token;
    return (await this.fetch(true)).token;
  }

  /** Forgets the cached token (e.g. credentials changed). */
  invalidate(): void {
    this.current = undefined;
  }

  /** The expiry of the cached token, if known. */
  expiresAt(): Date | undefined {
    return this.current?.expiresAt ? new Date(this.current.expiresAt) : undefined;
  }

  private fetch(force: boolean): Promise<TokenGrant> {
    if (!this.inflight) {
      this.inflight = this.source(force)
        .then((grant) => {
          this.current = grant;
          return grant;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }
}
