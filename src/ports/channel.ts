/**
 * The channel-neutral contract between chat transports (Feishu, WeCom, sandbox) and the core.
 * A channel turns platform requests into these events and sends `OutboundMessage`s back.
 */

export type ChannelName = 'feishu' | 'wecom' | 'sandbox';

export interface Mention {
  /** Placeholder in the text, e.g. `@_user_1`. */
  key: string;
  userId: string;
  name: string;
}

/** A message a person sent to the bot. */
export interface InboundMessage {
  type: 'message';
  channel: ChannelName;
  /** The platform's event id, used for de-duplication. */
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderId: string;
  /** Plain text with mention placeholders replaced by `@name`; for rich text, the flattened text. */
  text: string;
  /** Title of a rich-text (post) message. */
  title?: string;
  /** Images kept from a rich-text message. */
  images: string[];
  mentions: Mention[];
  /** True when the bot itself was mentioned (required in groups). */
  mentionsBot: boolean;
  /** The message this one replies to (Feishu `parent_id`), e.g. a reply to a published notice. */
  replyToMessageId?: string;
  createdAt: Date;
}

/** A tap on a card button or a form submission. */
export interface InboundCardAction {
  type: 'card_action';
  channel: ChannelName;
  eventId: string;
  operatorId: string;
  /** The `value` object we put on the button. */
  value: Record<string, unknown>;
  formValue: Record<string, unknown>;
  messageId?: string;
  chatId?: string;
}

export type InboundEvent = InboundMessage | InboundCardAction;

/** A card by template name and data; each channel renders it from its own `cards/<channel>/` template. */
export interface CardBody {
  kind: 'card';
  template: string;
  data: Record<string, unknown>;
}

export interface TextBody {
  kind: 'text';
  text: string;
}

export type MessageBody = CardBody | TextBody;

export type Recipient =
  | { kind: 'user'; id: string }
  | { kind: 'chat'; id: string }
  /** Reply in thread to a message the person sent. */
  | { kind: 'reply'; messageId: string };

/** What the core asks a channel to deliver. */
export interface OutboundMessage {
  to: Recipient;
  body: MessageBody;
  /**
   * A stable key for a card that is updated in place (e.g. `status:12`). The first delivery
   * sends it; later deliveries with the same key patch the message that was sent.
   */
  cardKey?: string;
}

/** The answer to a card action, given synchronously within the platform's deadline. */
export interface CardActionAnswer {
  toast: { type: 'success' | 'error' | 'info' | 'warning'; content: string };
  /** The tapped card, re-rendered. */
  card?: CardBody;
}

/** Sends messages on one channel. Errors carry `retryAfterMs` when the platform asked to slow down. */
export interface Messenger {
  readonly channel: ChannelName;
  /** Sends a new message; `idempotencyKey` de-duplicates retries. Returns the platform message id. */
  send(to: Recipient, body: MessageBody, idempotencyKey: string): Promise<{ messageId: string }>;
  /** Replaces the content of a card message sent earlier. */
  update(messageId: string, body: CardBody): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly platformCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
