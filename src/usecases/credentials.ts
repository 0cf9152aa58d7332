import { PLATFORM_LABELS, type Platform } from '../domain/model';
import { formatLocal } from '../domain/time';
import type { ChannelName } from '../ports/channel';
import { noticeCard } from './cards';
import type { Deps } from './deps';
import { tell } from './notify';

export interface CredentialNotice {
  platform: string;
  account?: string;
  reason: string;
  expiresAt?: Date;
}

const who = (n: CredentialNotice) => `${PLATFORM_LABELS[n.platform as Platform] ?? n.platform}${n.account ? `「${n.account}」` : ''}`;

/**
 * A publishing account whose credentials expired, were revoked or will soon expire: the working-group
 * chat is told, once per account and day (the card is keyed so a repeat updates it instead).
 */
export async function announceCredentialProblem(deps: Deps, channel: ChannelName, notice: CredentialNotice): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const chat = await tx.getBinding(channel);
    if (!chat) {
      deps.logger.warn({ platform: notice.platform, account: notice.account }, 'credential problem, but no working-group chat is bound');
      return;
    }
    const day = formatLocal(deps.clock.now(), deps.zone).slice(0, 10);
    const expiry = notice.expiresAt ? `\n到期时间：${formatLocal(notice.expiresAt, deps.zone)}` : '';
    const text = `${notice.reason}${expiry}\n在重新授权之前，发往${who(notice)}的稿件会失败并在群里提醒；也可以先改为人工发布。`;
    await tell(tx, channel, { kind: 'chat', id: chat }, noticeCard(`发布账号需要处理：${who(notice)}`, text, 'red'), `credential:${notice.platform}:${notice.account ?? ''}:${day}`);
  });
}
