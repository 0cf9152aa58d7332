import { PublishError } from '../../../src/ports/publisher';
import { Pacer } from '../../../src/publishers/http';
import { WechatMpPublisher, parsePublishJobFinishEvent, type WechatMpOptions } from '../../../src/publishers/wechat-mp';
import type { CredentialProblem } from '../../../src/publishers/http';
import { WechatFeedbackSource } from '../../../src/feedback-sources/wechat';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeClock, StepStore, expectPublishError, fakeFetchMedia, fakeSleep, makeJob, runLikeCore } from './support';

describe('WechatMpPublisher against the fake 公众号 API', () => {
  let fake: FakeWechatMp;
  let clock: FakeClock;

  beforeEach(async () => {
    fake = new FakeWechatMp();
    clock = new FakeClock();
    fake.now = () => Math.floor(clock.ms / 1000);
    await fake.start();
  });
  afterEach(() => fake.stop());

  function publisher(over: Partial<WechatMpOptions> = {}) {
    return new WechatMpPublisher({
      appId: fake.appId,
      appSecret: fake.appSecret,
      baseUrl: fake.baseUrl,
      fetchMedia: fakeFetchMedia(),
      clock,
      sleep: fakeSleep(clock),
      timeoutMs: 5000,
      pollAttempts: 3,
      pollIntervalMs: 2000,
      ...over,
    });
  }

  const withImages = { media: [{ kind: 'image' as const, key: 'img_cover.png' }, { kind: 'image' as const, key: 'img_body.png' }] };

  it('uploads images and cover, adds the draft, submits, follows the publish and records the article URL', async () => {
    fake.nextPublishStatuses = [1, 1, 0];
    const sleep = fakeSleep(clock);
    const store = new StepStore();
    const result = await publisher({ sleep }).publish(makeJob(store, { ...withImages, body: '第一段<script>alert(1)</script>\n\n第二段 & 结束' }));

    expect(result).toEqual({ status: 'published', url: expect.stringMatching(/^https:\/\/mp\.weixin\.qq\.com\/s\?__biz=/), externalId: expect.any(String) });
    expect(store.log).toEqual([
      'wx_img:img_cover.png',
      'wx_img:img_body.png',
      'wx_thumb_media_id',
      'wx_draft_media_id',
      'wx_submit_at',
      'wx_publish_id',
      'wx_msg_data_id',
      'wx_article_url',
      'wx_article_id',
    ]);
    expect(fake.calls['/cgi-bin/media/uploadimg']).toBe(2);
    expect(fake.calls['/cgi-bin/material/add_material']).toBe(1);
    expect(fake.calls['/cgi-bin/freepublish/get']).toBe(3);
    expect(sleep.calls).toEqual([2000, 2000]);
    expect(fake.postCount).toBe(1);
    const article = fake.published[0]!.article;
    expect(article.content).toBe(
      `<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;</p><p>第二段 &amp; 结束</p><p><img src="${[...fake.bodyImages.keys()][0]}"/></p><p><img src="${[...fake.bodyImages.keys()][1]}"/></p>`,
    );
    expect(article.thumb_media_id).toBe(store.steps.wx_thumb_media_id);
    expect(article.digest).toBe('第一段<script>alert(1)</script> 第二段 & 结束');
  });

  it('answers pending while publishing and finishes through poll()', async () => {
    fake.nextPublishStatuses = [1, 1, 1, 0];
    const store = new StepStore();
    const p = publisher({ pollAttempts: 2 });
    expect(await p.publish(makeJob(store))).toEqual({ status: 'pending', note: expect.stringContaining('publish_id=') });
    expect(await p.poll(makeJob(store))).toEqual({ status: 'pending', note: expect.any(String) });
    const done = await p.poll(makeJob(store));
    expect(done.status).toBe('published');
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a pending job published again (as the core does) looks once, without sleeping', async () => {
    fake.nextPublishStatuses = [1, 1, 1, 0];
    const sleep = fakeSleep(clock);
    const store = new StepStore();
    const p = publisher({ sleep });
    expect((await p.publish(makeJob(store))).status).toBe('pending');
    expect(sleep.calls).toHaveLength(2);
    expect(fake.calls['/cgi-bin/freepublish/get']).toBe(3);
    expect((await p.publish(makeJob(store))).status).toBe('published');
    expect(fake.calls['/cgi-bin/freepublish/get']).toBe(4);
    expect(sleep.calls).toHaveLength(2);
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
  });

  it('places Feishu rich-text images inline and keeps outside links as plain text', async () => {
    const body = JSON.stringify({
      zh_cn: {
        title: '标题',
        content: [
          [{ tag: 'text', text: '详见' }, { tag: 'a', text: '通知', href: 'https://example.gov.cn/a?x=1&y="2"' }, { tag: 'text', text: '，及', style: ['bold'] }, { tag: 'a', text: '原文', href: 'https://mp.weixin.qq.com/s/abc' }],
          [{ tag: 'img', image_key: 'img_v3_inline' }],
          [{ tag: 'a', text: '坏链接', href: 'javascript:alert(1)' }],
        ],
      },
    });
    const store = new StepStore();
    await publisher().publish(makeJob(store, { body }));
    const imgUrl = store.steps['wx_img:img_v3_inline'];
    expect(fake.published[0]!.article.content).toBe(
      '<p>详见通知（https://example.gov.cn/a?x=1&amp;y=%222%22）<strong>，及</strong><a href="https://mp.weixin.qq.com/s/abc">原文</a></p>' +
        `<p><img src="${imgUrl}"/></p><p>坏链接</p><p><img src="${store.steps['wx_img:img_cover.png']}"/></p>`,
    );
  });

  it('retries a 5xx from where it stopped: images are not uploaded twice', async () => {
    fake.inject('/cgi-bin/draft/add', { kind: 'http', status: 502 });
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(), store, withImages);
    expect(result.status).toBe('published');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'http_502' });
    expect(fake.calls['/cgi-bin/media/uploadimg']).toBe(2);
    expect(fake.calls['/cgi-bin/draft/add']).toBe(2);
    expect(fake.postCount).toBe(1);
  });

  it('treats a malformed answer as retryable', async () => {
    fake.inject('/cgi-bin/freepublish/get', { kind: 'malformed' });
    const store = new StepStore();
    const { result, errors } = await runLikeCore(publisher(), store);
    expect(result.status).toBe('published');
    expect(errors[0]).toMatchObject({ retryable: true, platformCode: 'malformed' });
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
  });

  it('renews an expired token without forcing (stable_token answers the current one) and carries on in the same attempt', async () => {
    fake.inject('/cgi-bin/draft/add', { kind: 'tokenExpired' });
    const store = new StepStore();
    const result = await publisher().publish(makeJob(store));
    expect(result.status).toBe('published');
    expect(fake.tokenRequests).toEqual([{ force: false }, { force: false }]);
  });

  it('forces a refresh only when stable_token keeps answering the rejected token', async () => {
    fake.inject('/cgi-bin/draft/add', { kind: 'errcode', errcode: 40001, errmsg: 'invalid credential' });
    const result = await publisher().publish(makeJob(new StepStore()));
    expect(result.status).toBe('published');
    expect(fake.tokenRequests).toEqual([{ force: false }, { force: false }, { force: true }]);
  });

  it('a token invalidated by another holder\'s force refresh is re-read, not forced again (no ping-pong), and the feedback source shares the cache', async () => {
    const p = publisher();
    await p.publish(makeJob(new StepStore()));
    // Another replica forces a refresh: the token we hold is no longer valid.
    await fetch(`${fake.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: fake.appId, secret: fake.appSecret, force_refresh: true }),
    });
    expect((await p.publish(makeJob(new StepStore(), { title: '第二篇' }))).status).toBe('published');
    const source = new WechatFeedbackSource({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.baseUrl, clock });
    const msgDataId = fake.published[1]!.msgDataId;
    fake.comments.set(msgDataId, [{ user_comment_id: 1, create_time: Math.floor(clock.ms / 1000), content: '好', comment_type: 0 }]);
    const page = await source.fetchComments({ publicationId: 2, platform: 'wechat', account: '', externalId: null, url: null, publishedAt: clock.now(), steps: { wx_msg_data_id: String(msgDataId) } }, null);
    expect(page.items).toHaveLength(1);
    // Only the other replica forced; the publisher re-read the current token, the source used the shared one.
    expect(fake.tokenRequests).toEqual([{ force: false }, { force: true }, { force: false }]);
  });

  it('fetches a token once and renews it ahead of expiry', async () => {
    const p = publisher();
    await p.publish(makeJob(new StepStore()));
    clock.advance(7200_000 - 4 * 60_000); // within the 5-minute margin
    await p.publish(makeJob(new StepStore(), { title: '第二篇' }));
    expect(fake.tokenRequests).toHaveLength(2);
    expect(p.tokenExpiresAt()?.getTime()).toBe(clock.ms + 7200_000);
  });

  it('reports the frequency limit as retryable with the platform code', async () => {
    fake.inject('/cgi-bin/freepublish/submit', { kind: 'rateLimit' });
    const store = new StepStore();
    const err = await expectPublishError(publisher().publish(makeJob(store)));
    expect(err).toMatchObject({ retryable: true, platformCode: '45011' });
    expect(err.message).toContain('太频繁');
    // A definite refusal: nothing was submitted, so the retry submits at once (no waiting to confirm).
    expect((await publisher().publish(makeJob(store))).status).toBe('published');
    expect(fake.calls['/cgi-bin/freepublish/batchget']).toBeUndefined();
    expect(fake.postCount).toBe(1);
  });

  it('a time-out on submit is not resubmitted blindly: it waits, then resubmits once when nothing was published', async () => {
    fake.inject('/cgi-bin/freepublish/submit', { kind: 'hang' });
    const store = new StepStore();
    const p = publisher({ timeoutMs: 250 });
    const first = await expectPublishError(p.publish(makeJob(store)));
    expect(first).toMatchObject({ retryable: true, platformCode: 'timeout' });
    // Not an error: the core looks again after its poll interval without using up an attempt.
    expect(await p.publish(makeJob(store))).toEqual({ status: 'pending', note: expect.stringContaining('公众号发布结果待确认') });
    clock.advance(31 * 60_000);
    const result = await p.publish(makeJob(store));
    expect(result.status).toBe('published');
    expect(fake.postCount).toBe(1);
  });

  it('review rejection is final, in plain words, and a later retry submits the draft again', async () => {
    fake.nextPublishStatuses = [1, 4];
    const store = new StepStore();
    const p = publisher();
    const err = await expectPublishError(p.publish(makeJob(store)));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('公众号平台审核不通过（publish_status=4，失败文章序号 1）');
    expect(err.platformCode).toBe('publish_status_4');
    expect(fake.postCount).toBe(0);

    fake.nextPublishStatuses = [0];
    const again = await p.publish(makeJob(store));
    expect(again.status).toBe('published');
    expect(fake.calls['/cgi-bin/draft/add']).toBe(1);
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(2);
    expect(fake.postCount).toBe(1);
  });

  it.each([
    [2, '公众号原创校验未通过（publish_status=2，失败文章序号 1）'],
    [6, '文章发布成功后被系统封禁（publish_status=6）'],
  ])('publish_status %i is a final failure', async (status, message) => {
    fake.nextPublishStatuses = [status];
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore())));
    expect(err).toMatchObject({ retryable: false, message });
  });

  it('resumes after a crash between two recorded steps without a second draft', async () => {
    const store = new StepStore();
    store.crashOn = { name: 'wx_draft_media_id', persist: true };
    await expect(publisher().publish(makeJob(store, withImages))).rejects.toThrow('simulated crash');
    // restart: a new publisher instance, same durable steps
    const result = await publisher().publish(makeJob(store, withImages));
    expect(result.status).toBe('published');
    expect(fake.calls['/cgi-bin/draft/add']).toBe(1);
    expect(fake.calls['/cgi-bin/media/uploadimg']).toBe(2);
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a crash after WeChat accepted the submit but before publish_id was recorded ends with one article', async () => {
    fake.nextPublishStatuses = [1, 0];
    const store = new StepStore();
    store.crashOn = { name: 'wx_publish_id', persist: false };
    await expect(publisher().publish(makeJob(store))).rejects.toThrow('simulated crash');
    expect(store.steps.wx_submit_at).toBeDefined();
    // WeChat finishes the job while we are down.
    fake.settlePending(0);
    const result = await publisher().publish(makeJob(store));
    expect(result).toMatchObject({ status: 'published', externalId: fake.published[0]!.articleId, url: fake.published[0]!.url });
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a dropped connection after submit (answer lost) ends with one article', async () => {
    fake.inject('/cgi-bin/freepublish/submit', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const p = publisher();
    const err = await expectPublishError(p.publish(makeJob(store)));
    expect(err).toMatchObject({ retryable: true, platformCode: 'network' });
    // Still publishing on the platform: we are told to wait, not to submit again.
    expect((await p.publish(makeJob(store))).status).toBe('pending');
    fake.settlePending(0);
    expect((await p.publish(makeJob(store))).status).toBe('published');
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a lost submit answer stays pending through the reconcile window without using up the attempts', async () => {
    fake.inject('/cgi-bin/freepublish/submit', { kind: 'dropAfterCommit' });
    const store = new StepStore();
    const p = publisher();
    // What src/usecases/publish.ts does: an error uses an attempt (5 at most), `pending` is looked at again after pollMs.
    let attempts = 0;
    let result: Awaited<ReturnType<typeof p.publish>> | undefined;
    for (let round = 0; round < 60 && result?.status !== 'published'; round++) {
      if (round === 20) fake.settlePending(0); // WeChat finishes the job 20 minutes later
      try {
        attempts += 1;
        result = await p.publish(makeJob(store));
        if (result.status === 'pending') attempts -= 1;
      } catch (e) {
        if (!(e instanceof PublishError) || !e.retryable || attempts >= 5) throw e;
      }
      clock.advance(60_000);
    }
    expect(result).toMatchObject({ status: 'published', externalId: fake.published[0]!.articleId });
    expect(attempts).toBe(2);
    expect(fake.calls['/cgi-bin/freepublish/submit']).toBe(1);
    expect(fake.postCount).toBe(1);
  });

  it('a post recovered through the reconcile path records its msg_data_id (from the article URL) for the feedback', async () => {
    fake.nextPublishStatuses = [1, 0];
    const store = new StepStore();
    store.crashOn = { name: 'wx_publish_id', persist: false };
    await expect(publisher().publish(makeJob(store))).rejects.toThrow('simulated crash');
    fake.settlePending(0);
    expect((await publisher().publish(makeJob(store))).status).toBe('published');
    expect(store.steps.wx_msg_data_id).toBe(String(fake.published[0]!.msgDataId));
  });

  it('a job already published is not touched again', async () => {
    const store = new StepStore();
    await publisher().publish(makeJob(store));
    const before = { ...fake.calls };
    const again = await publisher().publish(makeJob(store));
    expect(again.status).toBe('published');
    expect(fake.calls).toEqual(before);
  });

  it('refuses, before any upload, a title over the limit', async () => {
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), { title: '这'.repeat(33) })));
    expect(err).toMatchObject({ retryable: false, platformCode: 'title_too_long', message: '公众号标题超过 32 字（现 33 字）' });
    expect(fake.calls['/cgi-bin/media/uploadimg']).toBeUndefined();
  });

  it('refuses body images WeChat does not take (GIF, 1 MB and over) with the file name', async () => {
    const gif = await expectPublishError(publisher().publish(makeJob(new StepStore(), { media: [{ kind: 'image', key: 'anim.gif' }] })));
    expect(gif).toMatchObject({ retryable: false, platformCode: 'image_type' });
    expect(gif.message).toContain('anim.gif');
    const big = await expectPublishError(publisher().publish(makeJob(new StepStore(), { media: [{ kind: 'image', key: 'big_photo' }] })));
    expect(big).toMatchObject({ retryable: false, platformCode: 'image_too_large' });
  });

  it('needs a cover: the draft image, else the configured default, else a plain refusal', async () => {
    const err = await expectPublishError(publisher().publish(makeJob(new StepStore(), { media: [] })));
    expect(err).toMatchObject({ retryable: false, platformCode: 'cover_missing' });

    const material = await fetch(`${fake.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: fake.appId, secret: fake.appSecret }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(10)], { type: 'image/png' }), 'default.png');
    const added = await fetch(`${fake.baseUrl}/cgi-bin/material/add_material?type=image&access_token=${material.access_token}`, { method: 'POST', body: form }).then(
      (r) => r.json() as Promise<{ media_id: string }>,
    );
    const result = await publisher({ defaultThumbMediaId: added.media_id }).publish(makeJob(new StepStore(), { media: [] }));
    expect(result.status).toBe('published');
    expect(fake.published[0]!.article.thumb_media_id).toBe(added.media_id);
  });

  it('wrong credentials are final and announced', async () => {
    const problems: CredentialProblem[] = [];
    const err = await expectPublishError(publisher({ appSecret: 'revoked', onCredentialProblem: (p) => problems.push(p) }).publish(makeJob(new StepStore())));
    expect(err).toMatchObject({ retryable: false, platformCode: '40125', message: 'AppSecret 无效（errcode=40125）' });
    expect(problems).toEqual([{ platform: 'wechat', account: undefined, reason: 'AppSecret 无效（errcode=40125）', platformCode: '40125' }]);
  });

  it('takes a published article down with freepublish/delete', async () => {
    const p = publisher();
    const result = await p.publish(makeJob(new StepStore()));
    if (result.status !== 'published') throw new Error('not published');
    await p.takedown(result.externalId!);
    expect(fake.postCount).toBe(0);
    await expect(p.takedown(result.externalId!)).rejects.toBeInstanceOf(PublishError);
  });

  it('paces calls so bursts stay under the frequency limit', async () => {
    const sleep = fakeSleep(clock);
    const pacer = new Pacer(500, clock, sleep);
    await publisher({ pacer, sleep }).publish(makeJob(new StepStore(), withImages));
    // Every call after the first waited for its slot; the fake clock only moves through sleeps.
    const calls = Object.values(fake.calls).reduce((a, b) => a + b, 0);
    expect(sleep.calls.filter((ms) => ms === 500)).toHaveLength(calls - 1);
  });
});

describe('parsePublishJobFinishEvent', () => {
  it('reads the XML push', () => {
    const xml = `<xml><ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName><CreateTime>1635734093</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status>
<article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy]]></article_id><article_detail><count>1</count><item><idx>1</idx>
<article_url><![CDATA[ARTICLE_URL]]></article_url></item></article_detail></PublishEventInfo></xml>`;
    expect(parsePublishJobFinishEvent(xml)).toEqual({
      publishId: '2247503051',
      publishStatus: 0,
      articleId: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy',
      articleUrl: 'ARTICLE_URL',
    });
  });

  it('ignores other events', () => {
    expect(parsePublishJobFinishEvent('<xml><Event><![CDATA[subscribe]]></Event></xml>')).toBeUndefined();
  });
});
