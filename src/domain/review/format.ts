/**
 * Format rules per target platform, driven by the shared PLATFORM_LIMITS table: title, digest
 * and body length, image and video count and size, links, hashtags; and platform-independent
 * typography: empty paragraphs, half-width punctuation in Chinese text, unbalanced brackets
 * and quotes.
 */
import type { Finding, MediaRef, Platform, Severity } from '../model';
import { PLATFORM_LABELS } from '../model';
import { PLATFORM_LIMITS, type PlatformLimits } from '../platform-limits';

/** A finding before the engine adds its category (always `format`). */
export type FormatHit = Omit<Finding, 'category'>;

/** A media item, optionally with its size in bytes when the caller knows it. */
export type SizedMedia = MediaRef & { bytes?: number };

const isCjkCode = (c: number) => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f);

/** Length in the platform's unit, and the UTF-16 offset where `max` units are used up. */
export function measure(text: string, unit: 'char' | 'weibo', max?: number): { length: number; cut: number } {
  let units = 0; // in halves for weibo
  let cut = text.length;
  let i = 0;
  for (const ch of text) {
    const add = unit === 'weibo' ? (ch.charCodeAt(0) < 0x80 ? 1 : 2) : 2;
    if (max !== undefined && cut === text.length && units + add > max * 2) cut = i;
    units += add;
    i += ch.length;
  }
  return { length: Math.ceil(units / 2), cut };
}

