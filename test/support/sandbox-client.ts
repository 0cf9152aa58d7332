/** Talks to the sandbox's HTTP API the way its page does. */
export function sandboxClient(baseUrl: string) {
  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  type Msg = { id: string; senderId?: string; sender?: { id: string }; kind: string; text?: string; card?: Record<string, unknown>; template?: string; replyTo?: string };
  type Chat = { id: string; kind: 'dm' | 'group'; messages: Msg[] };
  const state = async (as: string) => (await json(`/sandbox/api/state?as=${encodeURIComponent(as)}`)).body as { chats: Chat[] };
  return {
    say: (as: string, text: string, chat: 'dm' | 'group' = 'dm', mentionBot = chat === 'group') =>
      json('/sandbox/api/messages', { method: 'POST', body: JSON.stringify({ as, chat, text, mentionBot }) }),
    tap: (as: string, messageId: string, value: Record<string, unknown>, formValue: Record<string, unknown> = {}) =>
      json('/sandbox/api/actions', { method: 'POST', body: JSON.stringify({ as, messageId, value, formValue }) }),
    /** The bot's messages in one of the member's chats. */
    async botMessages(as: string, chat: 'dm' | 'group' = 'dm'): Promise<Msg[]> {
      const s = await state(as);
      return (s.chats.find((c) => c.kind === chat)?.messages ?? []).filter((m) => (m.sender?.id ?? m.senderId) === 'bot');
    },
  };
}

/** All text of a rendered card, for assertions. */
export const cardText = (card: unknown): string => {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (typeof n === 'string') out.push(n);
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') Object.values(n).forEach(walk);
  };
  walk(card);
  return out.join('\n');
};

/** The callback values of a card's buttons. */
export const buttonValues = (card: unknown): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.tag === 'button' && Array.isArray(o.behaviors)) out.push((o.behaviors[0] as { value: Record<string, unknown> }).value);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};
