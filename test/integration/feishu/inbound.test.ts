import { toInboundCardAction, toInboundMessage } from '../../../src/channels/feishu/inbound';
import { cardActionEvent, FIXTURE_BOT_OPEN_ID, mentionBot, otherMessageEvent, postMessageEvent, textMessageEvent } from '../../fakes/feishu-events';

/** What the SDK's EventDispatcher hands to a handler: header and event flattened into one object. */
const flat = (payload: Record<string, unknown>): Record<string, unknown> => ({
  ...(payload.header as Record<string, unknown>),
  ...(payload.event as Record<string, unknown>),
});

const accepted = (payload: Record<string, unknown>) => {
  const decision = toInboundMessage(flat(payload), FIXTURE_BOT_OPEN_ID);
  if (decision.kind !== 'accept') throw new Error(`ignored: ${decision.reason}`);
  return decision.message;
};

describe('Feishu message mapping', () => {
  it('removes the bot mention wherever it is and keeps the layout of the draft', () => {
    const mentions = [mentionBot(), { key: '@_user_2', openId: 'ou_wang', name: '王丽' }];
    const text = '@_user_1 投稿\n　　正文第一段，  两个空格保留。\n请 @_user_2 审核 @_user_1';
    expect(accepted(textMessageEvent(text, { chatType: 'group', mentions })).text).toBe('投稿\n　　正文第一段，  两个空格保留。\n请 @王丽 审核');
  });

  it('keeps a full-width indent at the start of a p2p draft', () => {
    expect(accepted(textMessageEvent('　　开篇缩进')).text).toBe('　　开篇缩进');
  });

  it('does not confuse @_user_1 with @_user_10', () => {
    const mentions = Array.from({ length: 10 }, (_, i) => ({ key: `@_user_${i + 1}`, openId: `ou_${i + 1}`, name: `U${i + 1}` }));
    mentions[0] = mentionBot();
    const msg = accepted(textMessageEvent('@_user_1 @_user_10 和 @_user_2', { chatType: 'group', mentions }));
    expect(msg.text).toBe('@U10 和 @U2');
    expect(msg.mentions).toHaveLength(9);
    expect(msg.mentions.some((m) => m.userId === FIXTURE_BOT_OPEN_ID)).toBe(false);
  });

  it('writes @_all as @所有人', () => {
    expect(accepted(textMessageEvent('@_user_1 @_all 请注意', { chatType: 'group', mentions: [mentionBot()] })).text).toBe('@所有人 请注意');
  });

  it('flattens every post element kind and reads a locale-wrapped post', () => {
    const content = {
      zh_cn: {
        title: '标题',
        content: [
          [{ tag: 'text', text: '文字' }, { tag: 'emotion', emoji_type: 'SMILE' }],
          [{ tag: 'a', text: 'https://a.example', href: 'https://a.example' }],
          [{ tag: 'code_block', language: 'GO', text: 'fmt.Println()' }],
          [{ tag: 'hr' }],
          [{ tag: 'media', file_key: 'file_v2_x', image_key: 'img_cover' }, { tag: 'md', text: '**粗体**' }],
        ],
      },
    };
    const msg = accepted(otherMessageEvent('post', content));
    expect(msg).toMatchObject({ title: '标题', text: '文字[SMILE]\nhttps://a.example\nfmt.Println()\n---\n**粗体**', images: ['img_cover'] });
  });

  it('reads the documented post example', () => {
    expect(accepted(postMessageEvent()).images).toEqual(['img_v2_041b28e3-5680-48c2-9af2-497ace79333g']);
  });

  it('ignores own messages, group messages without the bot, and payloads without ids', () => {
    expect(toInboundMessage(flat(textMessageEvent('x', { senderType: 'app' })), FIXTURE_BOT_OPEN_ID)).toEqual({ kind: 'ignore', reason: 'own message' });
    expect(toInboundMessage(flat(textMessageEvent('x', { chatType: 'group', mentions: [] })), FIXTURE_BOT_OPEN_ID)).toEqual({
      kind: 'ignore',
      reason: 'group message without mention',
    });
    expect(toInboundMessage({ event_id: 'e' }, FIXTURE_BOT_OPEN_ID)).toEqual({ kind: 'ignore', reason: 'not a message' });
  });

  it('treats a group message as not mentioning the bot when the bot id is unknown', () => {
    expect(toInboundMessage(flat(textMessageEvent('@_user_1 x', { chatType: 'group', mentions: [mentionBot()] })), undefined)).toMatchObject({ kind: 'ignore' });
  });
});

describe('Feishu card action mapping', () => {
  it('reads the operator, value, form and context, not the card token that shadows header.token', () => {
    const action = toInboundCardAction(flat(cardActionEvent({ eventId: 'e1', formValue: { reason: '格式' } })));
    expect(action).toEqual({
      type: 'card_action',
      channel: 'feishu',
      eventId: 'e1',
      operatorId: 'ou_3c5bde6d7b1e4a1fa9bbf6a6d1f0d7c2',
      value: { action: 'approve', draft: 12, revision: 2 },
      formValue: { reason: '格式' },
      messageId: 'om_574d639e4a44e4dd646eaf628e2f2f3d',
      chatId: 'oc_a0553eda9014c201e6969b478895c230',
    });
  });

  it('accepts a JSON string value and refuses an action without operator', () => {
    const payload = cardActionEvent() as { event: { action: Record<string, unknown>; operator: Record<string, unknown> } };
    payload.event.action.value = '{"action":"reject"}';
    expect(toInboundCardAction(flat(payload as unknown as Record<string, unknown>))?.value).toEqual({ action: 'reject' });
    payload.event.operator = {};
    expect(toInboundCardAction(flat(payload as unknown as Record<string, unknown>))).toBeUndefined();
  });
});
