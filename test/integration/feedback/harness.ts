/**
 * The feedback tests' world: the real app (sandbox channel, fake clock) on a test database, the
 * platform fakes behind recording proxies (the feedback sources read the proxies' URLs from the
 * same WECHAT_MP_* / WEIBO_* / KUAISHOU_* variables as the publishers), and real publishers for
 * WeChat and Weibo pointed straight at the fakes, so the ids they record are the ones the
 * sources read. Kuaishou needs a video upload: a small publisher double creates the photo in the fake.
 */
import pino from 'pino';
import { createApp, type CopydeskApp } from '../../../src/app';
import { readConfig } from '../../../src/config';
import { PublicationEntity } from '../../../src/db/entities';
import { FeedbackCursorEntity, FeedbackEntity } from '../../../src/db/feedback-entities';
import type { Publisher } from '../../../src/ports/publisher';
import { WechatMpPublisher } from '../../../src/publishers/wechat-mp';
import { WeiboPublisher } from '../../../src/publishers/weibo';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { RecordingProxy } from '../../fakes/recording-proxy';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeWeibo } from '../../fakes/weibo';
import { FakeClock } from '../../support/clock';
import { testDatabase } from '../../support/db';
import { buttonValues, cardText, sandboxClient } from '../../support/sandbox-client';

export const LIAISON = 'ou_sandbox_liaison';
export const EDITOR = 'ou_sandbox_editor';
export const LEADER = 'ou_sandbox_leader';
export const WEBHOOK_SECRET = 'feedback-form-secret-0123456789';
export const HOUR = 3_600_000;

export type World = Awaited<ReturnType<typeof startWorld>>;

