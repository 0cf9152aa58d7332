/**
 * Builds the platform publishers from the environment (passed in, never `process.env`) and the
 * optional accounts file. Platforms without credentials are listed so the pre-check can say at
 * submission that they fall back to the manual publisher.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../domain/errors';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from '../domain/model';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { type AccountConfig, parseAccountsFile } from './accounts';
import { DouyinPublisher } from './douyin';
import { type CredentialListener, type CredentialProblem, type FetchMedia, Pacer, type Sleep, realSleep } from './http';
import { type TokenStore, memoryTokenStore } from './token-cache';
import { KuaishouPublisher } from './kuaishou';
import { WECHAT_DEFAULT_BASE_URL, WechatMpPublisher } from './wechat-mp';
import { WeiboPublisher } from './weibo';

export type PlatformPublisher = WechatMpPublisher | WeiboPublisher | DouyinPublisher | KuaishouPublisher;

export interface RegistryDeps {
  /** Downloads a media reference (Feishu image key or URL); supplied by the core. */
  fetchMedia: FetchMedia;
  /** Credentials expired or revoked: announce in the working-group chat at once. */
  onCredentialProblem?: CredentialListener;
  clock?: Clock;
  sleep?: Sleep;
  fetchImpl?: typeof fetch;
  /** Reads ACCOUNTS_FILE; default `fs.readFileSync(path, 'utf8')`. */
  readFile?: (path: string) => string;
  timeoutMs?: number;
  /** Minimum gap between two calls to one platform (all its accounts), in ms. */
  pacingMs?: Partial<Record<Platform, number>>;
  /**
   * Durable store for rotated OAuth refresh tokens (Kuaishou rotates on every refresh). Default
   * in memory: after a restart the configured refresh token is used again, which Kuaishou may
   * refuse; supply a database-backed store in production.
   */
  tokenStore?: TokenStore;
  /** freepublish/get calls inside WeChat `publish` before answering pending. */
  wechatPollAttempts?: number;
}

export const DEFAULT_PACING_MS: Record<Platform, number> = { wechat: 200, weibo: 1000, douyin: 500, kuaishou: 500 };

export interface AccountSummary {
  platform: Platform;
  /** Account name; undefined for the platform's account from plain env variables. */
  account?: string;
  source: 'env' | 'accounts-file';
  /** Known expiry of an OAuth grant that cannot be renewed here. */
  tokenExpiresAt?: Date;
  isDefault: boolean;
}

export interface ResolvedTarget {
  platform: Platform;
  account?: string;
  /** Undefined when the platform has no credentials: use the manual publisher. */
  publisher?: PlatformPublisher;
}

export interface PlatformPublishers {
  /** Keyed by platform id (its default account) and by `platform:account` for every account. */
  publishers: Map<string, PlatformPublisher>;
  /**
   * The shape `createPublisherRouting({ platform, accounts })` takes: publishers by platform id
   * and by account name (and alias); and each account name's platform (for `parseTargets`).
   */
  byName: Record<string, PlatformPublisher>;
  accountPlatforms: Record<string, Platform>;
  /** Platforms with no credentials at all: they fall back to the manual publisher. */
  withoutCredentials: Platform[];
  accounts: AccountSummary[];
  /** Resolves a draft's `平台` value: platform id (`wechat`), label (`公众号`), account name or alias. */
  resolve(target: string): ResolvedTarget | undefined;
  /**
   * Grants whose expiry is known and within `aheadDays` (default 7) or past: the core posts these
   * to the working-group chat (e.g. daily) so a person re-authorises before publishing fails.
   */
  credentialWarnings(now: Date, aheadDays?: number): CredentialProblem[];
}

export function publisherKey(platform: Platform, account?: string): string {
  return account ? `${platform}:${account}` : platform;
}

