/**
 * The WeChat Official Account access token (`POST /cgi-bin/stable_token`), shared in this process
 * by everything that calls the same app's API (the publisher, the feedback source): one cache per
 * app id, secret and base URL. stable_token tokens of different holders are the same token in
 * normal mode, and a forced refresh invalidates the others' copy, so one shared cache also saves
 * the rationed forced refreshes.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock';
import { field } from './http';
import { TokenCache, type TokenGrant, sharedTokenCache } from './token-cache';

/** stable_token answered an errcode (`errcode`), or no usable token (`errcode` null: malformed, retry). */
export class WechatTokenError extends Error {
  constructor(
    readonly errcode: number | null,
    readonly errmsg: string,
  ) {
    super(errcode === null ? `stable_token: ${errmsg}` : `stable_token errcode=${errcode}: ${errmsg}`);
    this.name = 'WechatTokenError';
  }
}

/** Codes that mean the access token is no longer valid: renew once and call again. */
export const WECHAT_TOKEN_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** A WeChat API answered with a non-zero `errcode` (`errcode` null: the errcode could not be read). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number | null,
    readonly errmsg: string,
  ) {
    super(errcode === null ? `errcode unreadable: ${errmsg}` : `errcode=${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

/**
 * Calls a WeChat API with the shared token (`request` gets the token and answers the parsed body),
 * renewing the token once on an expiry code. Answers the body of an `errcode` 0 answer; otherwise
 * throws `WechatApiError`. Token-cache errors (`WechatTokenError`) and transport errors pass through:
 * each caller turns them into its own error type.
 */
export async function callWechatApi(tokens: TokenCache, request: (token: string) => Promise<unknown>): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const token = await tokens.get();
    const body = await request(token);
    const code = Number(field(body, 'errcode') ?? 0);
    if (Number.isNaN(code)) throw new WechatApiError(null, String(field(body, 'errcode')));
    if (code === 0) return body;
    if (WECHAT_TOKEN_CODES.has(code) && attempt === 0) {
      await tokens.refresh(token);
      continue;
    }
    throw new WechatApiError(code, String(field(body, 'errmsg') ?? ''));
  }
}

export interface WechatTokenOptions {
  appId: string;
  appSecret: string;
  /** Without trailing slash. */
  baseUrl: string;
  clock: Clock;
  /** Posts the JSON body to `${baseUrl}/cgi-bin/stable_token` and resolves with the parsed answer (transport errors are the caller's). */
  post(json: unknown): Promise<unknown>;
}

/** The process-wide token cache of one WeChat app; the first caller's `post` and clock serve all. */
export function wechatTokenCache(opts: WechatTokenOptions): TokenCache {
  const secret = createHash('sha256').update(opts.appSecret).digest('hex').slice(0, 16);
  return sharedTokenCache(`wechat|${opts.baseUrl}|${opts.appId}|${secret}`, () => new TokenCache((force) => fetchStableToken(opts, force), opts.clock));
}

async function fetchStableToken(opts: WechatTokenOptions, force: boolean): Promise<TokenGrant> {
  const body = await opts.post({ grant_type: 'client_credential', appid: opts.appId, secret: opts.appSecret, force_refresh: force });
  const code = Number(field(body, 'errcode') ?? 0);
  if (Number.isNaN(code)) throw new WechatTokenError(null, 'unreadable errcode');
  if (code !== 0) throw new WechatTokenError(code, String(field(body, 'errmsg') ?? ''));
  const token = field(body, 'access_token');
  if (typeof token !== 'string' || !token) throw new WechatTokenError(null, 'access_token missing');
  const expiresIn = Number(field(body, 'expires_in') ?? 7200);
  return { token, expiresAt: opts.clock.now().getTime() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200) * 1000 };
}
