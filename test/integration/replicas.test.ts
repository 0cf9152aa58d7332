import pino from 'pino';
import { createApp, type CopydeskApp } from '../../src/app';
import { readConfig } from '../../src/config';
import { PublicationEntity } from '../../src/db/entities';
import { FakeClock } from '../support/clock';
import { testDatabase } from '../support/db';
import { buttonValues, cardText, sandboxClient } from '../support/sandbox-client';
import { startWebhookReceiver } from '../fakes/webhook-receiver';

const SECRET = 'replica-secret';

/** Two replicas on one database: a slow publish whose lease runs out is taken over, never undone. */
describe('two replicas', () => {
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let a: CopydeskApp;
  let b: CopydeskApp;
  let serverA: { port: number; close(): Promise<void> };

  const boot = (replica: string) =>
    createApp({
      config: readConfig({ DATABASE_URL: db.url, PUBLISH_WEBHOOK_URL: receiver.url, PUBLISH_WEBHOOK_SECRET: SECRET, REPLICA_ID: replica }),
      logger: pino({ level: 'silent' }),
      clock,
      dbSchema: db.schema,
    });

  beforeAll(async () => {
    db = await testDatabase();
    receiver = await startWebhookReceiver(SECRET);
    a = await boot('replica-a');
    b = await boot('replica-b');
    serverA = await a.listen(0);
  });
  afterAll(async () => {
    await serverA?.close();
    await a?.stop();
    await b?.stop();
    await receiver.close();
    await db.cleanup();
  });

  it('lets the second replica publish after the lease expires, and the first one leaves the result alone', async () => {
    const client = sandboxClient(`http://127.0.0.1:${serverA.port}`);
    await client.say('ou_sandbox_liaison', '投稿\n多实例测试\n今天召开了年终总结会。');
    await a.settle();
    const no = Number(/#(\d+)/.exec(cardText((await client.botMessages('ou_sandbox_liaison')).at(-1)!.card))![1]);
    for (const who of ['ou_sandbox_editor', 'ou_sandbox_leader']) {
      const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
      await client.tap(who, card.id, buttonValues(card.card).find((v) => v.a === 'approve')!);
      await a.settle();
    }

    receiver.failNext('hang');
    const slow = a.runJobs();
    await receiver.waitForRequests(1);
    // Within the lease the other replica takes nothing.
    await b.runJobs();
    expect(receiver.requests).toHaveLength(1);

    clock.advance(6 * 60_000);
    await b.runJobs();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0].idempotencyKey).toBe(receiver.requests[1].idempotencyKey);
    const pub = () => a.dataSource.getRepository(PublicationEntity).findOneByOrFail({ draftId: no });
    expect((await pub()).state).toBe('published');

    // The first replica's request finally fails: it must not turn the published row back into a retry.
    receiver.dropHanging();
    await slow;
    const after = await pub();
    expect(after.state).toBe('published');
    expect(after.url).toBe('https://news.example.org/p/1');
    expect(receiver.posts.size).toBe(1);
  });
});
