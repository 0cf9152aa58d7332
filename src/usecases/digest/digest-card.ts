import { formatDuration, type CadenceStatus } from '../../domain/digest';
import { PLATFORM_LABELS, ROLE_LABELS, type Role } from '../../domain/model';
import { formatLocal } from '../../domain/time';
import type { CardBody } from '../../ports/channel';
import type { OpenRectification, PendingStep, PostFigures, PostTotals, ScheduledPost, SentimentCounts } from '../../ports/digest';
import { md } from '../cards';

/** Everything the digest card shows, gathered by weekly-digest.ts. */
export interface DigestReport {
  kind: 'weekly' | 'on_demand';
  periodLabel: string;
  generatedAt: Date;
  remindAfterHours: number;
  cadenceDays: number;
  posts: { totals: PostTotals; top: PostFigures[]; perDay: { label: string; count: number }[] };
  feedback: { totals: SentimentCounts; keywords: string[]; concerns: { text: string; source: string }[] };
  pending: { step: PendingStep; role: Role; waitedMs: number; workingMs: number }[];
  upcoming: { total: number; items: ScheduledPost[] };
  lagging: CadenceStatus[];
  rectifications: { total: number; overdue: number; items: OpenRectification[] };
}

/** Feishu rejects cards above 30 KB; the builder stays well below, leaving room for the template. */
export const DIGEST_DATA_BUDGET = 24 * 1024;
const NONE = '无';
const SOURCE_LABELS: Record<string, string> = { ...PLATFORM_LABELS, chat: '群聊', form: '表单' };

const clip = (text: string, max: number): string => {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
};
const n = (v: number | null): string => (v === null ? '—' : String(v));
const pct = (part: number, total: number): string => (total > 0 ? `${Math.round((part / total) * 100)}%` : '0%');
/** A list shown up to `limit` lines, with `…等 N 条` when there were more. */
const list = (lines: string[], total: number, limit: number): string => {
  if (total === 0 || lines.length === 0) return NONE;
  const shown = lines.slice(0, limit);
  return total > shown.length ? `${shown.join('\n')}\n…等 ${total} 条` : shown.join('\n');
};

