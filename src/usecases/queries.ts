import { STATE_LABELS } from '../domain/draft';
import { AppError } from '../domain/errors';
import { CATEGORIES, PLATFORMS, PLATFORM_LABELS } from '../domain/model';
import { canManagePublishing } from '../domain/roster';
import { HELP_TEXT } from '../domain/commands';
import { formatLocal } from '../domain/time';
import type { ChannelName, Recipient } from '../ports/channel';
import { draftFormCard, md, noticeCard, statusCard } from './cards';
import type { Deps } from './deps';
import { tell, viewOf } from './notify';

/** `/status <no>`: the draft's status card, for its author and the working group. */
export async function showStatus(deps: Deps, input: { channel: ChannelName; senderId: string; replyTo: Recipient; no: number }) {
  await deps.store.transaction(async (tx) => {
    const draft = await tx.getDraft(input.no);
    if (!draft) throw new AppError('not_found', `没有编号为 #${input.no} 的稿件。`);
    const m = await tx.getMember(input.senderId);
    if (draft.authorId !== input.senderId && !canManagePublishing(m)) throw new AppError('forbidden', `稿件 #${input.no} 不是你提交的。`);
    const { view } = await viewOf(tx, deps, draft);
    const history = (await tx.decisions(draft.id)).map((d) => `${formatLocal(d.createdAt, deps.zone)} 第 ${d.step + 1} 步 ${d.verdict === 'approve' ? '通过' : d.verdict === 'changes' ? '退回修改' : '不予发布'}${d.reason ? `：${md(d.reason)}` : ''}`);
    history.push(`当前：${STATE_LABELS[draft.state]}`);
    await tell(tx, input.channel, input.replyTo, statusCard(view, history, await tx.publications(draft.id), deps.zone));
  });
}

/** `/mine`: the sender's latest drafts. */
export async function listMine(deps: Deps, input: { channel: ChannelName; senderId: string; replyTo: Recipient }) {
  await deps.store.transaction(async (tx) => {
    const drafts = await tx.draftsByAuthor(input.senderId, 20);
    const lines: string[] = [];
    for (const d of drafts) {
      const rev = await tx.getRevision(d.id, d.revision);
      lines.push(`#${d.id} ${md(rev?.title ?? '')} · ${STATE_LABELS[d.state]} · ${formatLocal(d.createdAt, deps.zone)}`);
    }
    await tell(tx, input.channel, input.replyTo, noticeCard('我的稿件', lines.length ? lines.join('\n') : '你还没有投过稿。发送 /help 查看投稿方法。'));
  });
}

export async function sendHelp(deps: Deps, input: { channel: ChannelName; replyTo: Recipient; reason?: string }) {
  await deps.store.transaction(async (tx) => {
    await tell(tx, input.channel, input.replyTo, noticeCard('Copydesk 使用说明', `${input.reason ? `${input.reason}\n\n` : ''}${HELP_TEXT}`));
  });
}

export async function sendNewForm(deps: Deps, input: { channel: ChannelName; replyTo: Recipient }) {
  await deps.store.transaction(async (tx) => {
    await tell(tx, input.channel, input.replyTo, draftFormCard({ categories: CATEGORIES, platforms: PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABELS[p] })) }));
  });
}
