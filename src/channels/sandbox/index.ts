import { randomBytes, randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type pino from 'pino';
import { z } from 'zod';
import { ROLE_LABELS, type Role } from '../../domain/model';
import {
  DeliveryError,
  type CardActionAnswer,
  type CardBody,
  type InboundCardAction,
  type InboundMessage,
  type Mention,
  type MessageBody,
  type Messenger,
  type Recipient,
} from '../../ports/channel';
import { renderFeishuCard } from '../feishu/cards';
import { buildSandboxPage } from './page';
import { BOT_SENDER_ID, SandboxStore, type SandboxChat, type SandboxMember, type SandboxMessage } from './store';

export type { SandboxMember } from './store';
export { renderCardHtml } from './card-html';

export interface SandboxChannelOptions {
  /** The demo roster; ids look like `ou_sandbox_liaison`. */
  members: SandboxMember[];
  /** Chat id of the working group, e.g. `oc_sandbox_group`. */
  workingGroupChatId: string;
  logger: pino.Logger;
  clock?: { now(): Date };
  /** Stores an inbound message for asynchronous processing by the core. */
  accept(event: InboundMessage): Promise<'accepted' | 'duplicate'>;
  /** Answers a card tap synchronously (toast and, usually, the re-rendered card). */
  onCardAction(action: InboundCardAction): Promise<CardActionAnswer>;
  /** Ids of the members in the working group; default: everyone on the roster. */
  groupMemberIds?: string[];
  /** Display names; defaults `Copydesk` and `新媒体工作群`. */
  botName?: string;
  groupName?: string;
  /** Renders a card body to Feishu card JSON 2.0; default `renderFeishuCard` (tests may stub it). */
  renderCard?: (card: CardBody) => Record<string, unknown>;
}

export interface SandboxChannel {
  /** Serves `GET /sandbox` and `/sandbox/api/*`; mount with `app.use(router.routes()).use(router.allowedMethods())`. */
  router: Router;
  messenger: Messenger;
}

/** Largest JSON body the API reads. */
const MAX_BODY_BYTES = 256 * 1024;
/** Longest message a person may type. */
const MAX_TEXT = 20_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const memberId = z.string({ error: 'must be a roster member id' }).min(1, 'must be a roster member id').max(200);
const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

const StateQuery = z.object({
  as: memberId.optional(),
  since: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a non-negative integer')
    .transform(Number)
    .optional(),
});

const PostMessage = z.object({
  as: memberId,
  chat: z.enum(['dm', 'group'], { error: "must be 'dm' or 'group'" }),
  text: z
    .string({ error: 'must be a string' })
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .refine((t) => t.trim().length > 0, 'must not be empty'),
  mentionBot: z.boolean({ error: 'must be true or false' }).optional(),
});

const PostAction = z.object({
  as: memberId,
  messageId: z.string({ error: 'must be a message id' }).min(1, 'must be a message id').max(200),
  value: jsonObject,
  formValue: jsonObject.optional(),
});

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new HttpError(400, issues.join('; '));
}

async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) throw new HttpError(415, 'expected a JSON body (Content-Type: application/json)');
  // Another middleware may have parsed the body already.
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  const tooLarge = () => new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  // Node discards an unread body by itself; a body we started reading is drained, not cut off,
  // so the client gets the 413 instead of a reset connection.
  if (Number(ctx.get('content-length')) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw tooLarge();
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/**
 * Finds `@Name` mentions of roster members in typed text, longest name first, and numbers
 * them like Feishu does (`@_user_1`, `@_user_2`, … in order of first appearance).
 */
export function findMentions(text: string, members: readonly SandboxMember[]): Mention[] {
  const byLength = [...members].filter((m) => m.name.length > 0).sort((a, b) => b.name.length - a.name.length);
  const found: Mention[] = [];
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    const m = byLength.find((c) => text.startsWith(c.name, at + 1));
    if (m && !found.some((f) => f.userId === m.id)) found.push({ key: `@_user_${found.length + 1}`, userId: m.id, name: m.name });
  }
  return found;
}

