import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import pino from 'pino';
import { createSandboxChannel, type SandboxChannelOptions } from '../../../src/channels/sandbox';
import type { CardActionAnswer, InboundCardAction, InboundMessage } from '../../../src/ports/channel';

export const NOW = new Date('2026-11-29T02:00:00.000Z');

export const MEMBERS = [
  { id: 'ou_sandbox_liaison', name: '李信', department: '办公室', roles: ['liaison'] },
  { id: 'ou_sandbox_editor', name: '王编', department: '新媒体工作组', roles: ['editor'] },
  { id: 'ou_sandbox_deputy', name: '王编辑', department: '新媒体工作组', roles: ['deputy', 'editor'] },
  { id: 'ou_sandbox_leader', name: '张组长', department: '新媒体工作组', roles: ['leader'] },
  { id: 'ou_sandbox_outsider', name: '赵外', roles: ['liaison'] },
];

export const GROUP = 'oc_sandbox_group';

/** A parsed JSON answer; tests read it loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Harness {
  base: string;
  channel: ReturnType<typeof createSandboxChannel>;
  accept: jest.Mock<Promise<'accepted' | 'duplicate'>, [InboundMessage]>;
  onCardAction: jest.Mock<Promise<CardActionAnswer>, [InboundCardAction]>;
  get(path: string): Promise<{ status: number; body: Json; headers: Headers; text: string }>;
  post(path: string, body: unknown, contentType?: string): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** A real koa server on a random port with the sandbox router mounted. */
export async function startSandbox(extra: Partial<SandboxChannelOptions> = {}): Promise<Harness> {
  const accept = jest.fn<Promise<'accepted' | 'duplicate'>, [InboundMessage]>(async () => 'accepted');
  const onCardAction = jest.fn<Promise<CardActionAnswer>, [InboundCardAction]>(async () => ({ toast: { type: 'info', content: 'ok' } }));
  const channel = createSandboxChannel({
    members: MEMBERS,
    workingGroupChatId: GROUP,
    groupMemberIds: MEMBERS.filter((m) => m.id !== 'ou_sandbox_outsider').map((m) => m.id),
    logger: pino({ level: 'silent' }),
    clock: { now: () => NOW },
    accept,
    onCardAction,
    ...extra,
  });
  const app = new Koa();
  app.use(channel.router.routes()).use(channel.router.allowedMethods());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return {
    base,
    channel,
    accept,
    onCardAction,
    async get(path) {
      const res = await fetch(base + path);
      const text = await res.text();
      return { status: res.status, body: parse(text), headers: res.headers, text };
    },
    async post(path, body, contentType = 'application/json') {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: res.status, body: parse(await res.text()) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
