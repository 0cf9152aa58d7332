/** Large media: a size cap per platform before and after the download, and upload time-outs that grow with the size. */
import type { MediaRef } from '../../../src/domain/model';
import { DouyinPublisher } from '../../../src/publishers/douyin';
import { DEFAULT_TIMEOUT_MS, IN_MEMORY_VIDEO_MAX_BYTES, UPLOAD_TIMEOUT_MAX_MS, filePart, uploadTimeoutMs, type MediaFile } from '../../../src/publishers/http';
import { KuaishouPublisher } from '../../../src/publishers/kuaishou';
import { FakeDouyin } from '../../fakes/douyin';
import { FakeKuaishou } from '../../fakes/kuaishou';
import { FakeClock, StepStore, expectPublishError, fakeFetchMedia, makeJob } from './support';

const MB = 1024 * 1024;
const videoJob = (platform: 'douyin' | 'kuaishou') => ({ platform, title: '安全生产月', body: '一起学习安全知识。', media: [{ kind: 'video' as const, key: 'clip.mp4' }, { kind: 'image' as const, key: 'cover.png' }] });

/** Media like `fakeFetchMedia`, the video `videoBytes` long; remembers the options each download was given. */
function mediaWithVideo(videoBytes: number) {
  const small = fakeFetchMedia();
  const asked: { key: string; opts?: { maxBytes?: number } }[] = [];
  const fn = async (ref: MediaRef, opts?: { maxBytes?: number }): Promise<MediaFile> => {
    asked.push({ key: ref.key, opts });
    if (ref.kind === 'video') return { bytes: Buffer.alloc(videoBytes, 7), contentType: 'video/mp4', name: 'clip.mp4' };
    return small(ref);
  };
  return Object.assign(fn, { asked });
}

describe('large media', () => {
  const clock = new FakeClock();
  const douyin = new FakeDouyin();
  const kuaishou = new FakeKuaishou();
  beforeAll(async () => {
    await Promise.all([douyin.start(), kuaishou.start()]);
  });
  afterAll(async () => {
    await Promise.all([douyin.stop(), kuaishou.stop()]);
  });

  it('Douyin: the cap goes to the downloader, and a larger video is a plain final refusal before any upload', async () => {
    const media = mediaWithVideo(2 * MB + 1);
    const p = new DouyinPublisher({ accessToken: douyin.accessToken, openId: douyin.openId, baseUrl: douyin.baseUrl, fetchMedia: media, clock, videoBytesMax: 1 * MB });
    const err = await expectPublishError(p.publish(makeJob(new StepStore(), videoJob('douyin'))));
    expect(err).toMatchObject({ retryable: false, platformCode: 'video_too_large', message: '抖音视频超过 1 MB：clip.mp4（2.0 MB），请人工发布' });
    expect(media.asked.find((a) => a.key === 'clip.mp4')?.opts).toEqual({ maxBytes: 1 * MB });
    expect(douyin.calls['/video/upload/']).toBeUndefined();

    // The default cap is the platform's single-request limit (PLATFORM_LIMITS: 128 MB).
    const media2 = mediaWithVideo(1024);
    await new DouyinPublisher({ accessToken: douyin.accessToken, openId: douyin.openId, baseUrl: douyin.baseUrl, fetchMedia: media2, clock }).publish(makeJob(new StepStore(), videoJob('douyin')));
    expect(media2.asked.find((a) => a.key === 'clip.mp4')?.opts).toEqual({ maxBytes: 128 * MB });
  });

  it('Kuaishou: the documented 4 GB is capped to what is held in memory (1 GB); a larger video goes to a person', async () => {
    const media = mediaWithVideo(1024);
    await new KuaishouPublisher({ appId: kuaishou.appId, accessToken: kuaishou.accessToken, baseUrl: kuaishou.baseUrl, fetchMedia: media, clock }).publish(makeJob(new StepStore(), videoJob('kuaishou')));
    expect(media.asked.find((a) => a.key === 'clip.mp4')?.opts).toEqual({ maxBytes: IN_MEMORY_VIDEO_MAX_BYTES });

    const big = mediaWithVideo(3 * MB);
    const p = new KuaishouPublisher({ appId: kuaishou.appId, accessToken: kuaishou.accessToken, baseUrl: kuaishou.baseUrl, fetchMedia: big, clock, videoBytesMax: 2 * MB });
    const err = await expectPublishError(p.publish(makeJob(new StepStore(), videoJob('kuaishou'))));
    expect(err).toMatchObject({ retryable: false, platformCode: 'video_too_large', message: '快手视频超过 2 MB：clip.mp4（3.0 MB），请人工发布' });
  });

  it('an upload is given the base time-out plus one second per MB, not the fixed one', async () => {
    kuaishou.inject('/api/upload/multipart', { kind: 'hang' });
    const media = mediaWithVideo(300 * 1024);
    const p = new KuaishouPublisher({ appId: kuaishou.appId, accessToken: kuaishou.accessToken, baseUrl: kuaishou.baseUrl, fetchMedia: media, clock, timeoutMs: 250 });
    const err = await expectPublishError(p.publish(makeJob(new StepStore(), videoJob('kuaishou'))));
    expect(err).toMatchObject({ retryable: true, platformCode: 'timeout', message: `快手接口超时（${250 + Math.round((300 / 1024) * 1000)} 毫秒无应答）` });
  });

  it('upload time-outs grow with the size, up to a cap', () => {
    expect(uploadTimeoutMs(0)).toBe(DEFAULT_TIMEOUT_MS);
    expect(uploadTimeoutMs(100 * MB)).toBe(DEFAULT_TIMEOUT_MS + 100_000);
    expect(uploadTimeoutMs(10 * 1024 * MB)).toBe(UPLOAD_TIMEOUT_MAX_MS);
  });

  it('a multipart part carries exactly the file bytes, also for a Buffer that is a slice of a larger one', async () => {
    const pool = Buffer.from('xxxxHELLOyyyy');
    const slice = pool.subarray(4, 9);
    const part = filePart({ bytes: slice, contentType: 'text/plain', name: 'a.txt' });
    expect(part.size).toBe(5);
    expect(part.type).toBe('text/plain');
    expect(Buffer.from(await part.arrayBuffer()).toString()).toBe('HELLO');
  });
});
