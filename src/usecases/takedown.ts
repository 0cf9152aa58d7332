import { AppError } from '../domain/errors';
import { isLeader } from '../domain/roster';
import type { CardActionAnswer, ChannelName, Recipient } from '../ports/channel';
import { noticeCard, targetLabel } from './cards';
import type { Deps } from './deps';
import { tell, updateStatusCard, viewOf } from './notify';

/** `/takedown <no>`: leaders only; asks for confirmation by button before anything is removed. */
export async function requestTakedown(deps: Deps, input: { channel: ChannelName; senderId: string; replyTo: Recipient; no: number }): Promise<void> {
  await deps.store.transaction(async (tx) => {
    if (!isLeader(await tx.getMember(input.senderId))) throw new AppError('forbidden', '只有组长可以撤下已发布的内容。');
    const draft = await tx.getDraft(input.no);
    if (!draft) throw new AppError('not_found', `没有编号为 #${input.no} 的稿件。`);
    const published = (await tx.publications(draft.id)).filter((p) => p.state === 'published');
    if (published.length === 0) throw new AppError('not_published', `稿件 #${draft.id} 没有已发布的内容。`);
    const { view } = await viewOf(tx, deps, draft);
    const list = published.map((p) => `· ${targetLabel(p)}${p.url ? `：${p.url}` : ''}`).join('\n');
    await tell(tx, input.channel, input.replyTo, noticeCard(`确认撤下：#${draft.id} ${view.title}`, `将从以下平台撤下（不可恢复）：\n${list}`, 'red', [
      { label: '确认撤下', type: 'danger', value: { a: 'takedown', d: draft.id } },
    ]));
  });
}

/** The 确认撤下 button: removes each published post where the platform allows it, and audits it. */
export async function confirmTakedown(deps: Deps, input: { operatorId: string; no: number }): Promise<CardActionAnswer> {
  const targets = await deps.store.transaction(async (tx) => {
    if (!isLeader(await tx.getMember(input.operatorId))) {
      await tx.audit({ actor: input.operatorId, action: 'takedown_refused', subject: `draft:${input.no}` });
      return null;
    }
    return (await tx.publications(input.no)).filter((p) => p.state === 'published');
  });
  if (!targets) return { toast: { type: 'error', content: '只有组长可以撤下已发布的内容。' } };
  if (targets.length === 0) return { toast: { type: 'info', content: '没有需要撤下的内容（可能已撤下）。' } };

  const done: string[] = [];
  const manual: string[] = [];
  const failed: string[] = [];
  for (const p of targets) {
    const publisher = deps.publishers.get(p.publisher);
    if (!publisher?.takedown || !p.externalId) {
      manual.push(targetLabel(p));
      continue;
    }
    try {
      await publisher.takedown(p.externalId);
      await deps.store.transaction(async (tx) => {
        await tx.updatePublication(p.id, { state: 'removed' });
        await tx.audit({ actor: input.operatorId, action: 'takedown', subject: `publication:${p.id}`, detail: { platform: p.platform, externalId: p.externalId, url: p.url } });
      });
      done.push(targetLabel(p));
    } catch (e) {
      failed.push(`${targetLabel(p)}（${e instanceof Error ? e.message : String(e)}）`);
      deps.logger.error({ err: e, publication: p.id }, 'takedown failed');
    }
  }
  await deps.store.transaction(async (tx) => {
    const draft = await tx.getDraft(input.no);
    if (!draft) return;
    const lines = [
      done.length ? `已撤下：${done.join('、')}` : '',
      manual.length ? `需人工撤下（平台不支持接口撤下）：${manual.join('、')}` : '',
      failed.length ? `撤下失败：${failed.join('；')}，请稍后重试` : '',
    ].filter(Boolean);
    const chat = await tx.getBinding(draft.channel);
    if (chat) await tell(tx, draft.channel, { kind: 'chat', id: chat }, { kind: 'text', text: `稿件 #${draft.id} 撤下结果：\n${lines.join('\n')}` });
    await updateStatusCard(tx, deps, draft);
  });
  const ok = failed.length === 0;
  return { toast: { type: ok ? 'success' : 'error', content: ok ? `已处理：${[...done, ...manual].length} 个平台` : `部分撤下失败：${failed.join('；')}` } };
}
