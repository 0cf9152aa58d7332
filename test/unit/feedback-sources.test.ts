import { FeedbackSourceError, type FeedbackPost } from '../../src/ports/feedback';
import { KuaishouFeedbackSource } from '../../src/feedback-sources/kuaishou';
import { WechatFeedbackSource } from '../../src/feedback-sources/wechat';
import { WeiboFeedbackSource, parseWeiboTime } from '../../src/feedback-sources/weibo';

const post = (over: Partial<FeedbackPost> = {}): FeedbackPost => ({
  publicationId: 1, platform: 'weibo', account: '', externalId: '4900000000000001', url: null, publishedAt: new Date('2026-11-30T02:00:00Z'), steps: {}, ...over,
});

/** A Weibo comments/show that behaves like the real one: newest first, since_id exclusive, max_id inclusive. */
function realWeibo(ids: bigint[]) {
  const calls: Record<string, string>[] = [];
  const fetchImpl = (async (input: URL | string) => {
    const url = new URL(String(input));
    const q = Object.fromEntries(url.searchParams);
    calls.push(q);
    const since = BigInt(q.since_id ?? '0');
    const max = q.max_id ? BigInt(q.max_id) : null;
    const list = ids
      .filter((id) => id > since && (max === null || id <= max))
      .sort((a, b) => (a > b ? -1 : 1))
      .slice(0, Number(q.count))
      .map((id) => ({ id: Number(id), idstr: String(id), text: `c${id}`, created_at: 'Sun Nov 29 10:00:00 +0800 2026', user: { screen_name: 'u' } }));
    return new Response(JSON.stringify({ comments: list, total_number: ids.length }), { status: 200 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe('Weibo feedback source', () => {
  it('pages backwards through a burst of new comments (newest first) and then moves `since` to the newest, missing none', async () => {
    const base = 4_900_000_000_000_000n;
    const ids = Array.from({ length: 7 }, (_, i) => base + BigInt(i + 1));
    const w = realWeibo(ids);
    const src = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', pageSize: 3, fetchImpl: w.fetchImpl });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await src.fetchComments(post(), cursor);
      seen.push(...page.items.map((x) => x.externalId));
      cursor = page.nextCursor;
      if (page.done) break;
    }
    expect(seen.sort()).toEqual(ids.map(String).sort());
    expect(JSON.parse(cursor!)).toEqual({ since: String(base + 7n) });
    expect(w.calls.map((c) => [c.since_id, c.max_id])).toEqual([['0', undefined], ['0', String(base + 4n)], ['0', String(base + 1n)]]);

    // Two more arrive: one request from `since`, nothing seen twice.
    ids.push(base + 8n, base + 9n);
    const next = await src.fetchComments(post(), cursor);
    expect(next.items.map((x) => x.externalId)).toEqual([String(base + 9n), String(base + 8n)]);
    expect(next.done).toBe(true);
  });

  it('reads Weibo times with their offset', () => {
    expect(parseWeiboTime('Sun Nov 29 10:00:00 +0800 2026')?.toISOString()).toBe('2026-11-29T02:00:00.000Z');
    expect(parseWeiboTime('garbage')).toBeUndefined();
  });

  it('dates a comment whose created_at cannot be read at the collection time (the clock), never 1970', async () => {
    const body = { comments: [{ idstr: '4900000000000002', text: 'bad date', created_at: 'yesterday-ish' }, { idstr: '4900000000000001', text: 'no date' }] };
    const fetchImpl = (async () => new Response(JSON.stringify(body), { status: 200 })) as unknown as typeof fetch;
    const collectedAt = new Date('2026-12-01T08:30:00Z');
    const src = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl, clock: { now: () => collectedAt } });
    const page = await src.fetchComments(post(), null);
    expect(page.items.map((x) => [x.externalId, x.createdAt.toISOString()])).toEqual([
      ['4900000000000002', collectedAt.toISOString()],
      ['4900000000000001', collectedAt.toISOString()],
    ]);
  });

  it('classifies platform errors: an expired grant is final, a rate limit is retried', async () => {
    const answer = (body: unknown, status: number) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
    const expired = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: answer({ error_code: 21327, error: 'expired_token' }, 401) });
    await expect(expired.fetchComments(post(), null)).rejects.toMatchObject({ retryable: false, platformCode: '21327' });
    const limited = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: answer({ error_code: 10023, error: 'limit' }, 403) });
    await expect(limited.fetchComments(post(), null)).rejects.toMatchObject({ retryable: true });
    const down = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: (async () => new Response('<html>', { status: 502 })) as unknown as typeof fetch });
    await expect(down.fetchComments(post(), null)).rejects.toBeInstanceOf(FeedbackSourceError);
  });
});

describe('Weibo figures (statuses/count)', () => {
  const answering = (body: string, status = 200) => {
    const calls: Record<string, string>[] = [];
    const fetchImpl = (async (input: URL | string) => {
      calls.push(Object.fromEntries(new URL(String(input)).searchParams));
      return new Response(body, { status });
    }) as unknown as typeof fetch;
    return { calls, fetchImpl };
  };

  it('asks for the post by id and maps reposts, attitudes and comments; an id beyond 2^53 is matched through idstr', async () => {
    const big = '5123456789012345678';
    const a = answering(`[{"id":${big},"idstr":"${big}","comments":"7","reposts":3,"attitudes":21},{"id":1,"idstr":"1","comments":99,"reposts":99,"attitudes":99}]`);
    const src = new WeiboFeedbackSource({ accessToken: 'tok', baseUrl: 'http://weibo.test', fetchImpl: a.fetchImpl });
    expect(await src.fetchStats(post({ externalId: big }))).toEqual({ shares: 3, likes: 21, comments: 7 });
    expect(a.calls).toEqual([{ access_token: 'tok', ids: big }]);
  });

  it('a deleted or unknown status is left out by Weibo: no figures; errors are classified like comments', async () => {
    const empty = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: answering('[]').fetchImpl });
    expect(await empty.fetchStats(post())).toBeNull();
    const expired = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: answering('{"error_code":21327,"error":"expired_token"}', 401).fetchImpl });
    await expect(expired.fetchStats(post())).rejects.toMatchObject({ retryable: false, platformCode: '21327' });
    const noId = answering('[]');
    const src = new WeiboFeedbackSource({ accessToken: 't', baseUrl: 'http://weibo.test', fetchImpl: noId.fetchImpl });
    expect(await src.fetchStats(post({ externalId: null }))).toBeNull();
    expect(noId.calls).toHaveLength(0);
  });
});

describe('WeChat and Kuaishou feedback sources', () => {
  it('follows only posts whose publisher recorded a msg_data_id; Kuaishou only posts with a photo id', () => {
    const clock = { now: () => new Date() };
    const wx = new WechatFeedbackSource({ appId: 'a', appSecret: 's', baseUrl: 'http://wx.test', clock, zone: 'Asia/Shanghai' });
    expect(wx.supports(post({ platform: 'wechat', steps: {} }))).toBe(false);
    expect(wx.supports(post({ platform: 'wechat', steps: { wx_msg_data_id: '2247483001' } }))).toBe(true);
    const ks = new KuaishouFeedbackSource({ appId: 'a', accessToken: 't', baseUrl: 'http://ks.test' });
    expect(ks.supports(post({ platform: 'kuaishou', externalId: null }))).toBe(false);
    expect(ks.hasComments).toBe(false);
  });
});
