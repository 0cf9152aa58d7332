import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import pino from 'pino';
import { createFeishuChannel, type FeishuChannel, type FeishuChannelOptions } from '../../../src/channels/feishu';
import type { CardActionAnswer, InboundCardAction, InboundMessage } from '../../../src/ports/channel';
import { startFakeFeishu, type FakeFeishu } from '../../fakes/feishu-openapi';
import { createFeishuSender, FIXTURE_TOKEN, type FeishuSender } from '../../fakes/feishu-events';

export const ENCRYPT_KEY = 'test-encrypt-key-0123456789';
export const NOW = new Date('2026-11-29T02:00:00Z');

/** An inbox stand-in: records every call and answers 'duplicate' for an event id it has seen. */
export function createInboxStub() {
  const calls: InboundMessage[] = [];
  const stored = new Map<string, InboundMessage>();
  const accept = jest.fn(async (event: InboundMessage): Promise<'accepted' | 'duplicate'> => {
    calls.push(event);
    if (stored.has(event.eventId)) return 'duplicate';
    stored.set(event.eventId, event);
    return 'accepted';
  });
  return { accept, calls, stored };
}

export const approvedAnswer: CardActionAnswer = {
  toast: { type: 'success', content: '已通过' },
  card: { kind: 'card', template: 'notice', data: { title: '12 号稿件已通过', color: 'green', text: '审核人：王丽' } },
};

export interface Harness {
  fake: FakeFeishu;
  channel: FeishuChannel;
  inbox: ReturnType<typeof createInboxStub>;
  onCardAction: jest.Mock<Promise<CardActionAnswer>, [InboundCardAction]>;
  feishu: FeishuSender;
  baseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

/** `before`: Koa middleware mounted ahead of the channel's routes (e.g. a body parser, a slow logger). */
export async function startHarness(overrides: Partial<FeishuChannelOptions> = {}, before: Koa.Middleware[] = []): Promise<Harness> {
  const fake = await startFakeFeishu();
  const logs: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const inbox = createInboxStub();
  const onCardAction = jest.fn<Promise<CardActionAnswer>, [InboundCardAction]>(async () => approvedAnswer);
  const options: FeishuChannelOptions = {
    appId: fake.appId,
    appSecret: fake.appSecret,
    encryptKey: ENCRYPT_KEY,
    verificationToken: FIXTURE_TOKEN,
    baseUrl: fake.baseUrl,
    mode: 'webhook',
    logger,
    clock: { now: () => NOW },
    accept: inbox.accept,
    onCardAction,
    retry: { sleep: async () => undefined },
    ...overrides,
  };
  let channel: FeishuChannel;
  try {
    channel = createFeishuChannel(options);
    await channel.start();
  } catch (error) {
    await fake.close();
    throw error;
  }
  const app = new Koa();
  for (const m of before) app.use(m);
  app.use(channel.router.routes());
  app.use(channel.router.allowedMethods());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const feishu = createFeishuSender({ baseUrl, encryptKey: options.encryptKey, now: () => NOW });
  return {
    fake,
    channel,
    inbox,
    onCardAction,
    feishu,
    baseUrl,
    logs,
    async close() {
      await channel.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}
