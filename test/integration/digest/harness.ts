import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApp, type CopydeskApp } from '../../../src/app';
import { readConfig } from '../../../src/config';
import { FakeClock } from '../../support/clock';
import { testDatabase } from '../../support/db';
import { buttonValues, cardText, sandboxClient } from '../../support/sandbox-client';
import { startWebhookReceiver } from '../../fakes/webhook-receiver';

export const GROUP = 'oc_digest_group';
const SECRET = 'digest-webhook-secret';

/** The real app over HTTP with the sandbox channel, the webhook publisher and a fake clock; an optional roster file. */
export async function startDigestApp(options: { start: string; env?: Record<string, string>; roster?: unknown; logger?: Logger }) {
  const db = await testDatabase();
  const receiver = await startWebhookReceiver(SECRET);
  const clock = new FakeClock(options.start);
  const dir = mkdtempSync(join(tmpdir(), 'copydesk-digest-'));
  let orgFile: string | undefined;
  if (options.roster) {
    orgFile = join(dir, 'org.json');
    writeFileSync(orgFile, JSON.stringify(options.roster));
  }
  const config = readConfig({
    DATABASE_URL: db.url, PUBLISH_WEBHOOK_URL: receiver.url, PUBLISH_WEBHOOK_SECRET: SECRET, REPLICA_ID: 'digest-test',
    ...(orgFile ? { ORG_FILE: orgFile } : {}), ...options.env,
  });
  const app: CopydeskApp = await createApp({ config, logger: options.logger ?? pino({ level: 'silent' }), clock, dbSchema: db.schema });
  const server = await app.listen(0);
  const client = sandboxClient(`http://127.0.0.1:${server.port}`);

  const submit = async (as: string, title: string, extra = '') => {
    const res = await client.say(as, `投稿\n${title}\n分类：工作动态\n${extra}今天召开了会议，部署明年重点工作。`);
    if (res.status !== 200) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
    await app.settle();
    const receipt = (await client.botMessages(as)).at(-1)!;
    return Number(/#(\d+)/.exec(cardText(receipt.card))![1]);
  };
  const decide = async (as: string, no: number, verdict: 'approve' | 'changes' | 'reject', reason = '') => {
    const card = (await client.botMessages(as)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1);
    if (!card) throw new Error(`${as} has no approval card for #${no}`);
    const value = buttonValues(card.card).find((v) => v.a === verdict)!;
    const res = await client.tap(as, card.id, value, { reason });
    await app.settle();
    const toast = (res.body as { toast: { type: string; content: string } }).toast;
    if (toast.type !== 'success') throw new Error(`decision on #${no} refused: ${toast.content}`);
  };
  /** The bot's text messages to one member (DM). */
  const texts = async (as: string) => (await client.botMessages(as)).filter((m) => m.kind === 'text').map((m) => m.text ?? '');

  return {
    app, client, clock, receiver, submit, decide, texts,
    async stop() {
      await server.close();
      await app.stop();
      await receiver.close();
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
