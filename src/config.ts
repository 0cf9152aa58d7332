import { z } from 'zod';
import { parseApprovalChain } from './domain/roster';
import { ROLES, type Role } from './domain/model';

const optional = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const url = (name: string) =>
  optional.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: `${name} must be an http(s) URL` });

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optional.default('sqlite:data/copydesk.db'),
  TIMEZONE: optional.default('Asia/Shanghai').refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'TIMEZONE must be an IANA time zone such as Asia/Shanghai'),
  ORG_FILE: optional,
  APPROVAL_CHAIN: optional.default('editor,leader'),
  FEISHU_APP_ID: optional,
  FEISHU_APP_SECRET: optional,
  FEISHU_ENCRYPT_KEY: optional,
  FEISHU_VERIFICATION_TOKEN: optional,
  FEISHU_BASE_URL: url('FEISHU_BASE_URL').default('https://open.feishu.cn'),
  FEISHU_MODE: z.enum(['webhook', 'ws']).default('webhook'),
  PUBLISH_WEBHOOK_URL: url('PUBLISH_WEBHOOK_URL'),
  PUBLISH_WEBHOOK_SECRET: optional,
  PUBLISH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  PUBLISH_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  PUBLISH_CRON: optional.default('*/10 * * * * *'),
  LEXICON_DIR: optional,
  WECHAT_MP_CALLBACK_TOKEN: optional,
  WECHAT_MP_ENCODING_AES_KEY: optional.refine((v) => v === undefined || /^[A-Za-z0-9+/]{43}$/.test(v), 'WECHAT_MP_ENCODING_AES_KEY must be the 43-character EncodingAESKey'),
  WECHAT_MP_APP_ID: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  databaseUrl: string;
  timezone: string;
  orgFile?: string;
  approvalChain: Role[];
  feishu?: {
    appId: string;
    appSecret: string;
    encryptKey?: string;
    verificationToken?: string;
    baseUrl: string;
    mode: 'webhook' | 'ws';
  };
  publishWebhook?: { url: string; secret: string };
  publishMaxAttempts: number;
  publishRetryBaseSeconds: number;
  publishCron: string;
  logLevel: string;
  /** WeChat server callback (PUBLISHJOBFINISH), when configured in the account's 服务器配置. */
  wechatCallback?: { token: string; encodingAesKey?: string; appId: string };
  /** The organisation's own lexicon files (one term per line; file name = category; allow.txt). */
  lexiconDir?: string;
  /** The raw environment, for adapters that read their own variables (publishers). */
  env: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const hasFeishu = (e: Partial<z.infer<typeof schema>>) => !!(e.FEISHU_APP_ID || e.FEISHU_APP_SECRET || e.FEISHU_ENCRYPT_KEY || e.FEISHU_VERIFICATION_TOKEN);

/** Rules that involve several variables. */
function crossChecks(e: Partial<z.infer<typeof schema>>): string[] {
  const problems: string[] = [];
  if (hasFeishu(e)) {
    for (const k of ['FEISHU_APP_ID', 'FEISHU_APP_SECRET'] as const) if (!e[k]) problems.push(`${k}: required when Feishu is configured (or unset all FEISHU_* to run the sandbox)`);
    if ((e.FEISHU_MODE ?? 'webhook') === 'webhook' && !e.FEISHU_ENCRYPT_KEY && !e.FEISHU_VERIFICATION_TOKEN) {
      problems.push('FEISHU_ENCRYPT_KEY or FEISHU_VERIFICATION_TOKEN: at least one is required in webhook mode, otherwise anyone could post forged events');
    }
  }
  if (e.WECHAT_MP_CALLBACK_TOKEN && !e.WECHAT_MP_APP_ID) problems.push('WECHAT_MP_APP_ID: required when WECHAT_MP_CALLBACK_TOKEN is set');
  if (e.PUBLISH_WEBHOOK_URL && !e.PUBLISH_WEBHOOK_SECRET) problems.push('PUBLISH_WEBHOOK_SECRET: required when PUBLISH_WEBHOOK_URL is set (requests are signed)');
  return problems;
}

/** Reads and validates the configuration; every missing or invalid variable is named. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || 'env'}: ${issue.message}`);
    // Report the cross-variable problems too, so one start names everything that is wrong.
    const loose = schema.partial().safeParse(Object.fromEntries(Object.entries(env).filter(([k]) => !parsed.error.issues.some((i) => i.path[0] === k))));
    if (loose.success) problems.push(...crossChecks(loose.data as z.infer<typeof schema>));
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  problems.push(...crossChecks(e));
  let approvalChain: Role[] = [];
  try {
    approvalChain = parseApprovalChain(e.APPROVAL_CHAIN, ROLES);
  } catch (err) {
    problems.push(`APPROVAL_CHAIN: ${(err as Error).message.replace(/^APPROVAL_CHAIN:?\s*/, '')} (roles: ${ROLES.join(', ')})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    timezone: e.TIMEZONE,
    orgFile: e.ORG_FILE,
    approvalChain,
    feishu:
      e.FEISHU_APP_ID && e.FEISHU_APP_SECRET
        ? { appId: e.FEISHU_APP_ID, appSecret: e.FEISHU_APP_SECRET, encryptKey: e.FEISHU_ENCRYPT_KEY, verificationToken: e.FEISHU_VERIFICATION_TOKEN, baseUrl: e.FEISHU_BASE_URL, mode: e.FEISHU_MODE }
        : undefined,
    publishWebhook: e.PUBLISH_WEBHOOK_URL && e.PUBLISH_WEBHOOK_SECRET ? { url: e.PUBLISH_WEBHOOK_URL, secret: e.PUBLISH_WEBHOOK_SECRET } : undefined,
    publishMaxAttempts: e.PUBLISH_MAX_ATTEMPTS,
    publishRetryBaseSeconds: e.PUBLISH_RETRY_BASE_SECONDS,
    publishCron: e.PUBLISH_CRON,
    logLevel: e.LOG_LEVEL,
    lexiconDir: e.LEXICON_DIR,
    wechatCallback:
      e.WECHAT_MP_CALLBACK_TOKEN && e.WECHAT_MP_APP_ID ? { token: e.WECHAT_MP_CALLBACK_TOKEN, encodingAesKey: e.WECHAT_MP_ENCODING_AES_KEY, appId: e.WECHAT_MP_APP_ID } : undefined,
    env,
  };
}