function envDate(env: Record<string, string | undefined>, name: string): Date | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${name} 不是有效时间：${v}`);
  return d;
}

/** Accounts defined by the plain env variables (one per platform). */
function envAccounts(env: Record<string, string | undefined>): AccountConfig[] {
  const out: AccountConfig[] = [];
  const base = { aliases: [], isDefault: false };
  const v = (name: string) => env[name]?.trim() || undefined;
  if (v('WECHAT_MP_APP_ID') && v('WECHAT_MP_APP_SECRET')) {
    out.push({
      ...base,
      name: '',
      platform: 'wechat',
      appId: v('WECHAT_MP_APP_ID')!,
      appSecret: v('WECHAT_MP_APP_SECRET')!,
      baseUrl: v('WECHAT_MP_BASE_URL') ?? WECHAT_DEFAULT_BASE_URL,
      defaultThumbMediaId: v('WECHAT_MP_DEFAULT_THUMB_MEDIA_ID'),
    });
  }
  if (v('WEIBO_ACCESS_TOKEN')) {
    out.push({
      ...base,
      name: '',
      platform: 'weibo',
      accessToken: v('WEIBO_ACCESS_TOKEN')!,
      baseUrl: v('WEIBO_BASE_URL'),
      linkUrl: v('WEIBO_LINK_URL'),
      tokenExpiresAt: envDate(env, 'WEIBO_TOKEN_EXPIRES_AT'),
    });
  }
  const douyinRefresh =
    v('DOUYIN_REFRESH_TOKEN') && v('DOUYIN_CLIENT_KEY')
      ? { clientKey: v('DOUYIN_CLIENT_KEY')!, refreshToken: v('DOUYIN_REFRESH_TOKEN')!, refreshTokenExpiresAt: envDate(env, 'DOUYIN_REFRESH_TOKEN_EXPIRES_AT') }
      : undefined;
  if ((v('DOUYIN_ACCESS_TOKEN') || douyinRefresh) && v('DOUYIN_OPEN_ID')) {
    out.push({
      ...base,
      name: '',
      platform: 'douyin',
      accessToken: v('DOUYIN_ACCESS_TOKEN') ?? '',
      openId: v('DOUYIN_OPEN_ID')!,
      baseUrl: v('DOUYIN_BASE_URL'),
      tokenExpiresAt: envDate(env, 'DOUYIN_TOKEN_EXPIRES_AT'),
      refresh: douyinRefresh,
    });
  }
  const kuaishouRefresh =
    v('KUAISHOU_REFRESH_TOKEN') && v('KUAISHOU_APP_SECRET')
      ? { appSecret: v('KUAISHOU_APP_SECRET')!, refreshToken: v('KUAISHOU_REFRESH_TOKEN')!, refreshTokenExpiresAt: envDate(env, 'KUAISHOU_REFRESH_TOKEN_EXPIRES_AT') }
      : undefined;
  if (v('KUAISHOU_APP_ID') && (v('KUAISHOU_ACCESS_TOKEN') || kuaishouRefresh)) {
    out.push({
      ...base,
      name: '',
      platform: 'kuaishou',
      appId: v('KUAISHOU_APP_ID')!,
      accessToken: v('KUAISHOU_ACCESS_TOKEN') ?? '',
      baseUrl: v('KUAISHOU_BASE_URL'),
      tokenExpiresAt: envDate(env, 'KUAISHOU_TOKEN_EXPIRES_AT'),
      refresh: kuaishouRefresh,
    });
  }
  return out;
}

/**
 * Every configured account, as the publishers are built from it: the plain env variables' (name
 * `''`) first, then those of `ACCOUNTS_FILE`. Other readers of the accounts (the feedback sources)
 * use this, so they follow exactly the accounts that publish.
 */
export function loadAccountConfigs(env: Record<string, string | undefined>, readFile?: (path: string) => string): AccountConfig[] {
  const configs = envAccounts(env);
  const file = env.ACCOUNTS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = (readFile ?? ((p: string) => readFileSync(p, 'utf8')))(file);
    } catch (e) {
      throw new AppError('accounts_file', `无法读取账号文件 ACCOUNTS_FILE=${file}：${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    configs.push(...parseAccountsFile(text, file, env));
  }
  return configs;
}

/**
 * The account that serves a plain platform target (a publication with account `''`): the env
 * variables' account, else the file's account marked `default`, else its first — the choice
 * `createPlatformPublishers` makes for the platform key.
 */
export function defaultAccountConfig(configs: readonly AccountConfig[], platform: Platform): AccountConfig | undefined {
  const own = configs.filter((c) => c.platform === platform);
  return own.find((c) => !c.name) ?? own.find((c) => c.isDefault) ?? own[0];
}

