/**
 * Turns a draft's body (plain text with paragraphs, or Feishu rich text `post` JSON with
 * links and images) into safe, escaped article HTML, and into plain text for captions.
 *
 * Nothing from the draft reaches the HTML unescaped: text is escaped, links keep only
 * http(s) targets (and only on allowed hosts; others become "文字（网址）" text, because
 * WeChat strips outside links), images keep only the URLs the platform gave us on upload.
 */

export type BodyNode =
  | { tag: 'text'; text: string; bold?: boolean; italic?: boolean; underline?: boolean; strike?: boolean }
  | { tag: 'a'; text: string; href: string }
  | { tag: 'img'; imageKey: string };

export interface ParsedBody {
  /** Paragraphs of inline nodes; an image on its own is a paragraph of one node. */
  paragraphs: BodyNode[][];
  /** Image keys in the order they appear. */
  imageKeys: string[];
  /** Title carried by a Feishu post, if any. */
  title?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Strips control characters other than newline and tab. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** Parses the body: Feishu `post` JSON (plain or locale-wrapped) when it is one, else plain text. */
export function parseDraftBody(body: string): ParsedBody {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    const post = tryParsePost(trimmed);
    if (post) return post;
  }
  return parsePlainText(body);
}

function parsePlainText(body: string): ParsedBody {
  const paragraphs: BodyNode[][] = [];
  for (const block of clean(body).split(/\n[ \t\u3000]*\n/)) {
    const lines = block.split('\n').map((l) => l.replace(/[ \t]+$/, ''));
    const text = lines.join('\n').replace(/^\n+|\n+$/g, '');
    if (text.trim() === '') continue;
    paragraphs.push(linkify(text));
  }
  return { paragraphs, imageKeys: [] };
}

const URL_RE = /https?:\/\/[^\s<>"'，。；！？、）】」]+/g;

/** Bare URLs in plain text become link nodes (rendered according to the link policy). */
function linkify(text: string): BodyNode[] {
  const nodes: BodyNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    if (start > last) nodes.push({ tag: 'text', text: text.slice(last, start) });
    nodes.push({ tag: 'a', text: m[0], href: m[0] });
    last = start + m[0].length;
  }
  if (last < text.length) nodes.push({ tag: 'text', text: text.slice(last) });
  return nodes;
}

interface RawPost {
  title?: unknown;
  content?: unknown;
}

function tryParsePost(json: string): ParsedBody | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  let post = raw as RawPost & Record<string, unknown>;
  if (!Array.isArray(post.content)) {
    // Locale-wrapped: {"zh_cn": {title, content}}
    const inner = Object.values(post).find((v) => v && typeof v === 'object' && Array.isArray((v as RawPost).content));
    if (!inner) return undefined;
    post = inner as RawPost & Record<string, unknown>;
  }
  const paragraphs: BodyNode[][] = [];
  const imageKeys: string[] = [];
  for (const line of post.content as unknown[]) {
    if (!Array.isArray(line)) continue;
    let current: BodyNode[] = [];
    const flush = () => {
      if (current.some((n) => n.tag !== 'text' || n.text.trim() !== '')) paragraphs.push(current);
      current = [];
    };
    for (const el of line) {
      if (!el || typeof el !== 'object') continue;
      const e = el as Record<string, unknown>;
      const style = Array.isArray(e.style) ? (e.style as unknown[]).map(String) : [];
      switch (e.tag) {
        case 'text':
        case 'md':
          if (typeof e.text === 'string') {
            current.push({
              tag: 'text',
              text: clean(e.text),
              bold: style.includes('bold') || undefined,
              italic: style.includes('italic') || undefined,
              underline: style.includes('underline') || undefined,
              strike: style.includes('lineThrough') || undefined,
            });
          }
          break;
        case 'a':
          if (typeof e.href === 'string') current.push({ tag: 'a', href: e.href, text: clean(typeof e.text === 'string' ? e.text : e.href) });
          break;
        case 'at':
          if (typeof e.user_name === 'string') current.push({ tag: 'text', text: `@${clean(e.user_name)}` });
          break;
        case 'img':
          if (typeof e.image_key === 'string') {
            flush();
            paragraphs.push([{ tag: 'img', imageKey: e.image_key }]);
            imageKeys.push(e.image_key);
          }
          break;
        case 'emotion':
        case 'media':
        case 'hr':
        case 'code_block':
          if (e.tag === 'code_block' && typeof e.text === 'string') current.push({ tag: 'text', text: clean(e.text) });
          break;
        default:
          break;
      }
    }
    flush();
  }
  return { paragraphs, imageKeys, title: typeof post.title === 'string' && post.title ? post.title : undefined };
}

export interface RenderOptions {
  /** URL the platform gave for an uploaded image key; images without one are left out. */
  imageUrl(key: string): string | undefined;
  /** Images of the draft not placed in the body, appended at the end. */
  trailingImageKeys?: string[];
  /** Hosts whose links stay clickable (WeChat: mp.weixin.qq.com). Other links become text. */
  linkHostAllowed?(host: string): boolean;
}

function safeHref(href: string): URL | undefined {
  try {
    const u = new URL(href.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

function renderText(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br/>');
}

function renderNode(n: BodyNode, opts: RenderOptions): string {
  switch (n.tag) {
    case 'text': {
      let h = renderText(n.text);
      if (n.bold) h = `<strong>${h}</strong>`;
      if (n.italic) h = `<em>${h}</em>`;
      if (n.underline) h = `<u>${h}</u>`;
      if (n.strike) h = `<s>${h}</s>`;
      return h;
    }
    case 'a': {
      const u = safeHref(n.href);
      if (!u) return renderText(n.text);
      if (opts.linkHostAllowed?.(u.hostname)) return `<a href="${escapeHtml(u.toString())}">${renderText(n.text)}</a>`;
      const shown = n.text.trim();
      return shown === n.href.trim() || shown === u.toString() ? renderText(u.toString()) : `${renderText(shown)}（${renderText(u.toString())}）`;
    }
    case 'img': {
      const src = opts.imageUrl(n.imageKey);
      const u = src ? safeHref(src) : undefined;
      return u ? `<img src="${escapeHtml(u.toString())}"/>` : '';
    }
  }
}

/** Renders safe article HTML. */
export function renderArticleHtml(parsed: ParsedBody, opts: RenderOptions): string {
  const out: string[] = [];
  for (const para of parsed.paragraphs) {
    const inner = para.map((n) => renderNode(n, opts)).join('');
    if (inner !== '') out.push(`<p>${inner}</p>`);
  }
  for (const key of opts.trailingImageKeys ?? []) {
    const img = renderNode({ tag: 'img', imageKey: key }, opts);
    if (img) out.push(`<p>${img}</p>`);
  }
  return out.join('');
}

/** Plain text of the body: paragraphs separated by blank lines, links as their text (and URL when it differs). */
export function plainText(parsed: ParsedBody): string {
  return parsed.paragraphs
    .map((para) =>
      para
        .map((n) => {
          if (n.tag === 'text') return n.text;
          if (n.tag === 'a') return n.text.trim() === n.href.trim() ? n.href : `${n.text} ${n.href}`;
          return '';
        })
        .join('')
        .trim(),
    )
    .filter((p) => p !== '')
    .join('\n\n');
}

/** Cuts `s` to at most `max` characters (code points), ending with `…` when cut. */
export function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

export function charLength(s: string): number {
  return Array.from(s).length;
}
