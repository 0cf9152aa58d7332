import { CATEGORIES, PLATFORMS, type Category, type Platform } from './model';
import { parseLocalTime } from './time';

/** A target: a platform, and the named account when the organisation has several. */
export interface Target {
  platform: Platform;
  account?: string;
}

export interface DraftFields {
  title: string;
  body: string;
  category: Category;
  targets: Target[];
  /** Requested publishing time (UTC); undefined means as soon as approved. */
  publishAt?: Date;
}

export type ParseResult = { ok: true; fields: DraftFields } | { ok: false; errors: string[] };

export interface ParseOptions {
  zone: string;
  now: Date;
  /** Account names (from the accounts file) that may stand for a platform in `平台：`. */
  accounts?: Record<string, Platform>;
  defaultTargets?: Target[];
}

const PLATFORM_WORDS: Record<string, Platform> = {
  公众号: 'wechat',
  微信公众号: 'wechat',
  微信: 'wechat',
  wechat: 'wechat',
  微博: 'weibo',
  weibo: 'weibo',
  抖音: 'douyin',
  douyin: 'douyin',
  快手: 'kuaishou',
  kuaishou: 'kuaishou',
};

// Only unambiguous keys: a body line such as 「时间：12月5日 14:30」 in a meeting notice stays in the body.
const FIELD_LINE = /^\s*(分类|平台|发布平台|发布时间)\s*[:：]\s*(.*)$/;
export const SUBMIT_PREFIX = /^\s*(投稿|\/submit)(?=[\s:：]|$)[ \t]*[:：]?/i;

/** Parses `平台：公众号、微博` into targets; unknown names are errors. */
export function parseTargets(value: string, accounts: Record<string, Platform> = {}): { targets: Target[]; unknown: string[] } {
  const targets: Target[] = [];
  const unknown: string[] = [];
  for (const word of value.split(/[、,，;；\s]+/).filter(Boolean)) {
    const key = word.toLowerCase();
    const platform = PLATFORM_WORDS[key] ?? PLATFORM_WORDS[word];
    if (platform) {
      if (!targets.some((t) => t.platform === platform && !t.account)) targets.push({ platform });
    } else if (accounts[word]) {
      if (!targets.some((t) => t.account === word)) targets.push({ platform: accounts[word], account: word });
    } else unknown.push(word);
  }
  return { targets, unknown };
}

/**
 * Reads a draft from the lines after the command: the first non-field line is the title, the
 * rest is the body; field lines (`分类：` `平台：` `发布时间：`) may stand anywhere.
 */
export function parseDraftLines(lines: string[], opts: ParseOptions, title?: string): ParseResult {
  const errors: string[] = [];
  const rest: string[] = [];
  let category: Category = '其他';
  let targets: Target[] | undefined;
  let publishAt: Date | undefined;

  for (const line of lines) {
    const m = FIELD_LINE.exec(line);
    if (!m) {
      rest.push(line);
      continue;
    }
    const [, key, raw] = m;
    const value = raw.trim();
    if (key === '分类') {
      if ((CATEGORIES as readonly string[]).includes(value)) category = value as Category;
      else errors.push(`分类「${value}」不在制度规定的类别中，请从以下选择：${CATEGORIES.join('、')}。`);
    } else if (key === '平台' || key === '发布平台') {
      const parsed = parseTargets(value, opts.accounts);
      if (parsed.unknown.length) errors.push(`不认识的平台「${parsed.unknown.join('、')}」，可选：公众号、微博、抖音、快手${Object.keys(opts.accounts ?? {}).length ? '，或账号名：' + Object.keys(opts.accounts ?? {}).join('、') : ''}。`);
      else if (parsed.targets.length === 0) errors.push('「平台：」后面没有写平台。');
      else targets = parsed.targets;
    } else {
      const t = parseLocalTime(value, opts.zone, opts.now);
      if (t.kind === 'invalid') errors.push(t.reason);
      else if (t.kind === 'at') {
        if (t.at.getTime() <= opts.now.getTime()) errors.push(`发布时间「${value}」已经过去，请填写将来的时间，或写「立即」。`);
        else publishAt = t.at;
      }
    }
  }

  let finalTitle = title?.trim();
  while (finalTitle === undefined && rest.length && rest[0].trim() === '') rest.shift();
  if (finalTitle === undefined) finalTitle = (rest.shift() ?? '').trim();
  const body = rest.join('\n').trim();
  if (!finalTitle) errors.push('标题为空：请在「投稿」的下一行写标题，再换行写正文。');
  if (!body) errors.push('正文为空：请在标题下面写正文。');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    fields: { title: finalTitle, body, category, targets: targets ?? opts.defaultTargets ?? [{ platform: PLATFORMS[0] }], publishAt },
  };
}

/** Parses a `投稿` / `/submit` text message. */
export function parseSubmission(text: string, opts: ParseOptions): ParseResult {
  const withoutPrefix = text.replace(SUBMIT_PREFIX, '');
  return parseDraftLines(withoutPrefix.split(/\r?\n/), opts);
}
