import type { CardActionAnswer, InboundCardAction, InboundMessage, Mention } from '../../ports/channel';
import { renderFeishuCard } from './cards';

/**
 * Mapping between Feishu event payloads and the channel-neutral events. The functions take the
 * object the SDK's EventDispatcher hands to handlers: schema-2.0 `header` and `event` fields
 * flattened into one object (so `event.token` of a card callback shadows `header.token`).
 */

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function parseJsonObject(text: unknown): Obj {
  if (typeof text !== 'string') return {};
  try {
    return obj(JSON.parse(text));
  } catch {
    return {};
  }
}

interface RawMention {
  key: string;
  openId: string;
  name: string;
}

function readMentions(message: Obj): RawMention[] {
  const list = Array.isArray(message.mentions) ? message.mentions : [];
  return list
    .map((m) => {
      const mention = obj(m);
      return { key: str(mention.key) ?? '', openId: str(obj(mention.id).open_id) ?? '', name: str(mention.name) ?? '' };
    })
    .filter((m) => m.key);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces mention placeholders: others become `@Name`, `@_all` becomes `@所有人`, and the bot's own
 * mention is removed with one space next to it. The rest of the text keeps its spacing (drafts are
 * pasted with their layout).
 */
function resolveMentions(text: string, mentions: RawMention[], botOpenId: string | undefined): string {
  let out = text;
  // Longest keys first so `@_user_1` does not eat the prefix of `@_user_10`.
  for (const m of [...mentions].sort((a, b) => b.key.length - a.key.length)) {
    const key = escapeRegExp(m.key);
    out =
      botOpenId && m.openId === botOpenId
        ? out.replace(new RegExp(`${key}(?!\\d)[ \\t]?`, 'g'), '')
        : out.replace(new RegExp(`${key}(?!\\d)`, 'g'), `@${m.name || m.openId}`);
  }
  // ASCII whitespace only: a draft's first-line indent of full-width spaces stays.
  return out.replace(/@_all(?!\w)/g, '@所有人').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

interface Flattened {
  text: string;
  title?: string;
  images: string[];
}

/** The `content` of a received `post`: `{title, content: [[element]]}`, or the same under a locale key. */
function flattenPost(content: Obj, mentions: RawMention[]): Flattened {
  let post = content;
  if (!Array.isArray(post.content)) {
    const localized = Object.values(content).find((v) => Array.isArray(obj(v).content));
    post = obj(localized);
  }
  const images: string[] = [];
  const paragraphs = (Array.isArray(post.content) ? post.content : []).map((paragraph) => {
    const elements = Array.isArray(paragraph) ? paragraph : [];
    return elements
      .map((e) => {
        const el = obj(e);
        switch (el.tag) {
          case 'text':
          case 'md':
          case 'code_block':
            return str(el.text) ?? '';
          case 'a': {
            const text = str(el.text) ?? '';
            const href = str(el.href) ?? '';
            return text && href && text !== href ? `${text} (${href})` : href || text;
          }
          case 'at': {
            // Received posts carry the placeholder key in user_id; resolveMentions turns it into a name.
            const id = str(el.user_id) ?? '';
            if (mentions.some((m) => m.key === id) || id === '@_all') return id;
            const name = str(el.user_name);
            return name ? `@${name}` : '';
          }
          case 'img': {
            const key = str(el.image_key);
            if (key) images.push(key);
            return '';
          }
          case 'media': {
            const key = str(el.image_key);
            if (key) images.push(key);
            return '';
          }
          case 'emotion':
            return str(el.emoji_type) ? `[${String(el.emoji_type)}]` : '';
          case 'hr':
            return '---';
          default:
            return str(el.text) ?? '';
        }
      })
      .join('');
  });
  return { text: paragraphs.join('\n'), title: str(post.title) || undefined, images };
}

export type MessageDecision =
  | { kind: 'accept'; message: InboundMessage }
  | { kind: 'ignore'; reason: 'own message' | 'group message without mention' | 'not a message' };

/**
 * Turns `im.message.receive_v1` into an `InboundMessage`. Text and post become text; an `image`
 * message keeps its key in `images`; other types (file, audio, sticker, …) arrive with empty text so
 * the core can answer with help. The bot's own messages and group messages that do not mention the
 * bot are ignored.
 */
export function toInboundMessage(data: Obj, botOpenId: string | undefined): MessageDecision {
  const message = obj(data.message);
  const sender = obj(data.sender);
  const senderId = str(obj(sender.sender_id).open_id) ?? '';
  const eventId = str(data.event_id);
  const messageId = str(message.message_id);
  const chatId = str(message.chat_id);
  if (!eventId || !messageId || !chatId) return { kind: 'ignore', reason: 'not a message' };
  if (sender.sender_type === 'app' || (botOpenId !== undefined && senderId === botOpenId)) return { kind: 'ignore', reason: 'own message' };

  const rawMentions = readMentions(message);
  const mentionsBot = botOpenId !== undefined && rawMentions.some((m) => m.openId === botOpenId);
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  if (chatType === 'group' && !mentionsBot) return { kind: 'ignore', reason: 'group message without mention' };

  const content = parseJsonObject(message.content);
  let flat: Flattened = { text: '', images: [] };
  switch (message.message_type) {
    case 'text':
      flat = { text: str(content.text) ?? '', images: [] };
      break;
    case 'post':
      flat = flattenPost(content, rawMentions);
      break;
    case 'image':
      flat = { text: '', images: str(content.image_key) ? [String(content.image_key)] : [] };
      break;
    default:
      break;
  }

  const mentions: Mention[] = rawMentions
    .filter((m) => m.openId !== botOpenId)
    .map((m) => ({ key: m.key, userId: m.openId, name: m.name }));
  const createdMs = Number(str(message.create_time) ?? str(data.create_time));

  return {
    kind: 'accept',
    message: {
      type: 'message',
      channel: 'feishu',
      eventId,
      messageId,
      chatId,
      chatType,
      senderId,
      text: resolveMentions(flat.text, rawMentions, botOpenId),
      ...(flat.title !== undefined ? { title: resolveMentions(flat.title, rawMentions, botOpenId) } : {}),
      images: flat.images,
      mentions,
      mentionsBot,
      ...(str(message.parent_id) ? { replyToMessageId: str(message.parent_id) } : {}),
      createdAt: Number.isFinite(createdMs) && createdMs > 0 ? new Date(createdMs) : new Date(0),
    },
  };
}

/**
 * Turns `card.action.trigger` (schema 2.0) into an `InboundCardAction`. Values of components used
 * outside a form (`input_value`, `option`, `options`, `checked`) are added to `formValue` under the
 * component's `name`.
 */
export function toInboundCardAction(data: Obj): InboundCardAction | undefined {
  const action = obj(data.action);
  const operatorId = str(obj(data.operator).open_id);
  const eventId = str(data.event_id);
  if (!operatorId || !eventId) return undefined;
  const context = obj(data.context);
  const rawValue = action.value;
  const value = typeof rawValue === 'string' ? (() => {
    const parsed = parseJsonObject(rawValue);
    return Object.keys(parsed).length > 0 ? parsed : { value: rawValue };
  })() : obj(rawValue);
  const formValue: Obj = { ...obj(action.form_value) };
  const name = str(action.name);
  if (name) {
    for (const key of ['input_value', 'option', 'options', 'checked'] as const) {
      if (action[key] !== undefined && formValue[name] === undefined) formValue[name] = action[key];
    }
  }
  const messageId = str(context.open_message_id) ?? str(data.open_message_id);
  const chatId = str(context.open_chat_id) ?? str(data.open_chat_id);
  return {
    type: 'card_action',
    channel: 'feishu',
    eventId,
    operatorId,
    value,
    formValue,
    ...(messageId ? { messageId } : {}),
    ...(chatId ? { chatId } : {}),
  };
}

export interface FeishuCallbackResponse {
  toast: { type: CardActionAnswer['toast']['type']; content: string };
  card?: { type: 'raw'; data: Record<string, unknown> };
}

/** The callback response Feishu expects: a toast and, when given, the re-rendered card. */
export function toCallbackResponse(answer: CardActionAnswer): FeishuCallbackResponse {
  const response: FeishuCallbackResponse = { toast: { type: answer.toast.type, content: answer.toast.content } };
  if (answer.card) response.card = { type: 'raw', data: renderFeishuCard(answer.card) };
  return response;
}
