/**
 * The fakes answer in the documented shapes: every field of the samples in test/fixtures/<platform>/
 * (taken from the platforms' docs) is present in the fake's answer, with the same JSON type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DouyinPublisher } from '../../../src/publishers/douyin';
import { KuaishouPublisher } from '../../../src/publishers/kuaishou';
import { memoryTokenStore } from '../../../src/publishers/token-cache';
import { WechatMpPublisher, parsePublishJobFinishEvent } from '../../../src/publishers/wechat-mp';
import { WeiboPublisher } from '../../../src/publishers/weibo';
import { FakeDouyin } from '../../fakes/douyin';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeWeibo } from '../../fakes/weibo';
import { FakeClock, StepStore, fakeFetchMedia, fakeSleep, makeJob } from './support';

const FIXTURES = join(__dirname, '../../fixtures');
const fixture = (platform: string, name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, platform, name), 'utf8'));

/** Throws, naming the path, when `actual` lacks a field of `expected` or has another JSON type. */
function assertShape(actual: unknown, expected: unknown, path = '$'): void {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected)) throw new Error(`${path}: expected ${kind(expected)}, got ${kind(actual)} (${JSON.stringify(actual)})`);
  if (Array.isArray(expected)) {
    if (expected.length && (actual as unknown[]).length) assertShape((actual as unknown[])[0], expected[0], `${path}[0]`);
    if (expected.length && !(actual as unknown[]).length) throw new Error(`${path}: expected a non-empty array`);
  } else if (kind(expected) === 'object') {
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      if (!(k in (actual as Record<string, unknown>))) throw new Error(`${path}.${k}: missing`);
      assertShape((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  }
}

/** A fetch that keeps every JSON answer by path. */
function recordingFetch() {
  const answers = new Map<string, unknown[]>();
  const impl: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    try {
      const path = new URL(String(input)).pathname;
      answers.set(path, [...(answers.get(path) ?? []), JSON.parse(text)]);
    } catch {
      // not JSON: not a contract sample
    }
    return res;
  };
  const find = (path: string, pred: (a: Record<string, unknown>) => boolean = () => true) => {
    const hit = (answers.get(path) ?? []).find((a) => pred(a as Record<string, unknown>));
    if (!hit) throw new Error(`no recorded answer for ${path}`);
    return hit;
  };
  return { impl, find };
}

const clock = new FakeClock();

it('assertShape catches a missing field and a wrong type', () => {
  expect(() => assertShape({ a: { b: 1 } }, { a: { b: 1, c: 'x' } })).toThrow('$.a.c: missing');
  expect(() => assertShape({ a: ['1'] }, { a: [1] })).toThrow('$.a[0]: expected number, got string');
});

