import { DateTime } from 'luxon';
import type { FeedbackSummary } from '../../domain/feedback';
import { PLATFORM_LABELS, type Platform } from '../../domain/model';
import { formatLocal } from '../../domain/time';
import type { CardBody } from '../../ports/channel';
import type { PostFigures, RectificationRecord } from '../../ports/feedback';
import { md } from '../cards';

/** Builders of the feedback cards (cards/feishu/feedback-summary.json, rectification.json, rectification-form.json). */

export const FLAG_LABELS: Record<string, string> = { error_report: '指出错误', complaint: '投诉或批评', question: '提问' };
const SOURCE_LABELS: Record<string, string> = { ...PLATFORM_LABELS, chat: '群内转达', form: '网页表单' };
const SENTIMENT_LABELS = { positive: '正面', neutral: '中性', negative: '负面' } as const;
/** Flagged items listed with a button; the rest are counted. */
export const MAX_FLAGGED_SHOWN = 8;

const clip = (s: string, n: number) => ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s);
const num = (n: number) => n.toLocaleString('en-US');

export function figuresText(f: PostFigures | null): string {
  if (!f) return '平台未提供数据';
  const parts = [
    ['阅读', f.reads],
    ['点赞', f.likes],
    ['转发', f.shares],
    ['评论', f.comments],
  ].filter((p): p is [string, number] => typeof p[1] === 'number');
  return parts.length ? parts.map(([label, v]) => `${label} ${num(v)}`).join('　') : '平台未提供数据';
}

export function feedbackSummaryCard(args: {
  no: number;
  title: string;
  platform: string;
  publishedAt: Date;
  until: Date;
  zone: string;
  figures: PostFigures | null;
  summary: FeedbackSummary;
  /** Feedback ids that already have an open rectification item (no button). */
  rectified: ReadonlySet<number>;
  /** Flagged items in all (counted in SQL) when `summary` was made from a sample; else those of `summary`. */
  flaggedTotal?: number;
}): CardBody {
  const { summary: s } = args;
  const sources = Object.entries(s.bySource)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${SOURCE_LABELS[k] ?? k} ${v}`)
    .join('、');
  // One row per feedback item, with the first (most serious) of its flags.
  const seen = new Set<string>();
  const rows = s.flagged.filter((f) => (seen.has(String(f.id)) ? false : (seen.add(String(f.id)), true)));
  const shown = rows.slice(0, MAX_FLAGGED_SHOWN);
  const total = Math.max(args.flaggedTotal ?? 0, rows.length);
  const representative = (['negative', 'positive'] as const)
    .map((k) => s.representative[k])
    .filter((r) => r !== undefined)
    .map((r) => `· ${SENTIMENT_LABELS[r.score < 0 ? 'negative' : 'positive']}：「${md(clip(r.text, 80))}」`)
    .join('\n');
  return {
    kind: 'card',
    template: 'feedback-summary',
    data: {
      no: args.no,
      title: args.title,
      platform: args.platform,
      publishedAt: formatLocal(args.publishedAt, args.zone),
      until: formatLocal(args.until, args.zone),
      figures: figuresText(args.figures),
      volume: s.volume ? `共 ${s.volume} 条（${sources}）` : '暂无留言',
      sentiment: s.volume ? `正面 ${s.sentiment.positive} · 中性 ${s.sentiment.neutral} · 负面 ${s.sentiment.negative}` : '—',
      themes: s.themes.map((t) => `· ${md(t.label)}（${t.count} 条）：${t.keywords.map(md).join('、')}`).join('\n'),
      representative,
      flagged: shown.map((f) => ({
        text: `**${FLAG_LABELS[f.kind] ?? f.kind}**「${md(clip(f.text, 120))}」${args.rectified.has(Number(f.id)) ? ' · 已建整改' : ''}`,
        open: !args.rectified.has(Number(f.id)),
        value: { a: 'rectify_open', f: Number(f.id) },
      })),
      flaggedTotal: total,
      moreFlagged: total > shown.length ? `另有 ${total - shown.length} 条未列出。` : '',
      color: s.flaggedCounts.error_report > 0 ? 'red' : rows.length > 0 ? 'orange' : 'green',
    },
  };
}

export function rectificationFormCard(args: {
  no: number;
  feedbackId: number;
  kind: string;
  text: string;
  owners: { id: string; name: string }[];
  defaultDue: string;
  /** Markdown: names in it must be escaped by the caller. */
  created?: string;
}): CardBody {
  return {
    kind: 'card',
    template: 'rectification-form',
    data: {
      no: args.no,
      kind: FLAG_LABELS[args.kind] ?? '反馈',
      text: md(clip(args.text, 300)),
      owners: args.owners.map((o) => ({ text: o.name, value: o.id })),
      defaultDue: args.defaultDue,
      created: args.created ?? '',
      value: { a: 'rectify_create', f: args.feedbackId },
    },
  };
}

export function rectificationCard(r: RectificationRecord, names: { owner: string; createdBy: string; closedBy?: string }, zone: string, reminder?: string): CardBody {
  const open = r.state === 'open';
  return {
    kind: 'card',
    template: 'rectification',
    data: {
      id: r.id,
      no: r.draftId ?? '—',
      state: open ? '处理中' : '已关闭',
      owner: names.owner,
      due: DateTime.fromJSDate(r.dueAt, { zone }).toFormat('yyyy-LL-dd'),
      title: md(r.title),
      note: r.note ? md(r.note) : '',
      createdBy: md(names.createdBy),
      createdAt: formatLocal(r.createdAt, zone),
      closed: !open ? `${md(r.closingNote ?? '')}（${md(names.closedBy ?? r.closedBy ?? '')} · ${r.closedAt ? formatLocal(r.closedAt, zone) : ''}）` : '',
      open,
      reminder: open && reminder ? md(reminder) : '',
      color: open ? (reminder ? 'red' : 'orange') : 'green',
      value: { a: 'rectify_close', i: r.id },
    },
  };
}

export const platformLabel = (p: string) => PLATFORM_LABELS[p as Platform] ?? p;
