/**
 * The accounts file (`ACCOUNTS_FILE`, YAML or JSON) for organisations with several accounts per
 * platform. A draft's `平台` may name a platform or one of these accounts.
 *
 * ```yaml
 * accounts:
 *   - name: 本部公众号
 *     platform: wechat            # or 公众号
 *     appId: wx0123456789abcdef
 *     appSecretEnv: WECHAT_MP_APP_SECRET_HQ   # secrets by env name; inline `appSecret` also accepted
 *   - name: 团委微博
 *     platform: weibo
 *     accessTokenEnv: WEIBO_TOKEN_YOUTH
 *     tokenExpiresAt: 2027-01-10T00:00:00+08:00
 *     linkUrl: https://www.example.gov.cn/
 * ```
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { PLATFORMS, PLATFORM_LABELS, type Platform } from '../domain/model';

const platformSchema = z.string().transform((v, ctx) => {
  const s = v.trim();
  const byId = (PLATFORMS as readonly string[]).includes(s.toLowerCase()) ? (s.toLowerCase() as Platform) : undefined;
  const byLabel = (Object.entries(PLATFORM_LABELS) as [Platform, string][]).find(([, label]) => label === s)?.[0];
  const p = byId ?? byLabel;
  if (!p) {
    ctx.addIssue({ code: 'custom', message: `未知平台「${s}」，可用：${PLATFORMS.join('、')}` });
    return z.NEVER;
  }
  return p;
});

const dateSchema = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `无法识别的时间「${String(v)}」` });
    return z.NEVER;
  }
  return d;
});

const url = z.string().url();

const common = {
  name: z.string().trim().min(1),
  aliases: z.array(z.string().trim().min(1)).optional(),
  baseUrl: url.optional(),
  /** The platform's default account when several exist (else the first listed). */
  default: z.boolean().optional(),
};

const rawAccount = z.object({
  ...common,
  platform: platformSchema,
  appId: z.string().optional(),
  appSecret: z.string().optional(),
  appSecretEnv: z.string().optional(),
  accessToken: z.string().optional(),
  accessTokenEnv: z.string().optional(),
  openId: z.string().optional(),
  tokenExpiresAt: dateSchema.optional(),
  /** Douyin: the app's client_key, for refreshing the grant. */
  clientKey: z.string().optional(),
  refreshToken: z.string().optional(),
  refreshTokenEnv: z.string().optional(),
  refreshTokenExpiresAt: dateSchema.optional(),
  linkUrl: url.optional(),
  defaultThumbMediaId: z.string().optional(),
});

/** `{accounts: [...]}` or a bare list. */
const fileSchema = z.preprocess((v) => (Array.isArray(v) ? { accounts: v } : v), z.object({ accounts: z.array(rawAccount) }));

interface Common {
  name: string;
  aliases: string[];
  baseUrl?: string;
  isDefault: boolean;
}
export type AccountConfig = Common &
  (
    | { platform: 'wechat'; appId: string; appSecret: string; defaultThumbMediaId?: string }
    | { platform: 'weibo'; accessToken: string; tokenExpiresAt?: Date; linkUrl?: string }
    | { platform: 'douyin'; accessToken: string; openId: string; tokenExpiresAt?: Date; refresh?: { clientKey: string; refreshToken: string; refreshTokenExpiresAt?: Date } }
    | { platform: 'kuaishou'; appId: string; accessToken: string; tokenExpiresAt?: Date; refresh?: { appSecret: string; refreshToken: string; refreshTokenExpiresAt?: Date } }
  );

/**
 * Parses and checks an accounts file. Secrets named by `...Env` are read from `env` (passed in,
 * never `process.env`). Throws an `AppError('accounts_file', ...)` listing every problem.
 */
