/**
 * The platform publishers through the real core: sandbox chat, approval, the scheduler's
 * `runJobs` with steps persisted in the database, retries with backoff, failure notices.
 */
import pino from 'pino';
import { createApp, type CopydeskApp } from '../../../src/app';
import { readConfig } from '../../../src/config';
import { DraftEntity } from '../../../src/db/entities';
import { createPlatformPublishers } from '../../../src/publishers/registry';
import { submitDraft } from '../../../src/usecases/submit';
import { FakeDouyin } from '../../fakes/douyin';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeWeibo } from '../../fakes/weibo';
import { buttonValues, cardText, sandboxClient } from '../../support/sandbox-client';
import { testDatabase } from '../../support/db';
import { FakeClock } from '../../support/clock';
import { fakeFetchMedia } from './support';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const LEADER = 'ou_sandbox_leader';

describe('platform publishers through the real scheduler', () => {
  const clock = new FakeClock('2026-11-30T02:00:00Z');
  const wechat = new FakeWechatMp();
  const weibo = new FakeWeibo();
  const douyin = new FakeDouyin();
  const kuaishou = new FakeKuaishou();
  const fakes = [wechat, weibo, douyin, kuaishou];
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let app: CopydeskApp;
  let server: { port: number; close(): Promise<void> };
  let client: ReturnType<typeof sandboxClient>;

  beforeAll(async () => {
    await Promise.all(fakes.map((f) => f.start()));
    wechat.now = () => Math.floor(clock.now().getTime() / 1000);
    weibo.now = () => clock.now();
    douyin.now = () => clock.now();
    kuaishou.now = () => clock.now();
    db = await testDatabase();
    const platforms = createPlatformPublishers(
      {
        WECHAT_MP_APP_ID: wechat.appId,
        WECHAT_MP_APP_SECRET: wechat.appSecret,
        WECHAT_MP_BASE_URL: wechat.baseUrl,
        WECHAT_MP_DEFAULT_THUMB_MEDIA_ID: wechat.seedMaterial(),
        WEIBO_ACCESS_TOKEN: weibo.accessToken,
        WEIBO_BASE_URL: weibo.baseUrl,
        WEIBO_LINK_URL: `https://${weibo.safeDomain}/news/`,
        DOUYIN_ACCESS_TOKEN: douyin.accessToken,
        DOUYIN_OPEN_ID: douyin.openId,
        DOUYIN_BASE_URL: douyin.baseUrl,
        KUAISHOU_APP_ID: kuaishou.appId,
        KUAISHOU_ACCESS_TOKEN: kuaishou.accessToken,
        KUAISHOU_BASE_URL: kuaishou.baseUrl,
      },
      { fetchMedia: fakeFetchMedia(), clock, sleep: async (ms) => clock.advance(ms), timeoutMs: 5000, pacingMs: { wechat: 0, weibo: 0, douyin: 0, kuaishou: 0 } },
    );
    expect(platforms.withoutCredentials).toEqual([]);
    app = await createApp({
      config: readConfig({ DATABASE_URL: db.url, PUBLISH_MAX_ATTEMPTS: '3', PUBLISH_RETRY_BASE_SECONDS: '60', REPLICA_ID: 'replica-p' }),
      logger: pino({ level: 'silent' }),
      clock,
      dbSchema: db.schema,
      platformPublishers: platforms.byName,
    });
    server = await app.listen(0);
    client = sandboxClient(`http://127.0.0.1:${server.port}`);
  });
  afterAll(async () => {
    await server?.close();
    await app?.stop();
    await db?.cleanup();
    await Promise.all(fakes.map((f) => f.stop()));
  });

  const submitAndApprove = async (title: string, targets = '公众号、微博', media?: { kind: 'video' | 'image'; key: string }[]) => {
    const text = `投稿\n${title}\n分类：工作动态\n平台：${targets}\n今天召开了年终总结会，部署明年重点工作。`;
    if (media) {
      // Chat messages in the sandbox carry no files: submit with media through the use case.
      await submitDraft(app.deps, { channel: 'sandbox', senderId: LIAISON, replyTo: { kind: 'user', id: LIAISON }, text, media });
    } else {
      await client.say(LIAISON, text);
    }
    await app.settle();
    const no = Number(/#(\d+)/.exec(cardText((await client.botMessages(LIAISON)).at(-1)!.card))![1]);
    for (const who of [EDITOR, LEADER]) {
      const card = (await client.botMessages(who)).filter((m) => m.template === 'approval' && cardText(m.card).includes(`#${no} `)).at(-1)!;
      await client.tap(who, card.id, buttonValues(card.card).find((v) => v.a === 'approve')!);
      await app.settle();
    }
    return no;
  };
  const draftState = async (no: number) => (await app.dataSource.getRepository(DraftEntity).findOneByOrFail({ id: no })).state;

  it('publishes one approved draft once on each platform despite a 5xx, a lost answer and a slow publish', async () => {
    const no = await submitAndApprove('年终总结会召开');
    wechat.nextPublishStatuses = [1, 1, 1, 1, 0];
    wechat.inject('/cgi-bin/freepublish/submit', { kind: 'dropAfterCommit' });
    weibo.inject('/2/statuses/share.json', { kind: 'http', status: 503 });

    await app.runJobs(); // wechat: answer lost after submit; weibo: 503
    expect(await draftState(no)).toBe('publishing');
    wechat.settlePending(0); // WeChat finishes while we wait for the retry
    clock.advance(61_000);
    await app.runJobs();

    expect(await draftState(no)).toBe('published');
    expect(wechat.postCount).toBe(1);
    expect(wechat.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(weibo.postCount).toBe(1);
    const liaison = cardText((await client.botMessages(LIAISON)).map((m) => m.text ?? m.card));
    expect(liaison).toContain(wechat.published[0]!.url);

    await app.runJobs();
    expect(wechat.postCount).toBe(1);
    expect(weibo.postCount).toBe(1);
  });

  it('a review rejection reaches the group chat in plain words, and 重试 publishes once', async () => {
    const before = { wechat: wechat.postCount, weibo: weibo.postCount };
    const no = await submitAndApprove('审核被拒测试');
    wechat.nextPublishStatuses = [4];
    await app.runJobs();
    expect(await draftState(no)).toBe('publish_failed');
    const notice = (await client.botMessages(LEADER, 'group')).filter((m) => m.template === 'notice' && cardText(m.card).includes(`#${no}`)).at(-1)!;
    expect(cardText(notice.card)).toContain('公众号平台审核不通过（publish_status=4');

    wechat.nextPublishStatuses = [0];
    const retry = buttonValues(notice.card).find((v) => v.a === 'retry')!;
    await client.tap(LEADER, notice.id, retry);
    await app.settle();
    await app.runJobs();
    expect(await draftState(no)).toBe('published');
    expect(wechat.postCount).toBe(before.wechat + 1);
    expect(weibo.postCount).toBe(before.weibo + 1);
  });

  it('publishes one approved draft with a video to all four platforms: exactly one post on each', async () => {
    const before = fakes.map((f) => f.postCount);
    const no = await submitAndApprove('四平台同步发布', '公众号、微博、抖音、快手', [
      { kind: 'video', key: 'clip.mp4' },
      { kind: 'image', key: 'cover.png' },
    ]);
    douyin.inject('/api/douyin/v1/video/create_video/', { kind: 'dropAfterCommit' });
    kuaishou.inject('/openapi/photo/publish', { kind: 'rateLimit' });
    await app.runJobs();
    clock.advance(61_000);
    await app.runJobs();
    expect(await draftState(no)).toBe('published');
    expect(fakes.map((f, i) => f.postCount - before[i]!)).toEqual([1, 1, 1, 1]);
    expect(wechat.published.at(-1)!.article.content).toContain('<img src="http://mmbiz.qpic.cn/');
    expect(douyin.items.at(-1)!.kind).toBe('video');
    await app.runJobs();
    expect(fakes.map((f, i) => f.postCount - before[i]!)).toEqual([1, 1, 1, 1]);
  });
});
