/**
 * Builders for real Feishu schema-2.0 payloads (from `test/fixtures/feishu/`) and a sender that posts
 * them the way Feishu does: AES-256-CBC with key = sha256(encryptKey) and a random IV prefix, base64,
 * `{"encrypt": ...}` body, and `X-Lark-Request-Timestamp` / `-Nonce` / `-Signature` headers.
 *
 * ```ts
 * const feishu = createFeishuSender({ baseUrl, encryptKey, now: () => clock.now() });
 * const res = await feishu.post('/feishu/events', textMessageEvent('投稿：…'));
 * ```
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import cardActionFixture from '../fixtures/feishu/card.action.trigger.json';
import groupFixture from '../fixtures/feishu/im.message.receive_v1.group-text-mention.json';
import p2pFixture from '../fixtures/feishu/im.message.receive_v1.p2p-text.json';
import postFixture from '../fixtures/feishu/im.message.receive_v1.post.json';
import urlVerificationFixture from '../fixtures/feishu/url_verification.json';

/** The verification token used by the fixtures. */
export const FIXTURE_TOKEN = p2pFixture.header.token;
/** The bot's open_id in the group fixture; the fake OpenAPI's default bot has the same id. */
export const FIXTURE_BOT_OPEN_ID = 'ou_bot0000000000000000000000000000';
/** The sender of the message fixtures. */
export const FIXTURE_SENDER_OPEN_ID = p2pFixture.event.sender.sender_id.open_id;

export type FeishuPayload = Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const randomId = (prefix = ''): string => `${prefix}${randomBytes(16).toString('hex')}`;

export interface MentionSpec {
  /** Placeholder, e.g. `@_user_1`. */
  key: string;
  openId: string;
  name: string;
}

export interface MessageEventOptions {
  eventId?: string;
  messageId?: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  senderOpenId?: string;
  /** 'app' for messages sent by a bot (including ours). */
  senderType?: 'user' | 'app';
  /** Verification token in `header.token`. */
  token?: string;
  createTime?: Date;
  mentions?: MentionSpec[];
}

/** A mention of the bot, to put in `mentions` and as `@_user_1` in the text. */
export const mentionBot = (openId = FIXTURE_BOT_OPEN_ID, key = '@_user_1', name = 'Copydesk'): MentionSpec => ({ key, openId, name });

function messageEvent(base: FeishuPayload, messageType: string, content: unknown, options: MessageEventOptions): FeishuPayload {
  const payload = clone(base) as { header: Record<string, unknown>; event: { sender: Record<string, unknown>; message: Record<string, unknown> } };
  payload.header.event_id = options.eventId ?? randomId();
  if (options.token !== undefined) payload.header.token = options.token;
  const created = options.createTime ?? new Date('2026-11-29T02:00:00Z');
  payload.header.create_time = String(created.getTime());
  const { sender, message } = payload.event;
  if (options.senderOpenId) (sender.sender_id as Record<string, unknown>).open_id = options.senderOpenId;
  if (options.senderType) sender.sender_type = options.senderType;
  message.message_id = options.messageId ?? randomId('om_');
  if (options.chatId) message.chat_id = options.chatId;
  if (options.chatType) message.chat_type = options.chatType;
  message.create_time = String(created.getTime());
  message.message_type = messageType;
  message.content = JSON.stringify(content);
  if (options.mentions) {
    message.mentions = options.mentions.map((m) => ({
      key: m.key,
      id: { union_id: `on_${m.openId.slice(3)}`, user_id: '', open_id: m.openId },
      name: m.name,
      tenant_key: '2ca1d211f64f6438',
    }));
  }
  return payload;
}

/** `im.message.receive_v1` with a text message (p2p unless `chatType: 'group'`). */
export function textMessageEvent(text: string, options: MessageEventOptions = {}): FeishuPayload {
  const base = options.chatType === 'group' ? groupFixture : p2pFixture;
  return messageEvent(base, 'text', { text }, { mentions: options.chatType === 'group' ? undefined : [], ...options });
}

/** The documented group example: `@_user_1` (the bot) asks `@_user_2` (王丽) to review. */
export function groupMentionEvent(options: MessageEventOptions = {}): FeishuPayload {
  const payload = clone(groupFixture) as FeishuPayload & { header: Record<string, unknown> };
  payload.header.event_id = options.eventId ?? randomId();
  if (options.token !== undefined) payload.header.token = options.token;
  return payload;
}

export type PostElement =
  | { tag: 'text'; text: string; style?: string[] }
  | { tag: 'a'; text: string; href: string; style?: string[] }
  | { tag: 'at'; user_id: string; user_name?: string; style?: string[] }
  | { tag: 'img'; image_key: string; width?: number; height?: number }
  | { tag: 'media'; file_key: string; image_key?: string }
  | { tag: 'emotion'; emoji_type: string }
  | { tag: 'code_block'; language?: string; text: string }
  | { tag: 'hr' }
  | { tag: 'md'; text: string };

