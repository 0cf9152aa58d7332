import { STATE_LABELS } from '../domain/draft';
import { PLATFORM_LABELS, ROLE_LABELS, type Finding, type Role } from '../domain/model';
import type { Member } from '../domain/roster';
import { formatLocal } from '../domain/time';
import type { CardBody } from '../ports/channel';
import type { DecisionRecord, DraftRecord, PublicationRecord, RevisionRecord } from '../ports/store';

/** Builders of the channel-neutral cards; each channel renders them from `cards/<channel>/<template>.json`. */

const SEVERITY_LABELS = { block: '🔴 阻断', warn: '🟠 提醒', info: '🔵 提示' } as const;
const VERDICT_LABELS = { approve: '通过', changes: '退回修改', reject: '不予发布' } as const;

/** Escapes text for Feishu markdown so user input cannot inject links, mentions or formatting. */
export function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_~[\]()#|]/g, (c) => `\\${c}`);
}

/** A URL safe inside a markdown link: parentheses and spaces encoded. */
const linkUrl = (url: string): string => url.replace(/[()\s]/g, (c) => encodeURIComponent(c));

export const targetLabel = (t: { platform: keyof typeof PLATFORM_LABELS; account?: string }): string =>
  t.account ? `${PLATFORM_LABELS[t.platform]}（${t.account}）` : PLATFORM_LABELS[t.platform];

const FINDINGS_PER_GROUP = 8;

export function findingsView(findings: readonly Finding[]) {
  const order = ['block', 'warn', 'info'] as const;
  return order
    .map((sev) => ({
      label: SEVERITY_LABELS[sev],
      items: findings
        .filter((f) => f.severity === sev)
        .map((f) => `· ${f.text ? `「**${md(f.text.slice(0, 40))}**」` : ''}${md(f.suggestion)}`),
    }))
    .map((g) => {
      const shown = g.items.slice(0, FINDINGS_PER_GROUP);
      const more = g.items.length - shown.length;
      return { label: g.label, text: [...shown, ...(more > 0 ? [`…等 ${more} 项`] : [])].join('\n'), items: shown };
    })
    .filter((g) => g.items.length > 0);
}

export interface DraftView {
  no: number;
  title: string;
  department: string;
  author: string;
  category: string;
  platforms: string;
  time: string;
  state: string;
  revision: number;
  preview: string;
  /** The same person-written fields escaped for markdown elements (the raw ones go into plain_text). */
  md: { title: string; department: string; author: string };
}

export function draftView(d: DraftRecord, rev: RevisionRecord, author: Member | null, zone: string): DraftView {
  const preview = rev.body.length > 300 ? `${rev.body.slice(0, 300)}…` : rev.body;
  return {
    no: d.id,
    title: rev.title,
    department: d.department,
    author: author?.name ?? d.authorId,
    category: d.category,
    platforms: d.targets.map(targetLabel).join('、'),
    time: d.publishAt ? formatLocal(d.publishAt, zone) : '审批通过后立即发布',
    state: STATE_LABELS[d.state],
    revision: rev.n,
    preview: md(preview),
    md: { title: md(rev.title), department: md(d.department), author: md(author?.name ?? d.authorId) },
  };
}

export function approvalCard(args: {
  view: DraftView;
  findings: readonly Finding[];
  step: number;
  role: Role;
  stepCount: number;
  decision?: (DecisionRecord & { deciderName: string }) | null;
  closedReason?: string;
  zone: string;
}): CardBody {
  const { view, step, role, stepCount, decision, closedReason, zone } = args;
  const decided = decision
    ? `**${VERDICT_LABELS[decision.verdict]}** · ${md(decision.deciderName)} · ${formatLocal(decision.createdAt, zone)}${decision.reason ? `\n意见：${md(decision.reason)}` : ''}`
    : undefined;
  return {
    kind: 'card',
    template: 'approval',
    data: {
      ...view,
      stepLabel: `第 ${step + 1}/${stepCount} 步 · ${ROLE_LABELS[role]}审核`,
      findings: findingsView(args.findings),
      noFindings: args.findings.length === 0,
      open: !decided && !closedReason,
      decided,
      closed: closedReason ? md(closedReason) : undefined,
      color: decision ? (decision.verdict === 'approve' ? 'green' : decision.verdict === 'reject' ? 'red' : 'orange') : closedReason ? 'grey' : 'blue',
      value: { d: view.no, r: view.revision, s: step },
      maskable: !decided && !closedReason && args.findings.some((f) => f.category === 'personal-data' && f.replacement !== undefined),
      maskValue: { a: 'mask', d: view.no, r: view.revision },
    },
  };
}