const URL_RE = /\bhttps?:\/\/[^\s，。；、“”"'<>（）()]+|\bwww\.[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s，。；、“”"'<>（）()]*/g;
const HASHTAG_PAIRED = /#[^#\s]{1,40}#/g;
const HASHTAG_PREFIX = /#[^#\s，。！？,.!?]{1,40}/g;
const DIGEST_LINE = /^(?:摘要|导语|内容提要)[:：]\s*(.*)$/;

function lengthRule(
  out: FormatHit[],
  field: 'title' | 'body',
  text: string,
  offset: number,
  max: number | null,
  unit: 'char' | 'weibo',
  platform: Platform,
  rule: string,
  what: string,
  severity: Severity,
) {
  if (max === null) return;
  const { length, cut } = measure(text, unit, max);
  if (length <= max) return;
  out.push({
    rule,
    severity,
    field,
    platform,
    start: offset + cut,
    end: offset + text.length,
    text: text.slice(cut),
    suggestion: `${PLATFORM_LABELS[platform]}${what}最多 ${max} 字${unit === 'weibo' ? '（两个英文字符计一字）' : ''}，当前 ${length} 字，请删减超出部分`,
  });
}

export function platformFormat(
  title: string,
  body: string,
  media: readonly SizedMedia[],
  platform: Platform,
  limits: PlatformLimits = PLATFORM_LIMITS[platform],
): FormatHit[] {
  const out: FormatHit[] = [];
  const label = PLATFORM_LABELS[platform];
  const unit = limits.lengthUnit ?? 'char';
  if (limits.titleRequired && title.trim() === '') {
    out.push({ rule: 'format.title-missing', severity: 'block', field: 'title', platform, start: 0, end: 0, text: '', suggestion: `${label}必须有标题` });
  }
  lengthRule(out, 'title', title, 0, limits.titleMax, unit, platform, 'format.title-length', '标题', 'block');
  const firstLine = body.split('\n', 1)[0];
  const dm = DIGEST_LINE.exec(firstLine);
  if (dm && limits.digestMax !== null) {
    lengthRule(out, 'body', dm[1], firstLine.length - dm[1].length, limits.digestMax, unit, platform, 'format.digest-length', '摘要', 'warn');
  }
  lengthRule(out, 'body', body, 0, limits.bodyMax, unit, platform, 'format.body-length', '正文', 'block');

  const images = media.filter((m) => m.kind === 'image');
  const videos = media.filter((m) => m.kind === 'video');
  const whole = { field: 'body' as const, platform, start: 0, end: 0, text: '' };
  if (images.length > limits.imagesMax) {
    out.push({ ...whole, rule: 'format.images-count', severity: 'block', suggestion: `${label}最多 ${limits.imagesMax} 张图片，当前 ${images.length} 张` });
  }
  for (const img of images) {
    if (img.bytes !== undefined && img.bytes > limits.imageBytesMax) {
      out.push({
        ...whole,
        rule: 'format.image-size',
        severity: 'block',
        text: img.name ?? img.key,
        suggestion: `图片「${img.name ?? img.key}」${(img.bytes / 1048576).toFixed(1)} MB，${label}单张上限 ${(limits.imageBytesMax / 1048576).toFixed(0)} MB，请压缩`,
      });
    }
  }
  if (videos.length > limits.videosMax) {
    // A platform without video still gets the text and images, so a draft can also target a video platform.
    out.push(
      limits.videosMax === 0
        ? { ...whole, rule: 'format.videos-count', severity: 'warn', suggestion: `${label}不能发布视频：视频不会随${label}发出，只发文字和图片；需要时请另行处理` }
        : { ...whole, rule: 'format.videos-count', severity: 'block', suggestion: `${label}最多 ${limits.videosMax} 个视频，当前 ${videos.length} 个` },
    );
  }
  if (limits.needsMedia && images.length === 0 && videos.length === 0) {
    out.push({ ...whole, rule: 'format.media-missing', severity: 'block', suggestion: `${label}必须附视频或图片` });
  }
  const linksMax = limits.linksMax ?? null;
  if (linksMax !== null) {
    const links = [...body.matchAll(URL_RE)];
    links.slice(linksMax).forEach((m) =>
      out.push({
        rule: 'format.links',
        severity: 'warn',
        field: 'body',
        platform,
        start: m.index,
        end: m.index + m[0].length,
        text: m[0],
        suggestion: linksMax === 0 ? `${label}正文中的链接无法点击，请删除或改为文字说明` : `${label}正文最多 ${linksMax} 个链接`,
      }),
    );
  }
  const tagsMax = limits.hashtagsMax ?? null;
  const style = limits.hashtagStyle ?? null;
  if (tagsMax !== null && style !== null) {
    const withoutUrls = body.replace(URL_RE, (u) => ' '.repeat(u.length));
    const tags = [...withoutUrls.matchAll(style === 'paired' ? HASHTAG_PAIRED : HASHTAG_PREFIX)];
    tags.slice(tagsMax).forEach((m) =>
      out.push({
        rule: 'format.hashtags',
        severity: 'warn',
        field: 'body',
        platform,
        start: m.index,
        end: m.index + m[0].length,
        text: m[0],
        suggestion: `${label}话题标签建议不超过 ${tagsMax} 个，当前 ${tags.length} 个`,
      }),
    );
  }
  return out;
}

const HALF_TO_FULL: Record<string, string> = { ',': '，', ';': '；', ':': '：', '?': '？', '!': '！' };
const PAIRS: Record<string, string> = { '（': '）', '(': ')', '【': '】', '[': ']', '《': '》', '“': '”', '‘': '’', '「': '」', '『': '』', '{': '}', '〔': '〕' };
const CLOSERS = new Map(Object.entries(PAIRS).map(([o, c]) => [c, o]));

/** Typography rules that do not depend on the platform, for one field. */
export function typography(field: 'title' | 'body', text: string): FormatHit[] {
  const out: FormatHit[] = [];
  // empty paragraphs: two or more blank lines in a row
  for (const m of text.matchAll(/\n(?:[ \t\u3000]*\n){2,}/g)) {
    out.push({ rule: 'format.empty-paragraphs', severity: 'info', field, start: m.index, end: m.index + m[0].length, text: m[0], suggestion: '连续空段落，建议只保留一个空行', replacement: '\n\n' });
  }
  // half-width punctuation right after a Chinese character
  let urls: Array<readonly [number, number]> | null = null;
  for (const m of text.matchAll(/[,;:?!]/g)) {
    const i = m.index;
    if (i === 0) continue;
    const c = m[0];
    const prev = text.codePointAt(i - 1)!;
    const prevCp = prev >= 0xdc00 && prev <= 0xdfff && i >= 2 ? text.codePointAt(i - 2)! : prev;
    if (!isCjkCode(prevCp)) continue;
    urls ??= [...text.matchAll(URL_RE)].map((u) => [u.index, u.index + u[0].length] as const);
    if (urls.some(([a, b]) => i >= a && i < b)) continue;
    const full = HALF_TO_FULL[c];
    out.push({ rule: 'format.mixed-punctuation', severity: 'info', field, start: i, end: i + 1, text: c, suggestion: `中文语句中使用了半角标点「${c}」，建议改为全角「${full}」`, replacement: full });
  }
  // unbalanced brackets and quotes, per paragraph
  let stack: Array<{ ch: string; at: number }> = [];
  let straight = -1;
  let straightCount = 0;
  let paraStart = 0;
  const endParagraph = () => {
    for (const s of stack) out.push(unbalanced(field, s.at, s.ch));
    if (straightCount % 2 === 1) out.push(unbalanced(field, straight, '"'));
    stack = [];
    straightCount = 0;
  };
  for (const m of text.matchAll(BRACKETS)) {
    const at = m.index;
    const ch = m[0];
    if (ch === '\n') {
      endParagraph();
      paraStart = at + 1;
      continue;
    }
    if (ch === '"') {
      straightCount++;
      straight = at;
      continue;
    }
    if ((ch === '’' || ch === "'") && /[A-Za-z]/.test(text[at - 1] ?? '') && /[A-Za-z]/.test(text[at + 1] ?? '')) continue; // apostrophe
    if (ch === "'") continue;
    if (PAIRS[ch]) {
      stack.push({ ch, at });
      continue;
    }
    const opener = CLOSERS.get(ch)!;
    const top = stack[stack.length - 1];
    if (top && top.ch === opener) stack.pop();
    else if (top && stack.some((s) => s.ch === opener)) {
      while (stack.length && stack[stack.length - 1].ch !== opener) {
        const s = stack.pop()!;
        out.push(unbalanced(field, s.at, s.ch));
      }
      stack.pop();
    } else if (!LIST_MARKER.test(text.slice(paraStart, at))) out.push(unbalanced(field, at, ch));
  }
  endParagraph();
  return out;
}

const BRACKETS = /[\n"'（(【[《“‘「『{〔）)】\]》”’」』}〕]/g;
const LIST_MARKER = /^\s*[\dA-Za-z一二三四五六七八九十]{1,3}$/;

function unbalanced(field: 'title' | 'body', at: number, ch: string): FormatHit {
  const other = PAIRS[ch] ?? CLOSERS.get(ch) ?? ch;
  return { rule: 'format.unbalanced', severity: 'warn', field, start: at, end: at + 1, text: ch, suggestion: `「${ch}」没有配对的「${other}」，请检查括号或引号` };
}
