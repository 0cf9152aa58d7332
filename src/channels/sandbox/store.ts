import { randomBytes } from 'node:crypto';

/** A person on the sandbox's demo roster. */
export interface SandboxMember {
  id: string;
  name: string;
  department?: string;
  roles: string[];
}

/** The id the bot's own messages carry as sender. */
export const BOT_SENDER_ID = 'bot';

export interface SandboxMessage {
  id: string;
  /** Global change counter at the last change (creation or update): what `since` compares with. */
  seq: number;
  chatId: string;
  senderId: string;
  kind: 'text' | 'card';
  text?: string;
  /** Feishu card JSON 2.0, as rendered from the template. */
  card?: Record<string, unknown>;
  template?: string;
  /** The message this one replies to, and the first message of that thread. */
  replyTo?: string;
  threadRootId?: string;
  createdAt: Date;
  updatedAt?: Date;
  /** Set on a person's message the core did not accept (shown as failed on the page). */
  failed?: boolean;
}

export interface SandboxChat {
  id: string;
  kind: 'dm' | 'group';
  /** For a direct chat, the member talking with the bot. */
  ownerId?: string;
  messages: SandboxMessage[];
}

/** Most messages kept per chat; older ones are dropped (it is a sandbox). */
export const MAX_MESSAGES_PER_CHAT = 1000;

/**
 * The sandbox's conversations, in memory. Every change bumps `seq`, so a page can ask for
 * "everything changed since N". Ids carry a per-process boot id so that ids a previous run
 * handed to the core never match a message of this run.
 */
export class SandboxStore {
  seq = 0;
  private counter = 0;
  /** Random per process: tells a page that the server restarted. */
  readonly bootId = randomBytes(4).toString('hex');
  private readonly chats = new Map<string, SandboxChat>();
  private readonly messages = new Map<string, SandboxMessage>();
  private readonly sentByKey = new Map<string, string>();
  private readonly keyOfMessage = new Map<string, string>();

  constructor(readonly groupChatId: string) {
    this.chats.set(groupChatId, { id: groupChatId, kind: 'group', messages: [] });
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_sandbox_${this.bootId}_${this.counter}`;
  }

  dmChatId(memberId: string): string {
    return `oc_sandbox_p2p_${memberId}`;
  }

  dm(memberId: string): SandboxChat {
    const id = this.dmChatId(memberId);
    let chat = this.chats.get(id);
    if (!chat) {
      chat = { id, kind: 'dm', ownerId: memberId, messages: [] };
      this.chats.set(id, chat);
    }
    return chat;
  }

  group(): SandboxChat {
    return this.chats.get(this.groupChatId)!;
  }

  chat(id: string): SandboxChat | undefined {
    return this.chats.get(id);
  }

  message(id: string): SandboxMessage | undefined {
    return this.messages.get(id);
  }

  idForKey(key: string): string | undefined {
    return this.sentByKey.get(key);
  }

  add(message: Omit<SandboxMessage, 'id' | 'seq'>, idempotencyKey?: string): SandboxMessage {
    const chat = this.chats.get(message.chatId);
    if (!chat) throw new Error(`unknown sandbox chat ${message.chatId}`);
    const stored: SandboxMessage = { ...message, id: this.nextId('om'), seq: ++this.seq };
    chat.messages.push(stored);
    this.messages.set(stored.id, stored);
    if (idempotencyKey !== undefined) {
      this.sentByKey.set(idempotencyKey, stored.id);
      this.keyOfMessage.set(stored.id, idempotencyKey);
    }
    while (chat.messages.length > MAX_MESSAGES_PER_CHAT) {
      const dropped = chat.messages.shift()!;
      this.messages.delete(dropped.id);
      const key = this.keyOfMessage.get(dropped.id);
      if (key !== undefined) {
        this.sentByKey.delete(key);
        this.keyOfMessage.delete(dropped.id);
      }
    }
    return stored;
  }

  /** Applies a change to a message and marks it changed. */
  change(message: SandboxMessage, patch: Partial<Pick<SandboxMessage, 'card' | 'template' | 'text' | 'failed' | 'updatedAt'>>): void {
    Object.assign(message, patch);
    message.seq = ++this.seq;
  }
}