export async function startWorld(extraEnv: Record<string, string> = {}) {
  const db = await testDatabase();
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  const wechat = new FakeWechatMp();
  const weibo = new FakeWeibo();
  const kuaishou = new FakeKuaishou();
  await Promise.all([wechat.start(), weibo.start(), kuaishou.start()]);
  wechat.now = () => Math.floor(clock.now().getTime() / 1000);
  weibo.now = () => clock.now();
  kuaishou.now = () => clock.now();
  wechat.materials.set('THUMB_DEFAULT', { bytes: 100, type: 'image/jpeg' });
  const proxies = { wechat: new RecordingProxy(() => wechat.baseUrl), weibo: new RecordingProxy(() => weibo.baseUrl), kuaishou: new RecordingProxy(() => kuaishou.baseUrl) };
  await Promise.all(Object.values(proxies).map((p) => p.start()));

  const noMedia = async () => {
    throw new Error('no media in these tests');
  };
  const kuaishouDouble: Publisher = {
    name: 'kuaishou-double',
    async publish(job) {
      const photoId = `3x${job.publicationId}`;
      if (!job.steps.ks_photo_id) {
        kuaishou.photos.push({ photo_id: photoId, caption: job.title, cover: '', play_url: '', create_time: clock.now().getTime(), like_count: 0, comment_count: 0, view_count: 0, pending: false, deleted: false });
        await job.recordStep('ks_photo_id', photoId);
      }
      return { status: 'published', externalId: photoId };
    },
  };

  const env = {
    DATABASE_URL: db.url,
    REPLICA_ID: 'replica-a',
    WECHAT_MP_APP_ID: wechat.appId,
    WECHAT_MP_APP_SECRET: wechat.appSecret,
    WECHAT_MP_BASE_URL: proxies.wechat.url,
    WECHAT_MP_DEFAULT_THUMB_MEDIA_ID: 'THUMB_DEFAULT',
    WEIBO_ACCESS_TOKEN: weibo.accessToken,
    WEIBO_BASE_URL: proxies.weibo.url,
    WEIBO_LINK_URL: `https://${weibo.safeDomain}/news`,
    KUAISHOU_APP_ID: kuaishou.appId,
    KUAISHOU_ACCESS_TOKEN: kuaishou.accessToken,
    KUAISHOU_BASE_URL: proxies.kuaishou.url,
    FEEDBACK_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...extraEnv,
  };

  let app!: CopydeskApp;
  let server!: { port: number; close(): Promise<void> };
  let client!: ReturnType<typeof sandboxClient>;

  const world = {
    db,
    clock,
    wechat,
    weibo,
    kuaishou,
    proxies,
    get app() {
      return app;
    },
    get client() {
      return client;
    },
    get baseUrl() {
      return `http://127.0.0.1:${server.port}`;
    },
    /** Starts (or restarts) the app on the same database. */
    async boot() {
      const platformPublishers: Record<string, Publisher> = {
        wechat: new WechatMpPublisher({ appId: wechat.appId, appSecret: wechat.appSecret, baseUrl: wechat.baseUrl, fetchMedia: noMedia, clock, sleep: async () => undefined, defaultThumbMediaId: 'THUMB_DEFAULT' }),
        weibo: new WeiboPublisher({ accessToken: weibo.accessToken, baseUrl: weibo.baseUrl, linkUrl: env.WEIBO_LINK_URL, fetchMedia: noMedia, clock }),
        kuaishou: kuaishouDouble,
      };
      // Publishers the registry builds (accounts of ACCOUNTS_FILE) pace their calls: no real waiting under the fake clock.
      app = await createApp({ config: readConfig(env), logger: pino({ level: 'silent' }), clock, dbSchema: db.schema, platformPublishers, sleep: async () => undefined });
      server = await app.listen(0);
      client = sandboxClient(`http://127.0.0.1:${server.port}`);
    },
    async shutdown() {
      await server.close();
      await app.stop();
    },
    async close() {
      await world.shutdown();
      await Promise.all([wechat.stop(), weibo.stop(), kuaishou.stop(), ...Object.values(proxies).map((p) => p.stop())]);
      await db.cleanup();
    },

    /** Submits, approves in both steps and publishes a draft to one platform or account; returns the draft and publication ids. */
    async publish(title: string, platform: '公众号' | '微博' | '快手' | (string & {}) = '公众号'): Promise<{ no: number; pubId: number }> {
      const res = await client.say(LIAISON, `投稿\n${title}\n分类：工作动态\n平台：${platform}\n今天召开了年终总结会，部署明年重点工作。`);
      expect(res.status).toBe(200);
      await app.settle();
      const receipt = (await client.botMessages(LIAISON)).at(-1)!;
      const no = Number(/#(\d+)/.exec(cardText(receipt.card))![1]);
      for (const who of [EDITOR, LEADER]) {
        const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
        const value = buttonValues(card.card).find((v) => v.a === 'approve')!;
        // The leader's reason covers a platform-format block finding (e.g. Kuaishou wants a video): an audited override.
        const tap = await client.tap(who, card.id, value, who === LEADER ? { reason: '格式已人工确认' } : {});
        const toast = (tap.body as { toast: { type: string; content: string } }).toast;
        if (toast.type !== 'success') throw new Error(`approval of #${no} by ${who} refused: ${toast.content}`);
        await app.settle();
      }
      await app.runJobs();
      const pub = await app.dataSource.getRepository(PublicationEntity).findOneByOrFail({ draftId: no });
      expect(pub.state).toBe('published');
      return { no, pubId: pub.id };
    },

    feedbackRows: (publicationId: number) => app.dataSource.getRepository(FeedbackEntity).find({ where: { publicationId }, order: { id: 'ASC' } }),
    cursorOf: (publicationId: number) => app.dataSource.getRepository(FeedbackCursorEntity).findOneBy({ publicationId }),
    publication: (id: number) => app.dataSource.getRepository(PublicationEntity).findOneByOrFail({ id }),
  };
  await world.boot();
  return world;
}

/** WeChat comments as the fake stores them (oldest first). */
export function seedWechatComments(fake: FakeWechatMp, msgDataId: number, texts: string[], startId = 1, at = Date.parse('2026-11-30T03:00:00Z')) {
  const list = fake.comments.get(msgDataId) ?? [];
  texts.forEach((content, i) => list.push({ user_comment_id: startId + i, create_time: Math.floor(at / 1000) + i, content, comment_type: 0 }));
  fake.comments.set(msgDataId, list);
}
