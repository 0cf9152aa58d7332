import pino from 'pino';

/** Paths that must never reach the logs (secrets, tokens, message bodies). */
const REDACT = [
  '*.appSecret', '*.app_secret', '*.secret', '*.token', '*.access_token', '*.tenant_access_token', '*.encryptKey', '*.encrypt',
  '*.authorization', '*.Authorization', 'headers.authorization', '*.body', '*.text', '*.content',
];

export function createLogger(level = 'info'): pino.Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'copydesk' } });
}