/** `im.message.receive_v1` with rich text; without arguments, the documented example (title, link, image, mention). */
export function postMessageEvent(post?: { title: string; content: PostElement[][] }, options: MessageEventOptions = {}): FeishuPayload {
  const content = post ?? JSON.parse(postFixture.event.message.content);
  return messageEvent(postFixture, 'post', content, options);
}

/** `im.message.receive_v1` with another message type (image, file, sticker, …) and its content. */
export function otherMessageEvent(messageType: string, content: Record<string, unknown>, options: MessageEventOptions = {}): FeishuPayload {
  return messageEvent(p2pFixture, messageType, content, { mentions: [], ...options });
}

export interface CardActionOptions {
  eventId?: string;
  operatorOpenId?: string;
  value?: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  /** For components outside a form. */
  name?: string;
  tag?: string;
  inputValue?: string;
  option?: string;
  messageId?: string;
  chatId?: string;
  /** Verification token in `header.token`. */
  token?: string;
}

/** `card.action.trigger` (card JSON 2.0 callback) with operator, action value, form values and context. */
export function cardActionEvent(options: CardActionOptions = {}): FeishuPayload {
  const payload = clone(cardActionFixture) as {
    header: Record<string, unknown>;
    event: { operator: Record<string, unknown>; action: Record<string, unknown>; context: Record<string, unknown> };
  };
  payload.header.event_id = options.eventId ?? randomId();
  if (options.token !== undefined) payload.header.token = options.token;
  const { operator, action, context } = payload.event;
  if (options.operatorOpenId) operator.open_id = options.operatorOpenId;
  if (options.value) action.value = options.value;
  if (options.formValue) action.form_value = options.formValue;
  if (options.name) action.name = options.name;
  if (options.tag) action.tag = options.tag;
  if (options.inputValue !== undefined) action.input_value = options.inputValue;
  if (options.option !== undefined) action.option = options.option;
  if (options.messageId) context.open_message_id = options.messageId;
  if (options.chatId) context.open_chat_id = options.chatId;
  return payload;
}

/** The request URL check Feishu sends when the URL is saved. */
export function urlVerification(options: { challenge?: string; token?: string } = {}): FeishuPayload {
  return { ...clone(urlVerificationFixture), ...(options.challenge ? { challenge: options.challenge } : {}), ...(options.token !== undefined ? { token: options.token } : {}) };
}

/** Encrypts like Feishu: base64(iv + AES-256-CBC(sha256(encryptKey), iv, plaintext)). */
export function encryptFeishu(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** `sha256_hex(timestamp + nonce + encryptKey + rawBody)`. */
export function signFeishu(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody, 'utf8').digest('hex');
}

export interface PostOptions {
  /** Overrides the sender's encrypt key for this request (e.g. to simulate the wrong key). */
  encryptKey?: string;
  /** Sends the payload in clear even when the sender has an encrypt key. */
  plaintext?: boolean;
  /** Sends this exact body instead of the (encrypted) payload; it is still signed. */
  rawBody?: string;
  /** Seconds since the epoch; default the sender's clock. */
  timestamp?: number;
  nonce?: string;
  /** Replaces the computed signature. */
  signature?: string;
  /** Sends no X-Lark-* headers at all (as Feishu does for url_verification). */
  unsigned?: boolean;
  /** Changes the body after signing (a forged body with a signature taken from elsewhere). */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

export interface FeishuResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
}

export interface FeishuSender {
  /** POSTs `payload` to `baseUrl + path` as Feishu would. */
  post(path: string, payload: FeishuPayload, options?: PostOptions): Promise<FeishuResponse>;
  /** The body and headers `post` would send, for assertions or custom clients. */
  build(payload: FeishuPayload, options?: PostOptions): { body: string; headers: Record<string, string> };
}

export interface SenderOptions {
  baseUrl: string;
  /** When set, bodies are encrypted and signed with it. */
  encryptKey?: string;
  /** Source of X-Lark-Request-Timestamp (default system time). */
  now?: () => Date;
}

/** A client that posts events and callbacks to the app like Feishu's servers. */
export function createFeishuSender(sender: SenderOptions): FeishuSender {
  const build = (payload: FeishuPayload, options: PostOptions = {}) => {
    const encryptKey = options.encryptKey ?? sender.encryptKey;
    const json = JSON.stringify(payload);
    const body = options.rawBody ?? (encryptKey && !options.plaintext ? JSON.stringify({ encrypt: encryptFeishu(json, encryptKey) }) : json);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...options.headers };
    if (!options.unsigned && encryptKey) {
      const timestamp = String(options.timestamp ?? Math.floor((sender.now?.() ?? new Date()).getTime() / 1000));
      const nonce = options.nonce ?? randomBytes(8).toString('hex');
      headers['x-lark-request-timestamp'] = timestamp;
      headers['x-lark-request-nonce'] = nonce;
      headers['x-lark-signature'] = options.signature ?? signFeishu(timestamp, nonce, encryptKey, body);
    }
    return { body: options.tamper ? options.tamper(body) : body, headers };
  };
  return {
    build,
    async post(path, payload, options = {}) {
      const { body, headers } = build(payload, options);
      const res = await fetch(`${sender.baseUrl}${path}`, { method: 'POST', headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
  };
}