function sections(r: DigestReport, zone: string, limit: number) {
  const t = r.posts.totals;
  const postLines = r.posts.top.map((p, i) => {
    const neg = p.feedback.negative ? `（负面 ${p.feedback.negative}）` : '';
    const fb = p.feedback.positive + p.feedback.neutral + p.feedback.negative;
    return `${i + 1}. ${md(clip(p.title, 30))} · ${PLATFORM_LABELS[p.platform] ?? md(p.platform)} · ${md(clip(p.department, 12))} · 阅读 ${n(p.reads)} · 点赞 ${n(p.likes)} · 转发 ${n(p.shares)} · 反馈 ${fb}${neg}`;
  });
  const posts = t.posts === 0
    ? NONE
    : `共 **${t.posts}** 条 · 阅读 ${t.reads} · 点赞 ${t.likes} · 转发 ${t.shares} · 评论 ${t.comments}\n${list(postLines, t.posts, limit)}`;

  const f = r.feedback.totals;
  const fTotal = f.positive + f.neutral + f.negative;
  const feedback = fTotal === 0
    ? NONE
    : [
        `共 **${fTotal}** 条：正面 ${f.positive}（${pct(f.positive, fTotal)}）· 中性 ${f.neutral}（${pct(f.neutral, fTotal)}）· 负面 ${f.negative}（${pct(f.negative, fTotal)}）`,
        r.feedback.keywords.length ? `热词：${r.feedback.keywords.slice(0, 8).map((k) => md(clip(k, 10))).join('、')}` : '',
        ...(r.feedback.concerns.length ? ['需关注：', ...r.feedback.concerns.slice(0, 3).map((c) => `· 「${md(clip(c.text, 60))}」（${SOURCE_LABELS[c.source] ?? md(c.source)}）`)] : []),
      ].filter(Boolean).join('\n');

  const pendingLines = r.pending.map(({ step, role, waitedMs, workingMs }) =>
    `· #${step.draftId} ${md(clip(step.title, 30))} · ${md(clip(step.department, 12))} · 待${ROLE_LABELS[role]}审核 · 已等待 ${formatDuration(waitedMs)}（工作时间 ${Math.floor(workingMs / 3_600_000)} 小时）`);
  const upcomingLines = r.upcoming.items.map((p) => `· ${formatLocal(p.dueAt, zone)} #${p.draftId} ${md(clip(p.title, 30))} · ${PLATFORM_LABELS[p.platform] ?? md(p.platform)}`);
  const laggingLines = r.lagging.map((c) =>
    c.lastSubmittedAt ? `· ${md(clip(c.department, 20))}：上次投稿 ${formatLocal(c.lastSubmittedAt, zone).slice(0, 10)}（${c.daysSince} 天前）` : `· ${md(clip(c.department, 20))}：尚无投稿记录`);
  const rect = r.rectifications;
  const rectLines = rect.items.map((i) =>
    `· ${i.dueAt.getTime() < r.generatedAt.getTime() ? '【逾期】' : ''}${md(clip(i.title, 30))} · 负责人 ${md(clip(i.ownerName ?? i.ownerId, 12))} · 截止 ${formatLocal(i.dueAt, zone)}`);

  return {
    posts,
    feedback,
    pending: list(pendingLines, r.pending.length, limit),
    upcoming: list(upcomingLines, r.upcoming.total, limit),
    lagging: list(laggingLines, r.lagging.length, limit),
    rectifications: rect.total === 0 ? NONE : `共 ${rect.total} 项，其中逾期 ${rect.overdue} 项\n${list(rectLines, rect.total, limit)}`,
  };
}

/** VChart specs: plain data, no functions (Feishu renders them in the card's `chart` element). */
function charts(r: DigestReport) {
  const postsChart = r.posts.totals.posts > 0
    ? {
        type: 'bar',
        title: { visible: true, text: '每日发布条数' },
        data: [{ id: 'posts', values: r.posts.perDay.map((d) => ({ day: d.label, posts: d.count })) }],
        xField: 'day',
        yField: 'posts',
        label: { visible: true },
      }
    : undefined;
  const f = r.feedback.totals;
  const sentimentChart = f.positive + f.neutral + f.negative > 0
    ? {
        type: 'pie',
        title: { visible: true, text: '反馈情感分布' },
        data: [{ id: 'sentiment', values: [{ type: '正面', value: f.positive }, { type: '中性', value: f.neutral }, { type: '负面', value: f.negative }] }],
        categoryField: 'type',
        valueField: 'value',
        innerRadius: 0.5,
        outerRadius: 0.8,
        legends: { visible: true, orient: 'right' },
        label: { visible: true },
      }
    : undefined;
  return { postsChart, sentimentChart };
}

/** The digest card (`cards/<channel>/digest.json`): one markdown block per section, `无` when empty, lists truncated to fit. */
export function digestCard(r: DigestReport, zone: string): CardBody {
  const title = r.kind === 'weekly' ? '📊 新媒体工作周报' : '📊 近 7 天新媒体工作简报';
  const head = { title, subtitle: `${r.periodLabel} · 生成于 ${formatLocal(r.generatedAt, zone)}`, remindAfterHours: r.remindAfterHours, cadenceDays: r.cadenceDays, ...charts(r) };
  let data: Record<string, unknown> = {};
  for (const limit of [10, 6, 3, 1]) {
    data = { ...head, ...sections(r, zone, limit), color: r.pending.length > 0 || r.rectifications.overdue > 0 ? 'orange' : 'blue' };
    if (new TextEncoder().encode(JSON.stringify(data)).length <= DIGEST_DATA_BUDGET) break;
  }
  return { kind: 'card', template: 'digest', data };
}
