/**
 * Access-token cache: one token per credential, fetched on first use, renewed `marginMs`
 * before it expires and on the platform's expiry codes; concurrent callers share one fetch.
 */
import type { Clock } from '../ports/clock';
import { PublishError } from '../ports/publisher';

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
   * token is returned without a fetch. Otherwise the source is first asked without forcing: a
   * token another holder renewed (another replica, the feedback source) comes back as it is, and
   * forcing would invalidate it for them (WeChat's stable_token: "强制刷新模式，会导致上次获取的
   * access_token 失效"), so they would force back and forth. Only when the source answers the same
   * rejected token is a refresh forced (rationed by WeChat: 20 a day, 30 s apart).
   */
  async refresh(stale: string): Promise<string> {
    if (this.current && this.current.token !== stale) return this.current.token;
    const current = await this.fetch(false);
    if (current.token !== stale) return current.token;
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

const sharedCaches = new Map<string, TokenCache>();

/**
 * One cache per key in this process (e.g. a WeChat app: the publisher and the feedback source
 * then hold the same token). `create` runs for the first caller only.
 */
export function sharedTokenCache(key: string, create: () => TokenCache): TokenCache {
  let cache = sharedCaches.get(key);
  if (!cache) {
    cache = create();
    sharedCaches.set(key, cache);
  }
  return cache;
}

/** What an OAuth-token publisher needs to announce a grant that cannot be renewed here. */
export interface GrantContext {
  platform: string;
  account?: string;
  /** Plain-Chinese platform name, e.g. `微博`. */
  label: string;
  clock: Clock;
  onCredentialProblem?: (problem: { platform: string; account?: string; reason: string; expiresAt?: Date; platformCode?: string }) => void;
}

/**
 * Final error for a grant a person must renew (re-authorise the app); announced at once.
 * Returned (not thrown) so callers can `throw grantExpired(...)`.
 */
export function grantExpired(ctx: GrantContext, detail: string, platformCode: string, expiresAt?: Date): PublishError {
  const reason = `${ctx.label}授权已失效（${detail}），需要账号管理员重新授权后再发布`;
  ctx.onCredentialProblem?.({ platform: ctx.platform, account: ctx.account, reason, expiresAt, platformCode });
  return new PublishError(reason, false, platformCode);
}

/**
 * A token configured by a person (OAuth access token from the environment or accounts file):
 * it cannot be renewed here, so an expired one (known expiry, or the platform's expiry code)
 * is a final failure announced at once.
 */
export function fixedTokenSource(token: string, expiresAt: Date | undefined, ctx: GrantContext): TokenSource {
  return async (force) => {
    if (force) throw grantExpired(ctx, '平台拒绝了访问令牌', 'token_expired', expiresAt);
    if (expiresAt && expiresAt.getTime() <= ctx.clock.now().getTime()) {
      throw grantExpired(ctx, `已于 ${expiresAt.toISOString()} 过期`, 'token_expired', expiresAt);
    }
    return { token, expiresAt: expiresAt ? expiresAt.getTime() : null };
  };
}

/** Durable storage for rotated refresh tokens (the core supplies a database-backed one). */
export interface TokenStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** In-memory store: a rotated refresh token is lost on restart (then the configured one is tried). */
export function memoryTokenStore(): TokenStore {
  const m = new Map<string, string>();
  return { get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v) };
}

export interface RefreshedGrant {
  accessToken: string;
  expiresInSec: number;
  /** A new refresh token, when the platform rotates it. */
  refreshToken?: string;
  refreshExpiresInSec?: number;
}

/**
 * An OAuth grant renewed with its refresh token (Douyin, Kuaishou). The configured access token
 * is used first; a rejected or expiring one is renewed with the latest refresh token (kept in
 * `store`, because platforms rotate it). A refresh token the platform refuses is a grant a
 * person must renew: `refresh` throws `grantExpired(...)` for it.
 */
export class RefreshingGrant {
  private used = false;
  private refreshExpiry?: Date;

  constructor(
    private readonly opts: {
      clock: Clock;
      accessToken?: string;
      accessTokenExpiresAt?: Date;
      refreshToken: string;
      /** Known expiry of the configured refresh token. */
      refreshTokenExpiresAt?: Date;
      store: TokenStore;
      storeKey: string;
      refresh(refreshToken: string): Promise<RefreshedGrant>;
    },
  ) {
    this.refreshExpiry = opts.refreshTokenExpiresAt;
  }

  readonly source: TokenSource = async (force) => {
    const { accessToken, accessTokenExpiresAt, clock } = this.opts;
    if (!force && !this.used && accessToken && (!accessTokenExpiresAt || accessTokenExpiresAt.getTime() > clock.now().getTime() + DEFAULT_REFRESH_MARGIN_MS)) {
      this.used = true;
      return { token: accessToken, expiresAt: accessTokenExpiresAt ? accessTokenExpiresAt.getTime() : null };
    }
    this.used = true;
    const current = (await this.opts.store.get(this.opts.storeKey)) ?? this.opts.refreshToken;
    const g = await this.opts.refresh(current);
    const now = clock.now().getTime();
    if (g.refreshToken && g.refreshToken !== current) await this.opts.store.set(this.opts.storeKey, g.refreshToken);
    if (g.refreshExpiresInSec) this.refreshExpiry = new Date(now + g.refreshExpiresInSec * 1000);
    return { token: g.accessToken, expiresAt: now + g.expiresInSec * 1000 };
  };

  /** When the refresh token (the part a person must renew) expires, if known. */
  refreshTokenExpiresAt(): Date | undefined {
    return this.refreshExpiry;
  }
}

/** The access token of an OAuth account (Douyin, Kuaishou): fixed, or renewed with its refresh token. */
export interface OAuthTokens {
  grant: GrantContext;
  tokens: TokenCache;
  refreshing?: RefreshingGrant;
  /** Whether a rejected token can be renewed here (otherwise a person must re-authorise). */
  renewable: boolean;
  /** When the grant a person must renew expires, if known: the refresh token's, else the access token's. */
  grantExpiresAt(): Date | undefined;
}

export function oauthTokens(opts: {
  grant: GrantContext;
  accessToken: string;
  tokenExpiresAt?: Date;
  /** A token source given by the caller (tests, a shared cache) wins over the rest. */
  tokenSource?: TokenSource;
  refresh?: { refreshToken: string; refreshTokenExpiresAt?: Date; store?: TokenStore; storeKey: string; renew(refreshToken: string): Promise<RefreshedGrant> };
}): OAuthTokens {
  const { grant } = opts;
  const refreshing =
    opts.refresh && !opts.tokenSource
      ? new RefreshingGrant({
          clock: grant.clock,
          accessToken: opts.accessToken || undefined,
          accessTokenExpiresAt: opts.tokenExpiresAt,
          refreshToken: opts.refresh.refreshToken,
          refreshTokenExpiresAt: opts.refresh.refreshTokenExpiresAt,
          store: opts.refresh.store ?? memoryTokenStore(),
          storeKey: opts.refresh.storeKey,
          refresh: opts.refresh.renew,
        })
      : undefined;
  return {
    grant,
    refreshing,
    renewable: Boolean(opts.tokenSource ?? refreshing),
    tokens: new TokenCache(opts.tokenSource ?? refreshing?.source ?? fixedTokenSource(opts.accessToken, opts.tokenExpiresAt, grant), grant.clock),
    grantExpiresAt: () => (refreshing ? refreshing.refreshTokenExpiresAt() : opts.tokenExpiresAt),
  };
}
