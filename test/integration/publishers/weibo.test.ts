import type { CredentialProblem } from '../../../src/publishers/http';
import { WeiboPublisher, weiboLength, type WeiboOptions } from '../../../src/publishers/weibo';
import { FakeWeibo } from '../../fakes/weibo';
import { FakeClock, StepStore, expectPublishError, fakeFetchMedia, makeJob, runLikeCore } from './support';

describe('WeiboPublisher against the fake Weibo API', () => {
  let fake: FakeWeibo;
  let clock: FakeClock;

  beforeEach(async () => {
    fake = new FakeWeibo();
    clock = new FakeClock();
    fake.now = () => clock.now();
    await fake.start();
  });
  afterEach(() => fake.stop());

  const job = (store: StepStore, over: Parameters<typeof makeJob>[1] = {}) =>
    makeJob(store, { platform: 'weibo', title: '安全生产会议', body: '我单位召开年度安全生产工作会议。\n\n会议要求压实责任。', ...over });

  function publisher(over: Partial<WeiboOptions> = {}) {
    return new WeiboPublisher({
      accessToken: fake.accessToken,
      baseUrl: fake.baseUrl,
      linkUrl: 'https://www.example.gov.cn/news/1.html',
      fetchMedia: fakeFetchMedia(),
      clock,
      timeoutMs: 5000,
      ...over,
    });
  }

  it('shares the text with the required link and one picture, and records the status', async () => {
    const store = new StepStore();
    const result = await publisher().publish(job(store, { media: [{ kind: 'image', key: 'a.png' }, { kind: 'image', key: 'b.png' }] }));
    const s = fake.statuses[0]!;
    expect(result).toEqual({ status: 'published', externalId: s.idstr, url: `https://weibo.com/5000001/${s.idstr}` });
    expect(s.text.replace(/\r\n/g, '\n')).toBe('【安全生产会议】我单位召开年度安全生产工作会议。\n会议要求压实责任。 https://www.example.gov.cn/news/1.html');
    expect(s.pic).toEqual({ size: 2056, type: 'image/png' });
    expect(store.log).toEqual(['wb_share_at', 'wb_url', 'wb_status_id']);
    expect(fake.postCount).toBe(1);
  });

  it('keeps a link the draft already has and shares without a picture when there is none', async () => {
    await publisher({ linkUrl: undefined }).publish(job(new StepStore(), { title: '', media: [], body: '详见 https://www.example.gov.cn/x' }));
    expect(fake.statuses[0]!.text).toBe('详见 https://www.example.gov.cn/x');
    expect(fake.statuses[0]!.pic).toBeUndefined();
  });

  it('refuses, without calling Weibo, a text over 140 or without any link', async () => {
    const long = await expectPublishError(publisher().publish(job(new StepStore(), { body: '字'.repeat(140) })));
    expect(long).toMatchObject({ retryable: false, platformCode: 'text_too_long' });
    expect(long.message).toMatch(/^微博正文超过 140 字（含链接共 1\d\d 字）/);
    const nolink = await expectPublishError(publisher({ linkUrl: undefined }).publish(job(new StepStore())));
    expect(nolink).toMatchObject({ retryable: false, platformCode: 'link_missing' });
    expect(fake.calls).toEqual({});
  });

  it('counts like Weibo: two ASCII characters make one', () => {
    expect(weiboLength('abcd中')).toBe(3);
    expect(weiboLength('a')).toBe(1);
  });

  it.each([
    ['5xx', { kind: 'http', status: 503 } as const, 'http_503'],
    ['time-out', { kind: 'hang' } as const, 'timeout'],
    ['malformed answer', { kind: 'malformed' } as const, 'malformed'],
    ['frequency limit', { kind: 'rateLimit' } as const, '10023'],
  ])('retries a %s and posts once', async (_label, fault, code) => {
    fake.inject('/2/statuses/share.json', fault);
    const store = new StepStore();
    // An unknown outcome (time-out, unreadable answer) is looked for during the reconcile window before sharing again.
    const { result, errors } = await runLikeCore(publisher(fault.kind === 'hang' ? { timeoutMs: 250 } : {}), store, { platform: 'weibo', title: '', body: '第一段。\n\n第二段。' }, 6, {
      whilePending: () => clock.advance(5 * 60_000),
    });
    expect(result.status).toBe('published');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: code });
    expect(fake.postCount).toBe(1);
  });

  it('an answer lost after Weibo posted (crash between two steps) is found again, not posted twice', async () => {
    fake.inject('/2/statuses/share.json', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(), store, { platform: 'weibo', title: '', body: '第一段。\n\n第二段。' });
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'network' });
    expect(result).toMatchObject({ status: 'published', externalId: fake.statuses[0]!.idstr });
    expect(fake.calls['/2/statuses/share.json']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('"accepted but slow" (20032): the status shows in the timeline later; looked for, never posted twice', async () => {
    fake.listDelayMs = 5 * 60_000;
    fake.inject('/2/statuses/share.json', { kind: 'acceptedSlow' });
    const store = new StepStore();
    const p = publisher();
    // Weibo took it but it is not visible yet: keep looking, do not post again.
    expect(await p.publish(job(store))).toEqual({ status: 'pending', note: expect.stringContaining('微博') });
    clock.advance(60_000);
    expect((await p.publish(job(store))).status).toBe('pending');
    expect(fake.calls['/2/statuses/share.json']).toBe(1);
    clock.advance(5 * 60_000);
    expect(await p.publish(job(store))).toMatchObject({ status: 'published', externalId: fake.statuses[0]!.idstr });
    expect(fake.statuses).toHaveLength(1);
  });

  it('after a time-out it keeps looking for the reconcile window, then posts again once', async () => {
    fake.inject('/2/statuses/share.json', { kind: 'hang' });
    const store = new StepStore();
    const p = publisher({ timeoutMs: 250, reconcileWindowMs: 10 * 60_000 });
    await expect(p.publish(job(store))).rejects.toMatchObject({ retryable: true, platformCode: 'timeout' });
    const { result, pendings } = await runLikeCore(p, store, { platform: 'weibo', title: '安全生产会议', body: '我单位召开年度安全生产工作会议。' }, 6, { whilePending: () => clock.advance(60_000) });
    expect(result.status).toBe('published');
    expect(pendings).toBe(10);
    expect(fake.calls['/2/statuses/share.json']).toBe(2);
    expect(fake.calls['/2/statuses/user_timeline.json']).toBe(11);
    expect(fake.postCount).toBe(1);
  });

  it('repeated content (20019) after an earlier unconfirmed share is looked for again later, not final', async () => {
    fake.listDelayMs = 40 * 60_000;
    fake.repeatCheckSeesHidden = true;
    fake.inject('/2/statuses/share.json', { kind: 'acceptedSlow' });
    const store = new StepStore();
    const p = publisher();
    expect((await p.publish(job(store))).status).toBe('pending');
    clock.advance(31 * 60_000);
    // The window is over and the status is still not shown: sharing again gets 20019.
    expect((await p.publish(job(store))).status).toBe('pending');
    expect(fake.calls['/2/statuses/share.json']).toBe(2);
    clock.advance(10 * 60_000);
    expect(await p.publish(job(store))).toMatchObject({ status: 'published', externalId: fake.statuses[0]!.idstr });
    expect(fake.statuses).toHaveLength(1);
  });

  it('a crash after posting but before the id was recorded resumes to the same status', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'wb_url', persist: false };
    await expect(publisher().publish(job(store))).rejects.toThrow('simulated crash');
    const result = await publisher().publish(job(store));
    expect(result).toMatchObject({ status: 'published', externalId: fake.statuses[0]!.idstr });
    expect(fake.postCount).toBe(1);
  });

  it('a repeated-content refusal for our own earlier post counts as published', async () => {
    const store = new StepStore();
    await publisher().publish(job(store));
    // The step store lost everything (e.g. restored from an older backup): Weibo answers 20019.
    for (const k of Object.keys(store.steps)) delete store.steps[k];
    const result = await publisher().publish(job(store));
    expect(result).toMatchObject({ status: 'published', externalId: fake.statuses[0]!.idstr });
    expect(fake.calls['/2/statuses/share.json']).toBe(2);
    expect(fake.postCount).toBe(1);
  });

  it('a failing timeline lookup is retried before sharing again', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'wb_url', persist: false };
    await expect(publisher().publish(job(store))).rejects.toThrow('simulated crash');
    fake.inject('/2/statuses/user_timeline.json', { kind: 'error', code: 10001, status: 500 });
    await expect(publisher().publish(job(store))).rejects.toMatchObject({ retryable: true });
    expect((await publisher().publish(job(store))).status).toBe('published');
    expect(fake.calls['/2/statuses/share.json']).toBe(1);
  });

  it('review rejection is final with the platform reason in plain words', async () => {
    fake.inject('/2/statuses/share.json', { kind: 'rejected' });
    const err = await expectPublishError(publisher().publish(job(new StepStore())));
    expect(err).toMatchObject({ retryable: false, platformCode: '20021', message: '微博内容包含违规信息，被平台拒绝（error_code=20021）' });
    expect(fake.postCount).toBe(0);
  });

  it('an expired grant is final and announced at once; a known expiry is refused before calling', async () => {
    const problems: CredentialProblem[] = [];
    fake.inject('/2/statuses/share.json', { kind: 'tokenExpired' });
    const err = await expectPublishError(publisher({ onCredentialProblem: (p) => problems.push(p) }).publish(job(new StepStore())));
    expect(err).toMatchObject({ retryable: false, platformCode: '21327' });
    expect(err.message).toContain('微博授权已失效');
    expect(problems).toHaveLength(1);

    const calls = fake.calls['/2/statuses/share.json'];
    const expired = await expectPublishError(
      publisher({ tokenExpiresAt: new Date(clock.ms - 1000), onCredentialProblem: (p) => problems.push(p) }).publish(job(new StepStore())),
    );
    expect(expired).toMatchObject({ retryable: false, platformCode: 'token_expired' });
    expect(fake.calls['/2/statuses/share.json']).toBe(calls);
    expect(problems[1]!.expiresAt?.getTime()).toBe(clock.ms - 1000);
  });

  it('tells when the grant expires (oauth2/get_token_info)', async () => {
    fake.expireIn = 3 * 86400;
    expect((await publisher().tokenExpiresAt())?.getTime()).toBe(clock.ms + 3 * 86400_000);
  });

  it('takes a status down with statuses/destroy', async () => {
    const p = publisher();
    const r = await p.publish(job(new StepStore()));
    if (r.status !== 'published') throw new Error('not published');
    await p.takedown(r.externalId!);
    expect(fake.postCount).toBe(0);
  });
});
