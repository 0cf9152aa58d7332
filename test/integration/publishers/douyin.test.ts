import { DouyinPublisher, type DouyinOptions } from '../../../src/publishers/douyin';
import type { CredentialProblem } from '../../../src/publishers/http';
import { FakeDouyin } from '../../fakes/douyin';
import { FakeClock, StepStore, expectPublishError, fakeFetchMedia, makeJob, runLikeCore } from './support';

describe('DouyinPublisher against the fake Douyin open platform', () => {
  let fake: FakeDouyin;
  let clock: FakeClock;

  beforeEach(async () => {
    fake = new FakeDouyin();
    clock = new FakeClock();
    fake.now = () => clock.now();
    await fake.start();
  });
  afterEach(() => fake.stop());

  const videoJob = { platform: 'douyin' as const, title: '安全生产月', body: '一起学习安全知识。', media: [{ kind: 'video' as const, key: 'clip.mp4' }, { kind: 'image' as const, key: 'cover.png' }] };
  const imageJob = { platform: 'douyin' as const, title: '活动掠影', body: '图集', media: [{ kind: 'image' as const, key: 'a.png' }, { kind: 'image' as const, key: 'b.png' }] };

  function publisher(over: Partial<DouyinOptions> = {}) {
    return new DouyinPublisher({ accessToken: fake.accessToken, openId: fake.openId, baseUrl: fake.baseUrl, fetchMedia: fakeFetchMedia(), clock, timeoutMs: 5000, ...over });
  }

  it('uploads the video, then creates the post with title and text', async () => {
    const store = new StepStore();
    const result = await publisher().publish(makeJob(store, videoJob));
    const item = fake.items[0]!;
    expect(result).toEqual({ status: 'published', externalId: item.item_id, url: undefined });
    expect(item).toMatchObject({ kind: 'video', title: '安全生产月\n一起学习安全知识。' });
    expect(store.log).toEqual(['dy_video_id', 'dy_create_at', 'dy_item_id']);
    expect(fake.calls['/image/upload/']).toBeUndefined();
  });

  it('publishes an image post from a draft with images only', async () => {
    const store = new StepStore();
    await publisher().publish(makeJob(store, imageJob));
    expect(fake.items[0]).toMatchObject({ kind: 'image_text', media: [store.steps['dy_img:a.png'], store.steps['dy_img:b.png']] });
    expect(fake.postCount).toBe(1);
  });

  it('refuses a draft without media, before any call', async () => {
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), { platform: 'douyin', media: [] })));
    expect(err).toMatchObject({ retryable: false, platformCode: 'media_missing' });
    expect(fake.calls).toEqual({});
  });

  it.each([
    ['5xx on upload', '/video/upload/', { kind: 'http', status: 500 } as const, 'http_500'],
    ['malformed upload answer', '/video/upload/', { kind: 'malformed' } as const, 'malformed'],
    ['frequency limit on create', '/api/douyin/v1/video/create_video/', { kind: 'rateLimit' } as const, '2190016'],
    ['system busy on create', '/api/douyin/v1/video/create_video/', { kind: 'error', code: 2100004 } as const, '2100004'],
  ])('retries a %s and posts once', async (_label, path, fault, code) => {
    fake.inject(path, fault);
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(), store, videoJob);
    expect(result.status).toBe('published');
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: code });
    expect(fake.postCount).toBe(1);
    // Only a lost answer makes the publisher look up and upload again; a definite refusal does not.
    expect(fake.calls['/video/upload/']).toBe(path === '/video/upload/' ? 2 : 1);
  });

  it('a time-out on create that never reached Douyin: looked up for the window, not found, uploaded again and created once', async () => {
    fake.inject('/api/douyin/v1/video/create_video/', { kind: 'hang' });
    const store = new StepStore();
    const { result, errors, pendings } = await runLikeCore(publisher({ timeoutMs: 250 }), store, videoJob, 6, { whilePending: () => clock.advance(10 * 60_000) });
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'timeout' });
    expect(result.status).toBe('published');
    // Looked for during the 30-minute reconcile window, then uploaded again and created once.
    expect(pendings).toBe(3);
    expect(fake.calls['/video/upload/']).toBe(2);
    expect(fake.calls['/api/douyin/v1/video/video_list/']).toBe(4);
    expect(fake.postCount).toBe(1);
  });

  it('an answer lost after Douyin created the post is found in the video list', async () => {
    fake.inject('/api/douyin/v1/video/create_video/', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const { result } = await runLikeCore(publisher(), store, videoJob);
    expect(result).toMatchObject({ status: 'published', externalId: fake.items[0]!.item_id, url: fake.items[0]!.share_url });
    expect(fake.calls['/api/douyin/v1/video/create_video/']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a lost create answer with a post that shows in the list only later: looked for, not created twice', async () => {
    fake.listDelayMs = 5 * 60_000;
    fake.inject('/api/douyin/v1/video/create_video/', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const { result, errors, pendings } = await runLikeCore(publisher(), store, videoJob, 6, { whilePending: () => clock.advance(60_000) });
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'network' });
    expect(pendings).toBe(5);
    expect(result).toMatchObject({ status: 'published', externalId: fake.items[0]!.item_id });
    expect(fake.calls['/api/douyin/v1/video/create_video/']).toBe(1);
    expect(fake.items).toHaveLength(1);
  });

  it('resumes after a crash between upload and create without uploading again', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'dy_create_at', persist: false };
    await expect(publisher().publish(makeJob(store, videoJob))).rejects.toThrow('simulated crash');
    await publisher().publish(makeJob(store, videoJob));
    expect(fake.calls['/video/upload/']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a crash after create but before the item id was recorded ends with one post', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'dy_item_id', persist: false };
    await expect(publisher().publish(makeJob(store, imageJob))).rejects.toThrow('simulated crash');
    const result = await publisher().publish(makeJob(store, imageJob));
    expect(result).toMatchObject({ status: 'published', externalId: fake.items[0]!.item_id });
    expect(fake.postCount).toBe(1);
  });

  it('review rejection is final with the reason', async () => {
    fake.inject('/api/douyin/v1/video/create_video/', { kind: 'rejected' });
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), videoJob)));
    expect(err).toMatchObject({ retryable: false, platformCode: '2110001', message: '视频审核未通过（error_code=2110001）' });
  });

  it('an expired token is announced and final; with a refresh source it is renewed and the post goes out', async () => {
    const problems: CredentialProblem[] = [];
    fake.inject('/video/upload/', { kind: 'tokenExpired' });
    const err = await expectPublishError(publisher({ onCredentialProblem: (p) => problems.push(p) }).publish(makeJob(new StepStore(), videoJob)));
    expect(err).toMatchObject({ retryable: false, platformCode: '2190008' });
    expect(problems[0]).toMatchObject({ platform: 'douyin', platformCode: '2190008' });

    fake.inject('/video/upload/', { kind: 'tokenExpired' });
    const p = publisher({ refresh: { clientKey: fake.clientKey, refreshToken: 'rft.fake-douyin' } });
    expect((await p.publish(makeJob(new StepStore(), videoJob))).status).toBe('published');
    expect(fake.calls['/oauth/refresh_token/']).toBe(1);
    expect(p.grantExpiresAt()?.getTime()).toBe(clock.ms + 2592000_000);
  });

  it('a refused refresh token is final and announced for re-authorisation', async () => {
    const problems: CredentialProblem[] = [];
    fake.inject('/video/upload/', { kind: 'tokenExpired' });
    const p = publisher({ refresh: { clientKey: fake.clientKey, refreshToken: 'rft.revoked' }, onCredentialProblem: (x) => problems.push(x) });
    const err = await expectPublishError(p.publish(makeJob(new StepStore(), videoJob)));
    expect(err).toMatchObject({ retryable: false, platformCode: '10010' });
    expect(err.message).toBe('抖音授权已失效（刷新令牌失效，error_code=10010），需要账号管理员重新授权后再发布');
    expect(problems).toHaveLength(1);
  });

  it('refuses a caption over the limit', async () => {
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), { ...videoJob, body: '字'.repeat(1000) })));
    expect(err).toMatchObject({ retryable: false, platformCode: 'text_too_long' });
  });
});