export function receiptCard(view: DraftView, findings: readonly Finding[], next: string): CardBody {
  return {
    kind: 'card',
    template: 'receipt',
    data: {
      ...view,
      findings: findingsView(findings),
      noFindings: findings.length === 0,
      next: md(next),
      maskable: findings.some((f) => f.category === 'personal-data' && f.replacement !== undefined),
      maskValue: { a: 'mask', d: view.no, r: view.revision },
    },
  };
}

export function statusCard(view: DraftView, history: string[], publications: PublicationRecord[], zone: string): CardBody {
  const failed = publications.some((p) => p.state === 'failed');
  return {
    kind: 'card',
    template: 'status',
    data: {
      ...view,
      history: history.map((h) => ({ text: h })),
      publications: publications.map((p) => ({
        text: `${targetLabel(p)}：${PUBLICATION_LABELS[p.state]}${p.url ? ` · [查看](${linkUrl(p.url)})` : ''}${p.state === 'scheduled' ? ` · ${formatLocal(p.dueAt, zone)}` : ''}${p.state === 'failed' && p.lastError ? ` · 原因：${md(p.lastError)}` : ''}`,
      })),
      failed,
      color: failed ? 'red' : view.state === STATE_LABELS.published ? 'green' : 'blue',
      retryValue: { a: 'retry', d: view.no },
    },
  };
}

export const PUBLICATION_LABELS: Record<PublicationRecord['state'], string> = {
  scheduled: '待发布',
  publishing: '发布中',
  pending: '等待人工发布',
  published: '已发布',
  failed: '发布失败',
  cancelled: '已取消',
  removed: '已撤下',
};

export function noticeCard(title: string, text: string, color = 'blue', buttons: { label: string; type?: string; value: Record<string, unknown> }[] = []): CardBody {
  return { kind: 'card', template: 'notice', data: { title, text, color, buttons: buttons.map((b) => ({ type: 'default', ...b })) } };
}

/** Longest body shown inside a card; a longer text also goes as a separate text message (cards stay under 30 KB). */
export const CARD_BODY_MAX = 3000;

export function manualPublishCard(view: DraftView, body: string, publication: PublicationRecord, done?: { by: string; url: string }): CardBody {
  const long = [...body].length > CARD_BODY_MAX;
  return {
    kind: 'card',
    template: 'manual-publish',
    data: {
      ...view,
      platform: targetLabel(publication),
      body: md(long ? `${[...body].slice(0, CARD_BODY_MAX).join('')}…` : body),
      fullTextNote: long ? '正文较长，卡片只显示开头；全文见上一条消息。' : undefined,
      open: !done,
      done: done ? `已由 ${md(done.by)} 确认发布：${md(done.url)}` : undefined,
      value: { a: 'manual_done', p: publication.id },
    },
  };
}

export const FORM_BODY_MAX = 1000;

/** The `/new` form, and the same form prefilled to revise a draft that was sent back. */
export function draftFormCard(args: { categories: readonly string[]; platforms: { value: string; label: string }[]; revise?: { no: number; title: string; body: string; reason: string } }): CardBody {
  return {
    kind: 'card',
    template: 'draft-form',
    data: {
      heading: args.revise ? `修改稿件 #${args.revise.no}` : '新建投稿',
      reason: args.revise ? md(args.revise.reason) : undefined,
      title: args.revise?.title ?? '',
      // Feishu inputs hold at most 1,000 characters: a longer body is revised with /revise instead.
      body: args.revise && [...args.revise.body].length <= FORM_BODY_MAX ? args.revise.body : '',
      longBody: !!args.revise && [...args.revise.body].length > FORM_BODY_MAX,
      isNew: !args.revise,
      categories: args.categories.map((c) => ({ text: c, value: c })),
      platforms: args.platforms.map((p) => ({ text: p.label, value: p.value })),
      value: args.revise ? { a: 'revise', d: args.revise.no } : { a: 'new' },
    },
  };
}
