import { AppError } from '../../domain/errors';
import type { ChannelName, InboundMessage } from '../../ports/channel';
import type { Tx } from '../../ports/store';
import type { Deps } from '../deps';
import { tell } from '../notify';
import type { FeedbackDeps } from './deps';
import { analyseFeedbackText } from './masking';

export const MAX_FEEDBACK_CHARS = 2000;

const FLAG_LABELS: Record<string, string> = { error_report: '指出错误', complaint: '投诉或批评', question: '提问' };

export interface AddFeedbackInput {
  source: 'chat' | 'form';
  /** Unique per source: the chat message id, or a hash of the form submission. */
  externalId: string;
  draftNo: number;
  text: string;
  author: string | null;
  actor: string;
}

/**
 * The author recorded for a web-form submission: whether a contact was given, never the contact
 * itself (a name, a WeChat id or an e-mail address is not caught by the masking, and nobody in the
 * working group needs it: the form's operator has the submission).
 */
export function formAuthor(contact: string | undefined): string {
  return contact?.trim() ? '网页表单（留有联系方式）' : '网页表单';
}

export type AddFeedbackResult = { status: 'stored'; id: number; text: string; flags: string[]; masked: boolean } | { status: 'duplicate' };

/** Stores feedback a person relays (chat, reply, web form) on a published draft: masked, analysed, audited. */
export async function addFeedback(deps: Deps, fb: FeedbackDeps, input: AddFeedbackInput, onStored?: (tx: Tx, r: AddFeedbackResult) => Promise<void>): Promise<AddFeedbackResult> {
  const raw = input.text.trim();
  if (!raw) throw new AppError('bad_request', '反馈内容为空。用法：/feedback 稿件编号 反馈内容');
  if ([...raw].length > MAX_FEEDBACK_CHARS) throw new AppError('bad_request', `反馈内容太长（最多 ${MAX_FEEDBACK_CHARS} 字）。`);
  return deps.store.transaction(async (tx) => {
    const draft = Number.isSafeInteger(input.draftNo) && input.draftNo > 0 ? await tx.getDraft(input.draftNo) : null;
    if (!draft) throw new AppError('not_found', `没有编号为 #${input.draftNo} 的稿件。`);
    const pub = (await tx.publications(draft.id)).filter((p) => p.state === 'published' && p.publishedAt).sort((a, b) => a.publishedAt!.getTime() - b.publishedAt!.getTime())[0];
    if (!pub) throw new AppError('not_published', `稿件 #${draft.id} 还没有发布，暂不能记录反馈。`);
    const a = analyseFeedbackText(raw);
    const now = deps.clock.now();
    const id = await fb.repo.insertFeedback(tx, {
      publicationId: pub.id, draftId: draft.id, source: input.source, externalId: input.externalId, text: a.text,
      author: input.author ? analyseFeedbackText(input.author).text.slice(0, 100) : null,
      sentiment: a.sentiment, score: a.score, flags: a.flags, createdAt: now, collectedAt: now,
    });
    const result: AddFeedbackResult = id === null ? { status: 'duplicate' } : { status: 'stored', id, text: a.text, flags: a.flags, masked: a.masked };
    if (id !== null) {
      await tx.audit({ actor: input.actor, action: 'feedback_added', subject: `feedback:${id}`, detail: { draft: draft.id, publication: pub.id, source: input.source, flags: a.flags } });
    }
    await onStored?.(tx, result);
    return result;
  });
}

/** The receipt a person gets in chat. */
export function feedbackReceipt(draftNo: number, r: AddFeedbackResult): string {
  if (r.status === 'duplicate') return `这条反馈已经记录过了（稿件 #${draftNo}）。`;
  const flags = r.flags.map((f) => FLAG_LABELS[f] ?? f).join('、');
  return [`已记录对稿件 #${draftNo} 的反馈${r.masked ? '（个人信息已隐去）' : ''}：`, r.text, ...(flags ? [`标记：${flags}，将出现在反馈汇总中。`] : [])].join('\n');
}

const FEEDBACK_COMMAND = /^\s*(?:\/feedback|\/反馈)\s+#?(\d+)\s+([\s\S]+)$/i;
const FEEDBACK_BARE = /^\s*(?:\/feedback|\/反馈)\b/i;

/**
 * `/feedback <no> <text>` in chat, or a reply to a published notice or status card.
 * Returns false when the message is neither (the core handles it).
 */
export async function feedbackFromMessage(deps: Deps, fb: FeedbackDeps, msg: InboundMessage): Promise<boolean> {
  const cmd = FEEDBACK_COMMAND.exec(msg.text);
  let draftNo: number | null = null;
  let text = '';
  if (cmd) {
    draftNo = Number(cmd[1]);
    text = cmd[2];
  } else if (FEEDBACK_BARE.test(msg.text)) {
    await reply(deps, msg.channel, msg.messageId, '用法：/feedback 稿件编号 反馈内容，例如 /feedback 12 文中电话号码有误');
    return true;
  } else if (msg.replyToMessageId && msg.title === undefined && !/^\s*(\/|投稿)/.test(msg.text)) {
    // Commands and submissions sent as replies stay with the core.
    draftNo = await deps.store.transaction((tx) => fb.repo.draftOfMessage(tx, msg.replyToMessageId!));
    if (draftNo === null) return false;
    text = msg.text;
  } else {
    return false;
  }
  const member = await deps.store.transaction((tx) => tx.getMember(msg.senderId));
  if (!member) throw new AppError('forbidden', '只有名单中的成员可以记录反馈。');
  const no = draftNo;
  await addFeedback(deps, fb, { source: 'chat', externalId: `${msg.channel}:${msg.messageId}`, draftNo: no, text, author: member.name, actor: msg.senderId }, (tx, r) =>
    tell(tx, msg.channel, { kind: 'reply', messageId: msg.messageId }, { kind: 'text', text: feedbackReceipt(no, r) }),
  );
  return true;
}

async function reply(deps: Deps, channel: ChannelName, messageId: string, text: string) {
  await deps.store.transaction((tx) => tell(tx, channel, { kind: 'reply', messageId }, { kind: 'text', text }));
}
