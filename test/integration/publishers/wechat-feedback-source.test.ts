/** The WeChat feedback source against the fake 公众号 API: datacube dates and the shared token. */
import { WechatFeedbackSource } from '../../../src/feedback-sources/wechat';
import type { FeedbackPost } from '../../../src/ports/feedback';
import { FakeWechatMp } from '../../fakes/wechat-mp';
import { FakeClock } from './support';

describe('WechatFeedbackSource figures (datacube)', () => {
  let fake: FakeWechatMp;
  let clock: FakeClock;
  const msgDataId = 2247483001;

  beforeEach(async () => {
    fake = new FakeWechatMp();
    clock = new FakeClock(Date.parse('2026-11-29T02:00:00Z')); // 10:00 in Shanghai
    fake.now = () => Math.floor(clock.ms / 1000);
    await fake.start();
    fake.published.push({
      articleId: 'ARTICLE_1',
      url: `https://mp.weixin.qq.com/s?__biz=x&mid=${msgDataId}&idx=1&sn=a#rd`,
      article: { title: '标题', author: '', digest: '', content: '<p>x</p>', thumb_media_id: 'M' },
      updateTime: fake.now(),
      deleted: false,
      msgDataId,
    });
  });
  afterEach(() => fake.stop());

  const post = (publishedAt: Date): FeedbackPost => ({
    publicationId: 1, platform: 'wechat', account: '', externalId: 'ARTICLE_1', url: null, publishedAt, steps: { wx_msg_data_id: String(msgDataId) },
  });
  const source = (zone?: string) => new WechatFeedbackSource({ appId: fake.appId, appSecret: fake.appSecret, baseUrl: fake.baseUrl, clock, zone });
  const datacubeCalls = () => fake.calls['/datacube/getarticletotaldetail'] ?? 0;

  it('the fake refuses an end_date that is not before today (61501), as WeChat documents', async () => {
    const token = (await (await fetch(`${fake.baseUrl}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: fake.appId, secret: fake.appSecret }) })).json()) as { access_token: string };
    const ask = (day: string) =>
      fetch(`${fake.baseUrl}/datacube/getarticletotaldetail?access_token=${token.access_token}`, { method: 'POST', body: JSON.stringify({ begin_date: day, end_date: day }) }).then((r) => r.json() as Promise<{ errcode?: number }>);
    expect((await ask('2026-11-29')).errcode).toBe(61501);
    expect((await ask('2026-11-28')).errcode).toBeUndefined();
  });

  it('asks for no figures on the publishing day (organisation zone, Asia/Shanghai by default), and for them from the next day', async () => {
    const publishedAt = clock.now();
    const src = source();
    expect(await src.fetchStats(post(publishedAt))).toBeNull();
    expect(datacubeCalls()).toBe(0);

    clock.advance(14 * 3_600_000); // 00:00 the next day in Shanghai (16:00 UTC)
    expect(await src.fetchStats(post(publishedAt))).toMatchObject({ reads: 100, shares: 5 });
    expect(datacubeCalls()).toBe(1);
  });

  it('uses the zone it is given: the publishing day is a local date', async () => {
    // 23:30 on the 28th in UTC is the 29th in Shanghai: still "today" there, "yesterday" in UTC.
    const publishedAt = new Date('2026-11-28T23:30:00Z');
    expect(await source('Asia/Shanghai').fetchStats(post(publishedAt))).toBeNull();
    expect(await source('UTC').fetchStats(post(publishedAt))).toMatchObject({ reads: 100 });
  });

  it('a date-range refusal (61501, e.g. yesterday not ready yet) means no figures yet, not a failure', async () => {
    clock.advance(86_400_000);
    fake.inject('/datacube/getarticletotaldetail', { kind: 'errcode', errcode: 61501, errmsg: 'date range error' });
    expect(await source().fetchStats(post(new Date('2026-11-29T02:00:00Z')))).toBeNull();
  });
});