export function parseAccountsFile(text: string, fileName: string, env: Record<string, string | undefined>): AccountConfig[] {
  let raw: unknown;
  try {
    raw = /\.json$/i.test(fileName) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new AppError('accounts_file', `账号文件 ${fileName} 无法解析：${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(根)'}：${i.message}`);
    throw new AppError('accounts_file', `账号文件 ${fileName} 有误：\n${lines.join('\n')}`);
  }
  const problems: string[] = [];
  const out: AccountConfig[] = [];
  const names = new Set<string>();
  for (const [i, a] of parsed.data.accounts.entries()) {
    const where = `第 ${i + 1} 个账号「${a.name}」`;
    for (const n of [a.name, ...(a.aliases ?? [])]) {
      if (names.has(n)) problems.push(`${where}：名称「${n}」重复`);
      names.add(n);
    }
    const secret = (inline: string | undefined, envName: string | undefined, label: string): string | undefined => {
      if (inline) return inline;
      if (envName) {
        const v = env[envName];
        if (v) return v;
        problems.push(`${where}：环境变量 ${envName}（${label}）未设置`);
        return undefined;
      }
      problems.push(`${where}：缺少 ${label}`);
      return undefined;
    };
    const need = (v: string | undefined, label: string) => {
      if (!v) problems.push(`${where}：缺少 ${label}`);
      return v ?? '';
    };
    const base: Common = { name: a.name, aliases: a.aliases ?? [], baseUrl: a.baseUrl, isDefault: a.default ?? false };
    switch (a.platform) {
      case 'wechat': {
        const appId = need(a.appId, 'appId');
        const appSecret = secret(a.appSecret, a.appSecretEnv, 'appSecret');
        if (appId && appSecret) out.push({ ...base, platform: 'wechat', appId, appSecret, defaultThumbMediaId: a.defaultThumbMediaId });
        break;
      }
      case 'weibo': {
        const accessToken = secret(a.accessToken, a.accessTokenEnv, 'accessToken');
        if (accessToken) out.push({ ...base, platform: 'weibo', accessToken, tokenExpiresAt: a.tokenExpiresAt, linkUrl: a.linkUrl });
        break;
      }
      case 'douyin': {
        const openId = need(a.openId, 'openId');
        const hasRefresh = Boolean(a.refreshToken || a.refreshTokenEnv);
        const refreshToken = hasRefresh ? secret(a.refreshToken, a.refreshTokenEnv, 'refreshToken') : undefined;
        const clientKey = hasRefresh ? need(a.clientKey, 'clientKey（刷新授权需要）') : undefined;
        const accessToken = hasRefresh && !a.accessToken && !a.accessTokenEnv ? '' : secret(a.accessToken, a.accessTokenEnv, 'accessToken');
        const refresh = refreshToken && clientKey ? { clientKey, refreshToken, refreshTokenExpiresAt: a.refreshTokenExpiresAt } : undefined;
        if (openId && (accessToken || refresh)) out.push({ ...base, platform: 'douyin', accessToken: accessToken ?? '', openId, tokenExpiresAt: a.tokenExpiresAt, refresh });
        break;
      }
      case 'kuaishou': {
        const appId = need(a.appId, 'appId');
        const hasRefresh = Boolean(a.refreshToken || a.refreshTokenEnv);
        const refreshToken = hasRefresh ? secret(a.refreshToken, a.refreshTokenEnv, 'refreshToken') : undefined;
        const appSecret = hasRefresh ? secret(a.appSecret, a.appSecretEnv, 'appSecret（刷新授权需要）') : undefined;
        const accessToken = hasRefresh && !a.accessToken && !a.accessTokenEnv ? '' : secret(a.accessToken, a.accessTokenEnv, 'accessToken');
        const refresh = refreshToken && appSecret ? { appSecret, refreshToken, refreshTokenExpiresAt: a.refreshTokenExpiresAt } : undefined;
        if (appId && (accessToken || refresh)) out.push({ ...base, platform: 'kuaishou', appId, accessToken: accessToken ?? '', tokenExpiresAt: a.tokenExpiresAt, refresh });
        break;
      }
    }
  }
  if (problems.length) throw new AppError('accounts_file', `账号文件 ${fileName} 有误：\n${problems.join('\n')}`);
  return out;
}
