import { AppError } from '../domain/errors';
import { ROLE_LABELS, type Role } from '../domain/model';
import { isLeader } from '../domain/roster';
import type { ChannelName, Recipient } from '../ports/channel';
import type { Deps } from './deps';
import { tell } from './notify';

/** `/bind`: a leader makes this group the working-group chat (status cards and failure notices go there). */
export async function bindChat(deps: Deps, input: { channel: ChannelName; senderId: string; chatId: string; chatType: 'p2p' | 'group'; replyTo: Recipient }) {
  await deps.store.transaction(async (tx) => {
    if (!isLeader(await tx.getMember(input.senderId))) throw new AppError('forbidden', '只有组长可以绑定工作群。');
    if (input.chatType !== 'group') throw new AppError('not_group', '请在要绑定的群里 @机器人 发送 /bind。');
    const before = await tx.getBinding(input.channel);
    await tx.setBinding(input.channel, input.chatId, input.senderId);
    await tx.audit({ actor: input.senderId, action: 'bind_chat', subject: `binding:${input.channel}`, detail: { before, after: input.chatId } });
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text: '已将本群设为新媒体工作群：稿件状态和发布通知将发到这里。' });
  });
}

/** `/role @someone <role>`: a leader sets the roles of the mentioned members. */
export async function changeRole(deps: Deps, input: { channel: ChannelName; senderId: string; targets: { userId: string; name: string }[]; role: Role; replyTo: Recipient }) {
  await deps.store.transaction(async (tx) => {
    if (!isLeader(await tx.getMember(input.senderId))) throw new AppError('forbidden', '只有组长可以调整角色。');
    if (input.targets.length === 0) throw new AppError('no_target', '请 @ 要调整角色的人，例如：/role @张三 editor');
    const done: string[] = [];
    for (const t of input.targets) {
      const existing = await tx.getMember(t.userId);
      const before = existing?.roles ?? [];
      if (!existing) await tx.upsertMember({ id: t.userId, name: t.name, department: '', roles: [] });
      const roles: Role[] = [input.role];
      if (before.includes('leader') && input.role !== 'leader' && t.userId === input.senderId) throw new AppError('self_demote', '组长不能取消自己的组长角色，请由另一位组长操作。');
      await tx.setRoles(t.userId, roles);
      await tx.audit({ actor: input.senderId, action: 'change_role', subject: `member:${t.userId}`, detail: { before, after: roles } });
      done.push(existing?.name ?? t.name);
    }
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text: `已将 ${done.join('、')} 设为「${ROLE_LABELS[input.role]}」。` });
  });
}

/** `/words add|allow|list`: leaders maintain the pre-review lexicons without a restart; changes are audited. */
export async function manageWords(
  deps: Deps,
  input: { channel: ChannelName; senderId: string; replyTo: Recipient } & ({ op: 'add'; category: string; word: string } | { op: 'allow'; word: string } | { op: 'list'; category: string }),
) {
  await deps.store.transaction(async (tx) => {
    if (!isLeader(await tx.getMember(input.senderId))) throw new AppError('forbidden', '只有组长可以维护词库。');
    const lexicon = deps.lexicon;
    if (!lexicon) throw new AppError('no_lexicon', '当前没有可维护的词库。');
    let text: string;
    if (input.op === 'list') {
      if (!lexicon.categories().includes(input.category) && input.category !== 'allow') throw new AppError('unknown_category', `没有类别「${input.category}」，可选：${lexicon.categories().join('、')}、allow。`);
      const terms = lexicon.list(input.category);
      text = `「${input.category}」共 ${terms.length} 个词${terms.length ? `：${terms.slice(0, 200).join('、')}${terms.length > 200 ? '…' : ''}` : ''}`;
    } else {
      if (input.word.length > 50) throw new AppError('word_too_long', '词语最长 50 字。');
      if (input.op === 'add' && !lexicon.categories().includes(input.category)) throw new AppError('unknown_category', `没有类别「${input.category}」，可选：${lexicon.categories().join('、')}。`);
      const added = input.op === 'add' ? lexicon.add(input.category, input.word) : lexicon.allow(input.word);
      await tx.audit({ actor: input.senderId, action: `words_${input.op}`, subject: `lexicon:${input.op === 'add' ? input.category : 'allow'}`, detail: { word: input.word, added } });
      text = added ? `已加入${input.op === 'add' ? `「${input.category}」` : '白名单'}：${input.word}，立即生效。` : `「${input.word}」已在词库中。`;
    }
    await tell(tx, input.channel, input.replyTo, { kind: 'text', text });
  });
}
