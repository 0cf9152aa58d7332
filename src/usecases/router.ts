import { parseCommand } from '../domain/commands';
import { isAppError } from '../domain/errors';
import { CATEGORIES, type Category } from '../domain/model';
import { parseDraftLines, parseTargets, type ParseResult } from '../domain/submission';
import { parseLocalTime } from '../domain/time';
import type { CardActionAnswer, InboundCardAction, InboundMessage, Recipient } from '../ports/channel';
import type { Verdict } from '../ports/store';
import { bindChat, changeRole, manageWords } from './admin';
import { decide } from './decide';
import type { Deps } from './deps';
import { tell } from './notify';
import { noticeCard } from './cards';
import { confirmManualPublication } from './publish';
import { listMine, sendHelp, sendNewForm, showStatus } from './queries';
import { cancelSchedule, rescheduleDraft, retryPublishing, withdrawDraft } from './schedule';
import { confirmTakedown, requestTakedown } from './takedown';
import { maskPersonalData, parseOptions, reviseDraft, submitDraft } from './submit';

/** Maps a chat message to its use case. AppErrors become a clear reply; anything else is reported and re-thrown. */
export async function handleMessage(deps: Deps, msg: InboundMessage): Promise<void> {
  const replyTo: Recipient = { kind: 'reply', messageId: msg.messageId };
  const base = { channel: msg.channel, senderId: msg.senderId, replyTo };
  const source = `event:${msg.channel}:${msg.eventId}`;
  try {
    if (msg.title !== undefined && msg.title.trim() !== '' && !msg.text.trim().startsWith('/')) {
      // A rich-text post: its title and content are the draft; field lines still apply.
      const fields = parseDraftLines(msg.text.replace(/^\s*(投稿|\/submit)\s*/i, '').split(/\r?\n/), parseOptions(deps), msg.title);
      await submitDraft(deps, { ...base, fields, source, media: msg.images.map((key) => ({ kind: 'image' as const, key, source: msg.messageId })) });
      return;
    }
    for (const ext of deps.extensions) if (ext.onMessage && (await ext.onMessage(deps, msg))) return;
    const cmd = parseCommand(msg.text);
    switch (cmd.name) {
      case 'submit':
        await submitDraft(deps, { ...base, text: cmd.text, source, media: msg.images.map((key) => ({ kind: 'image' as const, key, source: msg.messageId })) });
        return;
      case 'new':
        return await sendNewForm(deps, { channel: msg.channel, replyTo });
      case 'revise':
        await reviseDraft(deps, { ...base, no: cmd.no, text: cmd.text, source });
        return;
      case 'status':
        return await showStatus(deps, { ...base, no: cmd.no });
      case 'mine':
        return await listMine(deps, base);
      case 'withdraw':
        return await withdrawDraft(deps, { ...base, no: cmd.no });
      case 'schedule':
        return await rescheduleDraft(deps, { ...base, no: cmd.no, time: cmd.time });
      case 'cancel':
        return await cancelSchedule(deps, { ...base, no: cmd.no });
      case 'retry': {
        const text = await retryPublishing(deps, { senderId: msg.senderId, no: cmd.no });
        await reply(deps, msg, text);
        return;
      }
      case 'takedown':
        return await requestTakedown(deps, { ...base, no: cmd.no });
      case 'bind':
        return await bindChat(deps, { ...base, chatId: msg.chatId, chatType: msg.chatType });
      case 'role':
        return await changeRole(deps, { ...base, role: cmd.role, targets: msg.mentions.map((m) => ({ userId: m.userId, name: m.name })) });
      case 'words':
        return await manageWords(deps, { ...base, ...cmd });
      case 'help':
        return await sendHelp(deps, { channel: msg.channel, replyTo, reason: cmd.reason });
    }
  } catch (e) {
    if (isAppError(e)) {
      await reply(deps, msg, e.message);
      return;
    }
    deps.logger.error({ err: e, eventId: msg.eventId }, 'message handling failed');
    await reply(deps, msg, '抱歉，处理这条消息时出错了，请稍后重试；如果一直失败，请联系管理员。');
  }
}

async function reply(deps: Deps, msg: InboundMessage, text: string) {
  await deps.store.transaction((tx) => tell(tx, msg.channel, { kind: 'reply', messageId: msg.messageId }, { kind: 'text', text }));
}

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(' ') : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);

