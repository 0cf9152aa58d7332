import type pino from 'pino';

/** The logger shape the Feishu SDK accepts (`lark.Logger`). */
export interface SdkLogger {
  error(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  debug(...msg: unknown[]): void;
  trace(...msg: unknown[]): void;
}

const MAX_TEXT = 300;

/**
 * Reduces one SDK log argument to something safe to log. The SDK logs raw AxiosErrors (whose
 * `config` holds the `Authorization` header, and for token calls the app secret) and, at debug
 * level, decrypted event bodies; only messages, HTTP statuses and Feishu codes get through.
 */
function describe(arg: unknown): string {
  if (typeof arg === 'string') return arg.length > MAX_TEXT ? `${arg.slice(0, MAX_TEXT)}…` : arg;
  if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
  if (Array.isArray(arg)) return arg.map(describe).join(' ');
  if (arg && typeof arg === 'object') {
    const o = arg as Record<string, unknown>;
    const parts: string[] = [];
    if (typeof o.message === 'string') parts.push(o.message);
    const response = o.response as Record<string, unknown> | undefined;
    if (response && typeof response === 'object') {
      if (typeof response.status === 'number') parts.push(`status=${response.status}`);
      const data = response.data as Record<string, unknown> | undefined;
      if (data && typeof data === 'object' && typeof data.code === 'number') parts.push(`code=${data.code}`);
    }
    if (typeof o.code === 'number' || typeof o.code === 'string') parts.push(`code=${String(o.code)}`);
    if (typeof o.msg === 'string') parts.push(o.msg);
    return parts.length > 0 ? parts.join(' ') : '[object]';
  }
  return String(arg);
}

/** Adapts pino for the SDK, dropping anything that could carry secrets, tokens or message bodies. */
export function createSdkLogger(logger: pino.Logger): SdkLogger {
  const log = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (...msg: unknown[]): void => {
      logger[level]({ source: 'lark-sdk' }, msg.map(describe).join(' '));
    };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), trace: log('trace') };
}
