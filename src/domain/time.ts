import { DateTime } from 'luxon';

/** Parses a time a person typed, in the organisation's zone: `2026-12-01 09:00`, `2026/12/1 9:00`, `12-01 09:00`, `立即`/`now`. */
export type ParsedTime = { kind: 'now' } | { kind: 'at'; at: Date } | { kind: 'invalid'; reason: string };

const FULL = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+|\s*)(\d{1,2})[:：点](\d{2})分?$/;
const SHORT = /^(\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2})[:：点](\d{2})分?$/;

export function parseLocalTime(input: string, zone: string, now: Date): ParsedTime {
  const s = input.trim();
  if (/^(立即|马上|现在|now)$/i.test(s)) return { kind: 'now' };
  let parts: number[] | null = null;
  const full = FULL.exec(s);
  if (full) parts = full.slice(1).map(Number);
  const short = full ? null : SHORT.exec(s);
  if (short) {
    const year = DateTime.fromJSDate(now, { zone }).year;
    parts = [year, ...short.slice(1).map(Number)];
  }
  if (!parts) return { kind: 'invalid', reason: `无法识别时间「${s}」，请写成 2026-12-01 09:00 或「立即」。` };
  const [year, month, day, hour, minute] = parts;
  let dt = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!dt.isValid) return { kind: 'invalid', reason: `时间「${s}」不存在，请检查日期和钟点。` };
  // Without a year, a date already past this year means next year (「01-05 09:00」 typed in December).
  if (short && dt.toMillis() <= now.getTime()) dt = dt.plus({ years: 1 });
  return { kind: 'at', at: dt.toJSDate() };
}

/** Formats a UTC instant in the organisation's zone, e.g. `2026-12-01 09:00`. */
export const formatLocal = (at: Date, zone: string): string => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-LL-dd HH:mm');