/** Reads the `/new` and revise forms into the same result as a `投稿` message. */
function parseForm(deps: Deps, form: Record<string, unknown>): ParseResult {
  const errors: string[] = [];
  const title = str(form.title).trim();
  const body = str(form.body).trim();
  const categoryText = str(form.category).trim() || '其他';
  if (!(CATEGORIES as readonly string[]).includes(categoryText)) errors.push(`分类「${categoryText}」不在制度规定的类别中。`);
  const platformsRaw = Array.isArray(form.platforms) ? (form.platforms as unknown[]).map(str).join(' ') : str(form.platforms);
  const { targets, unknown } = parseTargets(platformsRaw || 'wechat', deps.publishers.accounts());
  if (unknown.length) errors.push(`不认识的平台「${unknown.join('、')}」。`);
  let publishAt: Date | undefined;
  const timeText = str(form.time).trim();
  if (timeText) {
    const t = parseLocalTime(timeText, deps.zone, deps.clock.now());
    if (t.kind === 'invalid') errors.push(t.reason);
    else if (t.kind === 'at') {
      if (t.at.getTime() <= deps.clock.now().getTime()) errors.push('发布时间已经过去，请填写将来的时间，或留空表示审批后立即发布。');
      else publishAt = t.at;
    }
  }
  if (!title) errors.push('标题为空。');
  if (!body) errors.push('正文为空。');
  if (errors.length) return { ok: false, errors };
  return { ok: true, fields: { title, body, category: categoryText as Category, targets, publishAt } };
}

/**
 * A form card is submitted once: its message id is recorded like an event id, so a second tap (or a
 * tap repeated after a slow answer) finds it and changes nothing.
 */
async function alreadySubmitted(deps: Deps, action: InboundCardAction): Promise<boolean> {
  if (!action.messageId) return false;
  return (await deps.store.acceptInbound(action.channel, `form:${action.messageId}`, action, deps.clock.now())) === 'duplicate';
}

const submittedCard = (text = '表单已提交。') => noticeCard('已提交', text, 'green');

/** Maps a card tap to its use case and answers within the platform's deadline. */
export async function handleCardAction(deps: Deps, action: InboundCardAction): Promise<CardActionAnswer> {
  const v = action.value;
  const replyTo: Recipient = { kind: 'user', id: action.operatorId };
  try {
    switch (v.a) {
      case 'approve':
      case 'changes':
      case 'reject': {
        const input = { operatorId: action.operatorId, draftNo: num(v.d), revision: num(v.r), step: num(v.s), verdict: v.a as Verdict, reason: str(action.formValue.reason) };
        if ([input.draftNo, input.revision, input.step].some(Number.isNaN)) return { toast: { type: 'error', content: '卡片数据不完整，无法处理。' } };
        try {
          return await decide(deps, input);
        } catch (e) {
          // Two taps at the same moment (PostgreSQL): the loser's update conflicts; deciding again
          // finds the winner's decision and answers like a double tap.
          if (isAppError(e) && e.code === 'conflict') return await decide(deps, input);
          throw e;
        }
      }
      case 'retry': {
        const text = await retryPublishing(deps, { senderId: action.operatorId, no: num(v.d) });
        return { toast: { type: 'success', content: text } };
      }
      case 'mask': {
        const draft = await maskPersonalData(deps, { channel: action.channel, operatorId: action.operatorId, no: num(v.d), revision: num(v.r) });
        return { toast: { type: 'success', content: `已脱敏，生成第 ${draft.revision} 版并重新送审。` } };
      }
      case 'takedown':
        return await confirmTakedown(deps, { operatorId: action.operatorId, no: num(v.d) });
      case 'manual_done':
        return await confirmManualPublication(deps, { operatorId: action.operatorId, publicationId: num(v.p), link: str(action.formValue.link) });
      case 'new': {
        const fields = parseForm(deps, action.formValue);
        if (!fields.ok) return { toast: { type: 'error', content: fields.errors.join(' ') } };
        if (await alreadySubmitted(deps, action)) return { toast: { type: 'info', content: '这张表单已经提交过了。' }, card: submittedCard() };
        const draft = await submitDraft(deps, { channel: action.channel, senderId: action.operatorId, replyTo, fields });
        return draft
          ? { toast: { type: 'success', content: `已收到，稿件编号 #${draft.id}` }, card: submittedCard(`稿件 #${draft.id} 已提交，回执见上方消息。`) }
          : { toast: { type: 'error', content: '稿件未收下，请查看机器人的回复。' } };
      }
      case 'revise': {
        const fields = parseForm(deps, action.formValue);
        if (!fields.ok) return { toast: { type: 'error', content: fields.errors.join(' ') } };
        if (await alreadySubmitted(deps, action)) return { toast: { type: 'info', content: '这张表单已经提交过了。' }, card: submittedCard() };
        const draft = await reviseDraft(deps, { channel: action.channel, senderId: action.operatorId, replyTo, no: num(v.d), fields, keepTargets: true });
        return { toast: { type: 'success', content: `已提交第 ${draft.revision} 版，重新送审。` }, card: submittedCard(`稿件 #${draft.id} 第 ${draft.revision} 版已提交。`) };
      }
      default: {
        for (const ext of deps.extensions) {
          const answer = ext.onCardAction ? await ext.onCardAction(deps, action) : null;
          if (answer) return answer;
        }
        return { toast: { type: 'error', content: '不认识的操作，卡片可能已过期。' } };
      }
    }
  } catch (e) {
    if (isAppError(e)) return { toast: { type: 'error', content: e.message } };
    deps.logger.error({ err: e, eventId: action.eventId }, 'card action failed');
    return { toast: { type: 'error', content: '处理失败，请稍后重试。' } };
  }
}