describe('fake 公众号', () => {
  const fake = new FakeWechatMp();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('answers like the documented samples', async () => {
    const rec = recordingFetch();
    const p = new WechatMpPublisher({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.baseUrl, fetchMedia: fakeFetchMedia(), clock, sleep: fakeSleep(clock), fetchImpl: rec.impl, pollAttempts: 1 });
    fake.nextPublishStatuses = [0];
    const store = new StepStore();
    await p.publish(makeJob(store));
    fake.nextPublishStatuses = [4];
    await p.publish(makeJob(new StepStore(), { title: '第二篇' })).catch(() => undefined);
    // A lost submit answer makes the publisher read freepublish/batchget.
    fake.inject('/cgi-bin/freepublish/submit', { kind: 'dropAfterCommit' });
    fake.nextPublishStatuses = [0];
    const third = new StepStore();
    await p.publish(makeJob(third, { title: '第三篇' })).catch(() => undefined);
    fake.settlePending(0);
    await p.publish(makeJob(third, { title: '第三篇' }));

    assertShape(rec.find('/cgi-bin/stable_token'), fixture('wechat', 'stable_token.json'));
    assertShape(rec.find('/cgi-bin/media/uploadimg'), fixture('wechat', 'media_uploadimg.json'));
    assertShape(rec.find('/cgi-bin/material/add_material'), fixture('wechat', 'material_add_material.json'));
    assertShape(rec.find('/cgi-bin/draft/add'), fixture('wechat', 'draft_add.json'));
    assertShape(rec.find('/cgi-bin/freepublish/submit'), fixture('wechat', 'freepublish_submit.json'));
    assertShape(rec.find('/cgi-bin/freepublish/get', (a) => a.publish_status === 0), fixture('wechat', 'freepublish_get.success.json'));
    assertShape(rec.find('/cgi-bin/freepublish/get', (a) => a.publish_status === 4), fixture('wechat', 'freepublish_get.rejected.json'));
    assertShape(rec.find('/cgi-bin/freepublish/batchget'), fixture('wechat', 'freepublish_batchget.json'));

    const msgDataId = Number(store.steps.wx_msg_data_id);
    fake.comments.set(msgDataId, [{ user_comment_id: 1, create_time: 1, content: '好', comment_type: 0 }]);
    const token = (rec.find('/cgi-bin/stable_token') as { access_token: string }).access_token;
    const post = (path: string, body: unknown) =>
      fetch(`${fake.baseUrl}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<unknown>);
    assertShape(await post('/cgi-bin/comment/list', { msg_data_id: msgDataId, index: 0, begin: 0, count: 10, type: 0 }), fixture('wechat', 'comment_list.json'));
    assertShape(await post('/cgi-bin/freepublish/get', { publish_id: 'nope' }), fixture('wechat', 'error.json'));
  });

  it('the PUBLISHJOBFINISH sample parses', () => {
    expect(parsePublishJobFinishEvent(readFileSync(join(FIXTURES, 'wechat', 'publishjobfinish.xml'), 'utf8'))).toEqual({
      publishId: '2247503051',
      publishStatus: 0,
      articleId: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWFrrxUfQ8jDhS0NOrXo_w',
      articleUrl: 'ARTICLE_URL',
    });
  });
});

describe('fake 微博', () => {
  const fake = new FakeWeibo();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('answers like the documented samples', async () => {
    const rec = recordingFetch();
    const p = new WeiboPublisher({ accessToken: fake.accessToken, baseUrl: fake.baseUrl, linkUrl: `https://${fake.safeDomain}/`, fetchMedia: fakeFetchMedia(), clock, fetchImpl: rec.impl });
    const store = new StepStore();
    store.crashOn = { name: 'wb_url', persist: false };
    await p.publish(makeJob(store, { platform: 'weibo' })).catch(() => undefined);
    await p.publish(makeJob(store, { platform: 'weibo' }));
    fake.inject('/2/statuses/share.json', { kind: 'tokenExpired' });
    await p.publish(makeJob(new StepStore(), { platform: 'weibo', title: '另一条' })).catch(() => undefined);

    assertShape(rec.find('/2/statuses/share.json', (a) => 'idstr' in a), fixture('weibo', 'statuses_share.json'));
    assertShape(rec.find('/2/statuses/user_timeline.json'), fixture('weibo', 'statuses_user_timeline.json'));
    assertShape(rec.find('/2/statuses/share.json', (a) => 'error_code' in a), fixture('weibo', 'error.json'));
  });
});

describe('fake 抖音', () => {
  const fake = new FakeDouyin();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('answers like the documented samples', async () => {
    const rec = recordingFetch();
    const p = new DouyinPublisher({ accessToken: fake.accessToken, openId: fake.openId, baseUrl: fake.baseUrl, fetchMedia: fakeFetchMedia(), clock, fetchImpl: rec.impl });
    const store = new StepStore();
    store.crashOn = { name: 'dy_item_id', persist: false };
    const job = { platform: 'douyin' as const, media: [{ kind: 'video' as const, key: 'v.mp4' }] };
    await p.publish(makeJob(store, job)).catch(() => undefined);
    await p.publish(makeJob(store, job));
    fake.inject('/video/upload/', { kind: 'error', code: 2100005, description: 'Parameter error' });
    await p.publish(makeJob(new StepStore(), job)).catch(() => undefined);

    assertShape(rec.find('/video/upload/', (a) => (a.data as { error_code: number }).error_code === 0), fixture('douyin', 'video_upload.json'));
    assertShape(rec.find('/api/douyin/v1/video/create_video/'), fixture('douyin', 'create_video.json'));
    assertShape(rec.find('/api/douyin/v1/video/video_list/'), fixture('douyin', 'video_list.json'));
    assertShape(rec.find('/video/upload/', (a) => (a.data as { error_code: number }).error_code !== 0), fixture('douyin', 'error.json'));
  });
});

describe('fake 快手', () => {
  const fake = new FakeKuaishou();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('answers like the documented samples', async () => {
    const rec = recordingFetch();
    const refresh = { appSecret: fake.appSecret, refreshToken: 'ks-refresh-initial', store: memoryTokenStore() };
    const p = new KuaishouPublisher({ appId: fake.appId, accessToken: fake.accessToken, baseUrl: fake.baseUrl, fetchMedia: fakeFetchMedia(), clock, fetchImpl: rec.impl, refresh });
    const store = new StepStore();
    store.crashOn = { name: 'ks_photo_id', persist: false };
    const job = { platform: 'kuaishou' as const, media: [{ kind: 'video' as const, key: 'v.mp4' }, { kind: 'image' as const, key: 'c.png' }] };
    await p.publish(makeJob(store, job)).catch(() => undefined);
    fake.inject('/openapi/photo/list', { kind: 'tokenExpired' });
    await p.publish(makeJob(store, job)).catch(() => undefined);
    await p.publish(makeJob(store, job));

    assertShape(rec.find('/openapi/photo/start_upload'), fixture('kuaishou', 'start_upload.json'));
    assertShape(rec.find('/api/upload/multipart'), fixture('kuaishou', 'upload.json'));
    assertShape(rec.find('/openapi/photo/publish'), fixture('kuaishou', 'publish.json'));
    assertShape(rec.find('/openapi/photo/list', (a) => a.result === 1), fixture('kuaishou', 'photo_list.json'));
    assertShape(rec.find('/oauth2/refresh_token'), fixture('kuaishou', 'refresh_token.json'));
    assertShape(rec.find('/openapi/photo/list', (a) => a.result !== 1), fixture('kuaishou', 'error.json'));
  });
});
