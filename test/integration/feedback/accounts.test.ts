import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostStatsEntity } from '../../../src/db/feedback-entities';
import { RecordingProxy } from '../../fakes/recording-proxy';
import { FakeWeibo } from '../../fakes/weibo';
import { startWorld, type World } from './harness';

/**
 * Several Weibo accounts: the default one from the plain env variables (WEIBO_*) and two from
 * ACCOUNTS_FILE, each on its own fake behind its own recording proxy. The fakes number their
 * statuses alike, so the three posts have the same status id: only reading each post with its own
 * account's credentials and address gives its own comments.
 */
describe('feedback from every account of ACCOUNTS_FILE', () => {
  let w: World;
  let dir: string;
  const youth = new FakeWeibo();
  const elders = new FakeWeibo();
  const proxies = { youth: new RecordingProxy(() => youth.baseUrl), elders: new RecordingProxy(() => elders.baseUrl) };

  beforeAll(async () => {
    await Promise.all([youth.start(), elders.start(), proxies.youth.start(), proxies.elders.start()]);
    dir = mkdtempSync(join(tmpdir(), 'copydesk-accounts-'));
    const file = join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      [
        'accounts:',
        '  - name: 团委微博',
        '    platform: weibo',
        '    accessTokenEnv: WEIBO_TOKEN_YOUTH',
        `    baseUrl: ${proxies.youth.url}`,
        `    linkUrl: https://${youth.safeDomain}/news`,
        '  - name: 老干部微博',
        '    platform: 微博',
        '    accessTokenEnv: WEIBO_TOKEN_ELDERS',
        `    baseUrl: ${proxies.elders.url}`,
        `    linkUrl: https://${elders.safeDomain}/news`,
        '',
      ].join('\n'),
    );
    w = await startWorld({ ACCOUNTS_FILE: file, WEIBO_TOKEN_YOUTH: youth.accessToken, WEIBO_TOKEN_ELDERS: elders.accessToken });
    for (const f of [youth, elders]) f.now = () => w.clock.now();
  });
  afterAll(async () => {
    await w?.close();
    await Promise.all([youth.stop(), elders.stop(), proxies.youth.stop(), proxies.elders.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each post through the account that published it, the default account for plain platform targets', async () => {
    const posts = {
      youth: await w.publish('团委青年志愿活动', '团委微博'),
      elders: await w.publish('老干部重阳座谈会', '老干部微博'),
      plain: await w.publish('单位年终总结会', '微博'),
    };
    const pubs = { youth: await w.publication(posts.youth.pubId), elders: await w.publication(posts.elders.pubId), plain: await w.publication(posts.plain.pubId) };
    expect([pubs.youth.account, pubs.elders.account, pubs.plain.account]).toEqual(['团委微博', '老干部微博', '']);
    expect([youth.postCount, elders.postCount, w.weibo.postCount]).toEqual([1, 1, 1]);
    // The same status id on three accounts.
    const id = pubs.youth.externalId!;
    expect([pubs.elders.externalId, pubs.plain.externalId]).toEqual([id, id]);

    const comment = (n: number, text: string) => ({ id: 5_000_000_000_000_000 + n, text, created_at: 'Mon Nov 30 11:00:00 +0800 2026', user: { screen_name: `网友${n}` } });
    youth.comments.set(id, [comment(1, '志愿活动很有意义'), comment(2, '青年人好样的')]);
    elders.comments.set(id, [comment(11, '座谈会办得很温馨')]);
    w.weibo.comments.set(id, [comment(21, '总结会内容很实在')]);
    youth.counts.set(id, { reposts: 5, attitudes: 40 });
    elders.counts.set(id, { reposts: 1, attitudes: 9 });
    w.weibo.counts.set(id, { reposts: 2, attitudes: 3 });

    await w.app.runJob('feedback-collect');
    const texts = async (pubId: number) => (await w.feedbackRows(pubId)).map((r) => r.text).sort();
    expect(await texts(posts.youth.pubId)).toEqual(['志愿活动很有意义', '青年人好样的'].sort());
    expect(await texts(posts.elders.pubId)).toEqual(['座谈会办得很温馨']);
    expect(await texts(posts.plain.pubId)).toEqual(['总结会内容很实在']);

    const stats = w.app.dataSource.getRepository(PostStatsEntity);
    expect(await stats.findOneByOrFail({ publicationId: posts.youth.pubId })).toMatchObject({ shares: 5, likes: 40, comments: 2 });
    expect(await stats.findOneByOrFail({ publicationId: posts.elders.pubId })).toMatchObject({ shares: 1, likes: 9, comments: 1 });
    expect(await stats.findOneByOrFail({ publicationId: posts.plain.pubId })).toMatchObject({ shares: 2, likes: 3, comments: 1 });

    // Each account's proxy saw only its own post's calls.
    const feedbackCalls = (p: RecordingProxy) => p.requests.filter((r) => r.path === '/2/comments/show.json' || r.path === '/2/statuses/count.json').map((r) => r.path);
    expect(feedbackCalls(proxies.youth)).toEqual(['/2/comments/show.json', '/2/statuses/count.json']);
    expect(feedbackCalls(proxies.elders)).toEqual(['/2/comments/show.json', '/2/statuses/count.json']);
    expect(feedbackCalls(w.proxies.weibo)).toEqual(['/2/comments/show.json', '/2/statuses/count.json']);
  });
});
