/** Masking of personal data: keep a prefix and a suffix, star every letter or digit between. */

/**
 * Keeps `keepStart` leading and `keepEnd` trailing alphanumerics of `value` (separators kept
 * in place) and replaces every other letter or digit by `*`.
 */
export function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = [...value];
  const alnum = chars.map((c) => /[\p{L}\p{N}]/u.test(c));
  const total = alnum.filter(Boolean).length;
  let seen = 0;
  return chars
    .map((c, i) => {
      if (!alnum[i]) return c;
      const k = seen++;
      return k < keepStart || k >= total - keepEnd ? c : '*';
    })
    .join('');
}

export const maskMobile = (digits: string) => maskMiddle(digits, 3, 4);
export const maskResidentId = (id: string) => maskMiddle(id, 3, 4);
export const maskBankCard = (digits: string) => maskMiddle(digits, 4, 4);
export const maskCreditCode = (code: string) => maskMiddle(code, 2, 4);
export const maskPassport = (p: string) => maskMiddle(p, 1, 3);

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  return `${[...local][0]}***${email.slice(at)}`;
}

export function maskIp(ip: string): string {
  const parts = ip.split('.');
  return `${parts[0]}.${parts[1]}.*.*`;
}

/** 京A·12345 -> 京A·***45 */
export function maskPlate(plate: string): string {
  const chars = [...plate];
  return chars.map((c, i) => (i >= 2 && i < chars.length - 2 && /[A-Za-z0-9]/.test(c) ? '*' : c)).join('');
}

/**
 * Applies the `replacement` of each finding, skipping any that overlaps one already applied
 * (earlier start first, then longer). Pass `field` to apply only the findings of that field
 * (findings of a whole revision index two texts).
 */
export function applyReplacements(
  text: string,
  findings: ReadonlyArray<{ start: number; end: number; replacement?: string; field?: 'title' | 'body' }>,
  field?: 'title' | 'body',
): string {
  const chosen = findings
    .filter((f) => f.replacement !== undefined && f.start >= 0 && f.end <= text.length && f.start <= f.end)
    .filter((f) => field === undefined || f.field === field)
    .slice()
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const f of chosen) {
    if (f.start < pos) continue;
    out += text.slice(pos, f.start) + f.replacement;
    pos = f.end;
  }
  return out + text.slice(pos);
}
