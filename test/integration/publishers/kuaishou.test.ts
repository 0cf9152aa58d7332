import type { CredentialProblem } from '../../../src/publishers/http';
import { KuaishouPublisher, type KuaishouOptions } from '../../../src/publishers/kuaishou';
import { memoryTokenStore } from '../../../src/publishers/token-cache';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { FakeClock, StepStore, expectPublishError, fakeFetchMedia, makeJob, runLikeCore } from './support';

describe('KuaishouPublisher against the fake Kuaishou open platform', () => {
  let fake: FakeKuaishou;
  let clock: FakeClock;

  beforeEach(async () => {
    fake = new FakeKuaishou();
    clock = new FakeClock();
    fake.now = () => clock.now();
    await fake.start();
  });
  afterEach(() => fake.stop());

  const videoJob = { platform: 'kuaishou' as const, title: '安全生产月', body: '一起学习安全知识。', media: [{ kind: 'video' as const, key: 'clip.mp4' }, { kind: 'image' as const, key: 'cover.png' }] };

  function publisher(over: Partial<KuaishouOptions> = {}) {
    return new KuaishouPublisher({ appId: fake.appId, accessToken: fake.accessToken, baseUrl: fake.baseUrl, fetchMedia: fakeFetchMedia(), clock, timeoutMs: 5000, ...over });
  }

  it('starts an upload, uploads the video to the named endpoint, then publishes with caption and cover', async () => {
    const store = new StepStore();
    const result = await publisher().publish(makeJob(store, videoJob));
    const photo = fake.photos[0]!;
    expect(result).toEqual({ status: 'published', externalId: photo.photo_id });
    expect(photo.caption.replace(/\r\n/g, '\n')).toBe('安全生产月\n一起学习安全知识。');
    expect(store.log).toEqual(['ks_upload', 'ks_uploaded', 'ks_publish_at', 'ks_photo_id']);
    expect(fake.calls['/api/upload/multipart']).toBe(1);
  });

  it('sends image-only drafts and drafts without a cover to the manual path, before any call', async () => {
    const images = await expectPublishError(publisher().publish(makeJob(new StepStore(), { platform: 'kuaishou', media: [{ kind: 'image', key: 'a.png' }] })));
    expect(images).toMatchObject({ retryable: false, platformCode: 'video_required', message: '快手开放接口只能发布视频，图文稿件请走人工发布' });
    const none = await expectPublishError(publisher().publish(makeJob(new StepStore(), { platform: 'kuaishou', media: [] })));
    expect(none).toMatchObject({ retryable: false, platformCode: 'media_missing' });
    const nocover = await expectPublishError(publisher().publish(makeJob(new StepStore(), { platform: 'kuaishou', media: [{ kind: 'video', key: 'clip.mp4' }] })));
    expect(nocover).toMatchObject({ retryable: false, platformCode: 'cover_missing' });
    expect(fake.calls).toEqual({});
  });

  it.each([
    ['5xx on start_upload', '/openapi/photo/start_upload', { kind: 'http', status: 502 } as const, 'http_502'],
    ['time-out on the upload', '/api/upload/multipart', { kind: 'hang' } as const, 'timeout'],
    ['malformed publish answer', '/openapi/photo/publish', { kind: 'malformed' } as const, 'malformed'],
    ['frequency limit on publish', '/openapi/photo/publish', { kind: 'rateLimit' } as const, '100200429'],
  ])('retries a %s and posts once', async (_label, path, fault, code) => {
    fake.inject(path, fault);
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(fault.kind === 'hang' ? { timeoutMs: 250 } : {}), store, videoJob, 6, { whilePending: () => clock.advance(10 * 60_000) });
    expect(result.status).toBe('published');
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: code });
    expect(fake.postCount).toBe(1);
  });

  it('resumes after a crash between upload and publish without uploading again', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'ks_publish_at', persist: false };
    await expect(publisher().publish(makeJob(store, videoJob))).rejects.toThrow('simulated crash');
    await publisher().publish(makeJob(store, videoJob));
    expect(fake.calls['/openapi/photo/start_upload']).toBe(1);
    expect(fake.calls['/api/upload/multipart']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('an answer lost after Kuaishou published is found in photo/list, not published twice', async () => {
    fake.inject('/openapi/photo/publish', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(), store, videoJob);
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'network' });
    expect(result).toMatchObject({ status: 'published', externalId: fake.photos[0]!.photo_id });
    expect(fake.calls['/openapi/photo/publish']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a lost publish answer with a work that shows in photo/list only later: looked for, not published twice', async () => {
    fake.listDelayMs = 5 * 60_000;
    fake.inject('/openapi/photo/publish', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const { result, pendings } = await runLikeCore(publisher(), store, videoJob, 6, { whilePending: () => clock.advance(60_000) });
    expect(pendings).toBe(5);
    expect(result).toMatchObject({ status: 'published', externalId: fake.photos[0]!.photo_id });
    expect(fake.calls['/openapi/photo/publish']).toBe(1);
    expect(fake.photos).toHaveLength(1);
  });

  it('a time-out on publish that never reached Kuaishou uploads again (single-use token) and publishes once', async () => {
    fake.inject('/openapi/photo/publish', { kind: 'hang' });
    const store = new StepStore();
    const { result, pendings } = await runLikeCore(publisher({ timeoutMs: 250 }), store, videoJob, 6, { whilePending: () => clock.advance(10 * 60_000) });
    expect(result.status).toBe('published');
    expect(pendings).toBe(3);
    expect(fake.calls['/openapi/photo/start_upload']).toBe(2);
    expect(fake.postCount).toBe(1);
  });

  it('a crash after publish but before the id was recorded ends with one work', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'ks_photo_id', persist: false };
    await expect(publisher().publish(makeJob(store, videoJob))).rejects.toThrow('simulated crash');
    expect((await publisher().publish(makeJob(store, videoJob))).status).toBe('published');
    expect(fake.postCount).toBe(1);
  });

  it('review rejection is final with the platform reason', async () => {
    fake.inject('/openapi/photo/publish', { kind: 'rejected' });
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), videoJob)));
    expect(err).toMatchObject({ retryable: false, platformCode: '100200601', message: '快手作品审核未通过（result=100200601）' });
  });

  it('an expired token is announced and final; with a refresh source it is renewed', async () => {
    const problems: CredentialProblem[] = [];
    fake.inject('/openapi/photo/start_upload', { kind: 'tokenExpired' });
    const err = await expectPublishError(publisher({ onCredentialProblem: (p) => problems.push(p) }).publish(makeJob(new StepStore(), videoJob)));
    expect(err).toMatchObject({ retryable: false, platformCode: '100200103' });
    expect(err.message).toContain('快手授权已失效');
    expect(problems).toHaveLength(1);

    fake.inject('/openapi/photo/start_upload', { kind: 'tokenExpired' });
    const store = memoryTokenStore();
    const refresh = { appSecret: fake.appSecret, refreshToken: 'ks-refresh-initial', store };
    expect((await publisher({ refresh }).publish(makeJob(new StepStore(), videoJob))).status).toBe('published');
    // Kuaishou rotates the refresh token: the new one is kept, and a restarted publisher uses it.
    const rotated = await store.get(`kuaishou::${fake.appId}`);
    expect(rotated).toMatch(/^ks-refresh-/);
    expect(fake.refreshTokens.has(rotated!)).toBe(true);
    fake.inject('/openapi/photo/start_upload', { kind: 'tokenExpired' });
    expect((await publisher({ refresh }).publish(makeJob(new StepStore(), videoJob))).status).toBe('published');
    expect(fake.calls['/oauth2/refresh_token']).toBe(2);
    expect(fake.postCount).toBe(2);
  });
});
