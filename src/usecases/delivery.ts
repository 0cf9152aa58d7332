import { DeliveryError, type ChannelName, type InboundMessage, type Messenger } from '../ports/channel';
import type { OutboxRow } from '../ports/store';
import type { Deps } from './deps';
import { tell } from './notify';
import { handleMessage } from './router';

const MAX_DELIVERY_ATTEMPTS = 8;

/** Sends outbox rows through each channel's messenger; a card with a key is sent once, then patched in place. */
export async function deliverOutbox(deps: Deps, messengers: Partial<Record<ChannelName, Messenger>>, limit = 50): Promise<number> {
  const rows = await deps.store.claimOutbox(deps.clock.now(), deps.replicaId, 60_000, limit);
  // Only the newest pending update of a card matters; older ones in the batch are skipped.
  const newest = new Map<string, number>();
  for (const r of rows) if (r.message.cardKey) newest.set(`${r.channel}|${r.message.cardKey}`, r.id);
  for (const row of rows) {
    const key = row.message.cardKey ? `${row.channel}|${row.message.cardKey}` : undefined;
    if (key && newest.get(key) !== row.id) {
      await deps.store.markOutboxSent(row.id, null);
      continue;
    }
    await deliverOne(deps, messengers, row);
  }
  return rows.length;
}

async function deliverOne(deps: Deps, messengers: Partial<Record<ChannelName, Messenger>>, row: OutboxRow): Promise<void> {
  const messenger = messengers[row.channel];
  const log = deps.logger.child({ outbox: row.id, channel: row.channel });
  if (!messenger) {
    await deps.store.markOutboxFailed(row.id, `channel ${row.channel} is not configured`);
    log.error('no messenger for channel');
    return;
  }
  const { to, body, cardKey } = row.message;
  // A retried old update must not overwrite a newer state of the same card.
  if (cardKey && (await deps.store.hasNewerCardMessage(row.channel, cardKey, row.id))) {
    await deps.store.markOutboxSent(row.id, null);
    return;
  }
  try {
    const existing = cardKey ? await deps.store.cardMessageId(row.channel, cardKey) : null;
    if (existing && body.kind === 'card') {
      try {
        await messenger.update(existing, body);
        await deps.store.markOutboxSent(row.id, existing);
        return;
      } catch (e) {
        // A card that can no longer be patched (too old, recalled) is sent anew.
        if (!(e instanceof DeliveryError) || e.retryable) throw e;
        log.warn({ code: e.platformCode }, 'card cannot be updated; sending a new one');
      }
    }
    const { messageId } = await messenger.send(to, body, `cd-${row.id}`);
    if (cardKey) await deps.store.setCardMessageId(row.channel, cardKey, messageId);
    await deps.store.markOutboxSent(row.id, messageId);
  } catch (e) {
    const err = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), true);
    if (err.retryable && row.attempts < MAX_DELIVERY_ATTEMPTS) {
      const delay = err.retryAfterMs ?? Math.min(300_000, 2_000 * 2 ** (row.attempts - 1));
      await deps.store.markOutboxRetry(row.id, new Date(deps.clock.now().getTime() + delay), err.message);
      log.warn({ attempts: row.attempts, code: err.platformCode }, 'delivery failed, will retry');
    } else {
      await deps.store.markOutboxFailed(row.id, err.message);
      log.error({ attempts: row.attempts, code: err.platformCode }, 'delivery failed for good');
      await reportUndelivered(deps, row, err.message);
    }
  }
}

/** Processes stored inbound messages (the inbox); a crash leaves rows that the next run picks up. */
export async function processInbox(deps: Deps, limit = 20): Promise<number> {
  const rows = await deps.store.claimInbox(deps.clock.now(), deps.replicaId, 120_000, limit);
  for (const row of rows) {
    try {
      if (row.event.type === 'message') await handleMessage(deps, row.event as InboundMessage);
      await deps.store.finishInbox(row.id);
    } catch (e) {
      deps.logger.error({ err: e, inbox: row.id }, 'inbox event failed');
      await deps.store.finishInbox(row.id, e instanceof Error ? e.message : String(e));
    }
  }
  return rows.length;
}


/** A message that could not be delivered is reported in the working-group chat, so a person knows. */
async function reportUndelivered(deps: Deps, row: OutboxRow, reason: string): Promise<void> {
  const { to, body } = row.message;
  await deps.store.transaction(async (tx) => {
    const chat = await tx.getBinding(row.channel);
    // Nothing to tell, or the group chat itself is what failed: the log has it.
    if (!chat || (to.kind === 'chat' && to.id === chat)) return;
    const who = to.kind === 'user' ? ((await tx.getMember(to.id))?.name ?? to.id) : '一条消息的发送者';
    const what = body.kind === 'card' ? `「${body.template}」卡片` : '文字消息';
    await tell(tx, row.channel, { kind: 'chat', id: chat }, { kind: 'text', text: `消息未送达：发给${who}的${what}发送失败（${reason.slice(0, 200)}）。请检查后用 /status 查看或重试相关操作。` });
  });
}