export function createSandboxChannel(options: SandboxChannelOptions): SandboxChannel {
  const { logger, workingGroupChatId } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const botName = options.botName ?? 'Copydesk';
  const groupName = options.groupName ?? '新媒体工作群';
  const renderCard = options.renderCard ?? renderFeishuCard;
  const log = logger.child({ channel: 'sandbox' });

  const members = new Map<string, SandboxMember>();
  for (const m of options.members) {
    if (members.has(m.id)) throw new Error(`sandbox roster: duplicate member id ${m.id}`);
    members.set(m.id, m);
  }
  const groupIds = new Set(options.groupMemberIds ?? options.members.map((m) => m.id));
  const store = new SandboxStore(workingGroupChatId);
  for (const m of options.members) store.dm(m.id);

  const roleLabel = (r: string): string => ROLE_LABELS[r as Role] ?? r;
  const nameOf = (id: string): string => (id === BOT_SENDER_ID ? botName : (members.get(id)?.name ?? id));

  const render = (card: CardBody): Record<string, unknown> => {
    try {
      return renderCard(card);
    } catch (err) {
      throw new DeliveryError(`sandbox: cannot render card template "${card.template}": ${(err as Error).message}`, false, undefined, 230099, {
        cause: err,
      });
    }
  };

  const canSee = (member: string, chat: SandboxChat): boolean =>
    chat.kind === 'dm' ? chat.ownerId === member : groupIds.has(member);

  // ------------------------------------------------------------------ messenger
  const messenger: Messenger = {
    channel: 'sandbox',

    async send(to: Recipient, body: MessageBody, idempotencyKey: string): Promise<{ messageId: string }> {
      const existing = store.idForKey(idempotencyKey);
      if (existing !== undefined) return { messageId: existing };
      let chatId: string;
      let replyTo: string | undefined;
      let threadRootId: string | undefined;
      if (to.kind === 'user') {
        if (!members.has(to.id)) throw new DeliveryError(`sandbox: no roster member ${to.id}`, false);
        chatId = store.dm(to.id).id;
      } else if (to.kind === 'chat') {
        if (!store.chat(to.id)) throw new DeliveryError(`sandbox: no chat ${to.id}`, false);
        chatId = to.id;
      } else {
        const original = store.message(to.messageId);
        if (!original) throw new DeliveryError(`sandbox: no message ${to.messageId} to reply to`, false);
        chatId = original.chatId;
        replyTo = original.id;
        threadRootId = original.threadRootId ?? original.id;
      }
      const content =
        body.kind === 'card'
          ? { kind: 'card' as const, card: render(body), template: body.template }
          : { kind: 'text' as const, text: body.text };
      const message = store.add({ chatId, senderId: BOT_SENDER_ID, replyTo, threadRootId, createdAt: clock.now(), ...content }, idempotencyKey);
      log.debug({ messageId: message.id, chatId, kind: body.kind }, 'sandbox: bot message');
      return { messageId: message.id };
    },

    async update(messageId: string, body: CardBody): Promise<void> {
      const message = store.message(messageId);
      if (!message) throw new DeliveryError(`sandbox: no message ${messageId} to update`, false, undefined, 230011);
      if (message.kind !== 'card' || message.senderId !== BOT_SENDER_ID) {
        throw new DeliveryError(`sandbox: message ${messageId} is not a card the bot sent`, false);
      }
      store.change(message, { card: render(body), template: body.template, updatedAt: clock.now() });
    },
  };

  // ------------------------------------------------------------------ HTTP
  const memberOr400 = (id: string): SandboxMember => {
    const m = members.get(id);
    if (!m) throw new HttpError(400, `as: unknown roster member "${id}"`);
    return m;
  };

  const messageJson = (m: SandboxMessage) => ({
    id: m.id,
    seq: m.seq,
    chatId: m.chatId,
    sender: { id: m.senderId, name: nameOf(m.senderId), isBot: m.senderId === BOT_SENDER_ID },
    kind: m.kind,
    text: m.text,
    card: m.card,
    template: m.template,
    replyTo: m.replyTo,
    threadRootId: m.threadRootId,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt?.toISOString(),
    failed: m.failed || undefined,
  });

  const rosterJson = options.members.map((m) => ({
    id: m.id,
    name: m.name,
    department: m.department,
    roles: m.roles,
    roleLabels: m.roles.map(roleLabel),
    inGroup: groupIds.has(m.id),
  }));

  const page = buildSandboxPage();
  const router = new Router();

  router.use(async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.status = err.status;
        ctx.body = { error: err.message };
      } else {
        log.error({ err, path: ctx.path }, 'sandbox request failed');
        ctx.status = 500;
        ctx.body = { error: 'internal error (see the server log)' };
      }
    }
  });

  router.get(['/sandbox', '/sandbox/'], (ctx) => {
    const nonce = randomBytes(16).toString('base64');
    ctx.set(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page.replace(/__CSP_NONCE__/g, nonce);
  });

  router.get('/sandbox/api/state', (ctx) => {
    const q = parse(StateQuery, { as: ctx.query.as, since: ctx.query.since });
    const since = q.since ?? 0;
    const reset = since > store.seq;
    const from = reset ? 0 : since;
    const me = q.as === undefined ? undefined : memberOr400(q.as);
    const chats: unknown[] = [];
    if (me) {
      const dm = store.dm(me.id);
      const visible: SandboxChat[] = groupIds.has(me.id) ? [dm, store.group()] : [dm];
      for (const chat of visible) {
        chats.push({
          id: chat.id,
          kind: chat.kind,
          title: chat.kind === 'dm' ? `与 ${botName} 的私聊` : groupName,
          messages: chat.messages.filter((m) => m.seq > from).map(messageJson),
        });
      }
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { seq: store.seq, boot: store.bootId, reset, bot: { id: BOT_SENDER_ID, name: botName }, me: me?.id ?? null, roster: rosterJson, chats };
  });

  router.post('/sandbox/api/messages', async (ctx) => {
    const input = parse(PostMessage, await readJson(ctx));
    const me = memberOr400(input.as);
    let chat: SandboxChat;
    if (input.chat === 'dm') {
      chat = store.dm(me.id);
    } else {
      if (!groupIds.has(me.id)) throw new HttpError(400, `as: ${me.name} is not in the working group`);
      chat = store.group();
    }
    const now = clock.now();
    const text = input.text;
    const typedBotMention = text.includes(`@${botName}`);
    const stored = store.add({ chatId: chat.id, senderId: me.id, kind: 'text', text, createdAt: now });
    const event: InboundMessage = {
      type: 'message',
      channel: 'sandbox',
      eventId: `ev_sandbox_${randomUUID()}`,
      messageId: stored.id,
      chatId: chat.id,
      chatType: chat.kind === 'dm' ? 'p2p' : 'group',
      senderId: me.id,
      text,
      images: [],
      mentions: findMentions(text, options.members),
      mentionsBot: chat.kind === 'group' ? input.mentionBot === true || typedBotMention : typedBotMention,
      createdAt: now,
    };
    let result: 'accepted' | 'duplicate';
    try {
      result = await options.accept(event);
    } catch (err) {
      store.change(stored, { failed: true });
      log.error({ err, eventId: event.eventId }, 'sandbox: the core did not accept a message');
      throw new HttpError(500, 'the bot could not accept the message (see the server log)');
    }
    log.debug({ eventId: event.eventId, messageId: stored.id, chatId: chat.id, result }, 'sandbox: message from a person');
    ctx.body = { messageId: stored.id, eventId: event.eventId, result, seq: store.seq };
  });

  router.post('/sandbox/api/actions', async (ctx) => {
    const input = parse(PostAction, await readJson(ctx));
    const me = memberOr400(input.as);
    const message = store.message(input.messageId);
    const chat = message && store.chat(message.chatId);
    if (!message || !chat || !canSee(me.id, chat)) throw new HttpError(400, `messageId: no message "${input.messageId}" in ${me.name}'s chats`);
    if (message.kind !== 'card') throw new HttpError(400, `messageId: message "${input.messageId}" is not a card`);
    const action: InboundCardAction = {
      type: 'card_action',
      channel: 'sandbox',
      eventId: `ev_sandbox_${randomUUID()}`,
      operatorId: me.id,
      value: input.value,
      formValue: input.formValue ?? {},
      messageId: message.id,
      chatId: chat.id,
    };
    let answer: CardActionAnswer;
    try {
      answer = await options.onCardAction(action);
    } catch (err) {
      log.error({ err, eventId: action.eventId }, 'sandbox: card action failed');
      ctx.status = 500;
      ctx.body = { error: 'the bot could not handle the action (see the server log)', toast: { type: 'error', content: '操作失败，请稍后重试' } };
      return;
    }
    let card: Record<string, unknown> | undefined;
    if (answer.card) {
      try {
        card = render(answer.card);
      } catch (err) {
        log.error({ err, eventId: action.eventId }, 'sandbox: the answer card does not render');
        ctx.status = 500;
        ctx.body = { error: (err as Error).message, toast: { type: 'error', content: '卡片渲染失败' } };
        return;
      }
      store.change(message, { card, template: answer.card.template, updatedAt: clock.now() });
    }
    log.debug({ eventId: action.eventId, messageId: message.id, toast: answer.toast.type }, 'sandbox: card action');
    ctx.body = { toast: answer.toast, card, seq: store.seq };
  });

  return { router, messenger };
}