export function createPlatformPublishers(env: Record<string, string | undefined>, deps: RegistryDeps): PlatformPublishers {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;
  const pacers = new Map<Platform, Pacer>(PLATFORMS.map((p) => [p, new Pacer(deps.pacingMs?.[p] ?? DEFAULT_PACING_MS[p], clock, sleep)]));

  const configs = loadAccountConfigs(env, deps.readFile);

  const tokenStore = deps.tokenStore ?? memoryTokenStore();
  const publishers = new Map<string, PlatformPublisher>();
  const names = new Map<string, string>();
  const accounts: AccountSummary[] = [];
  for (const c of configs) {
    const account = c.name || undefined;
    const shared = {
      account,
      baseUrl: c.baseUrl,
      fetchMedia: deps.fetchMedia,
      clock,
      fetchImpl: deps.fetchImpl,
      timeoutMs: deps.timeoutMs,
      pacer: pacers.get(c.platform),
      onCredentialProblem: deps.onCredentialProblem,
    };
    let publisher: PlatformPublisher;
    let tokenExpiresAt: Date | undefined;
    switch (c.platform) {
      case 'wechat':
        publisher = new WechatMpPublisher({ ...shared, appId: c.appId, appSecret: c.appSecret, defaultThumbMediaId: c.defaultThumbMediaId, sleep, pollAttempts: deps.wechatPollAttempts });
        break;
      case 'weibo':
        tokenExpiresAt = c.tokenExpiresAt;
        publisher = new WeiboPublisher({ ...shared, accessToken: c.accessToken, linkUrl: c.linkUrl, tokenExpiresAt });
        break;
      case 'douyin':
        tokenExpiresAt = c.refresh ? c.refresh.refreshTokenExpiresAt : c.tokenExpiresAt;
        publisher = new DouyinPublisher({
          ...shared,
          accessToken: c.accessToken,
          openId: c.openId,
          tokenExpiresAt: c.tokenExpiresAt,
          refresh: c.refresh ? { ...c.refresh, store: tokenStore } : undefined,
        });
        break;
      case 'kuaishou':
        tokenExpiresAt = c.refresh ? c.refresh.refreshTokenExpiresAt : c.tokenExpiresAt;
        publisher = new KuaishouPublisher({
          ...shared,
          appId: c.appId,
          accessToken: c.accessToken,
          tokenExpiresAt: c.tokenExpiresAt,
          refresh: c.refresh ? { ...c.refresh, store: tokenStore } : undefined,
        });
        break;
    }
    const key = publisherKey(c.platform, account);
    if (publishers.has(key)) throw new Error(`账号重复：${key}`);
    publishers.set(key, publisher);
    if (account) for (const n of [account, ...c.aliases]) names.set(n, key);
    accounts.push({ platform: c.platform, account, source: account ? 'accounts-file' : 'env', tokenExpiresAt, isDefault: c.isDefault });
  }
  // The platform key: env account, else the account marked default, else the first listed.
  for (const p of PLATFORMS) {
    if (publishers.has(p)) {
      accounts.find((a) => a.platform === p && !a.account)!.isDefault = true;
      continue;
    }
    const chosen = accounts.find((a) => a.platform === p && a.isDefault) ?? accounts.find((a) => a.platform === p);
    if (chosen) {
      chosen.isDefault = true;
      publishers.set(p, publishers.get(publisherKey(p, chosen.account))!);
    }
  }
  const withoutCredentials = PLATFORMS.filter((p) => !publishers.has(p));

  const resolve = (target: string): ResolvedTarget | undefined => {
    const t = target.trim();
    const platform = (PLATFORMS as readonly string[]).includes(t.toLowerCase())
      ? (t.toLowerCase() as Platform)
      : (Object.entries(PLATFORM_LABELS) as [Platform, string][]).find(([, label]) => label === t)?.[0];
    if (platform) {
      const publisher = publishers.get(platform);
      return { platform, account: publisher?.account, publisher };
    }
    const key = names.get(t);
    if (!key) return undefined;
    const publisher = publishers.get(key)!;
    return { platform: publisher.platform, account: publisher.account, publisher };
  };

  /** Known expiry of what a person must renew: learnt from the platform (refresh answers) or configured. */
  const expiryOf = (a: AccountSummary): Date | undefined => {
    const p = publishers.get(publisherKey(a.platform, a.account));
    const learnt = p && 'grantExpiresAt' in p ? p.grantExpiresAt() : undefined;
    return learnt ?? a.tokenExpiresAt;
  };
  const credentialWarnings = (now: Date, aheadDays = 7): CredentialProblem[] =>
    accounts
      .map((a) => ({ a, at: expiryOf(a) }))
      .filter(({ at }) => at && at.getTime() - now.getTime() <= aheadDays * 86400_000)
      .map(({ a, at: expiry }) => {
        const at = expiry!;
        const days = Math.ceil((at.getTime() - now.getTime()) / 86400_000);
        const who = `${PLATFORM_LABELS[a.platform]}${a.account ? `「${a.account}」` : ''}`;
        const reason = days <= 0 ? `${who}授权已过期，需要账号管理员重新授权` : `${who}授权将在 ${days} 天后过期，请账号管理员及时重新授权`;
        return { platform: a.platform, account: a.account, reason, expiresAt: at, platformCode: 'token_expiring' };
      });

  const byName: Record<string, PlatformPublisher> = {};
  const accountPlatforms: Record<string, Platform> = {};
  for (const p of PLATFORMS) if (publishers.has(p)) byName[p] = publishers.get(p)!;
  for (const [name, key] of names) {
    const publisher = publishers.get(key)!;
    byName[name] = publisher;
    accountPlatforms[name] = publisher.platform;
  }

  return { publishers, byName, accountPlatforms, withoutCredentials, accounts, resolve, credentialWarnings };
}
