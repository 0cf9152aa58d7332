import { PostStatsEntity, ReminderEntity } from '../../../src/db/feedback-entities';
import { TypeormFeedbackRepo } from '../../../src/db/feedback-repo';
import { cardText } from '../../support/sandbox-client';
import { HOUR, LEADER, seedWechatComments, startWorld, type World } from './harness';

const PAGE = 49; // WeChat comment/list takes count < 50

/** Collecting comments and figures from the platform fakes through the real app and its jobs. */
describe('feedback collection', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.close();
  });

  const commentCalls = () => w.proxies.wechat.requests.filter((r) => r.path === '/cgi-bin/comment/list');

  it('pages through WeChat comments, retries a failing page later, continues after a restart from the cursor, fetches nothing twice', async () => {
    const { pubId } = await w.publish('年终总结会召开');
    const pub = await w.publication(pubId);
    const msgDataId = Number(pub.steps.wx_msg_data_id);
    expect(msgDataId).toBeGreaterThan(0);
    const texts = Array.from({ length: 120 }, (_, i) => `第${i + 1}条留言：会议开得好，工作部署很实在。`);
    texts[3] = '我叫张三，电话13812345678，身份证110101199003074514，想咨询报名。';
    seedWechatComments(w.wechat, msgDataId, texts);
    // The second page fails once at the gateway.
    w.proxies.wechat.failWhen((r) => r.path === '/cgi-bin/comment/list' && r.body?.begin === PAGE);

    await w.app.runJob('feedback-collect');
    expect(commentCalls().map((r) => [r.body?.begin, r.status])).toEqual([[0, 200], [PAGE, 503]]);
    expect(await w.feedbackRows(pubId)).toHaveLength(PAGE);
    let cursor = (await w.cursorOf(pubId))!;
    expect(cursor).toMatchObject({ cursor: String(PAGE), failures: 1, done: false });
    expect(cursor.lastError).toContain('HTTP 503');

    // Not due yet (back-off): nothing is requested.
    await w.app.runJob('feedback-collect');
    expect(commentCalls()).toHaveLength(2);

    // A restart: a new app instance on the same database continues from the stored cursor.
    await w.shutdown();
    w.clock.advance(11 * 60_000);
    await w.boot();
    await w.app.runJob('feedback-collect');
    expect(commentCalls().map((r) => [r.body?.begin, r.status])).toEqual([[0, 200], [PAGE, 503], [PAGE, 200], [2 * PAGE, 200]]);
    const rows = await w.feedbackRows(pubId);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(120);
    expect(rows.every((r) => r.source === 'wechat' && r.draftId === pub.draftId)).toBe(true);
    cursor = (await w.cursorOf(pubId))!;
    expect(cursor).toMatchObject({ cursor: '120', failures: 0, lastError: null, done: false });

    // Personal data never reaches the database in clear.
    const masked = rows.find((r) => r.externalId.endsWith(':4'))!;
    expect(masked.text).toBe('我叫张*，电话***********，身份证******************，想咨询报名。');
    expect(rows.map((r) => r.text).join('\n')).not.toMatch(/13812345678|110101199003074514|张三/);

    // An hour later: only the new comments, from where the cursor stands.
    seedWechatComments(w.wechat, msgDataId, ['新留言一', '新留言二'], 121);
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-collect');
    expect(commentCalls().slice(4).map((r) => r.body?.begin)).toEqual([120]);
    expect(await w.feedbackRows(pubId)).toHaveLength(122);

    // The figures from datacube (which serves a day's figures from the day after at the latest).
    w.clock.advance(24 * HOUR);
    await w.app.runJob('feedback-collect');
    const stats = await w.app.dataSource.getRepository(PostStatsEntity).findOneByOrFail({ publicationId: pubId });
    expect(stats).toMatchObject({ reads: 100, shares: 5 });
  });

  it('follows Weibo comments with since_id and figures from statuses/count, and Kuaishou figures from photo/info', async () => {
    const { no: weiboNo, pubId: weiboPub } = await w.publish('微博互动测试', '微博');
    const statusId = (await w.publication(weiboPub)).externalId!;
    expect(statusId).toMatch(/^\d+$/);
    const list = Array.from({ length: 60 }, (_, i) => ({ id: 5_000_000_000_000_000 + i + 1, text: `微博评论${i + 1}：赞！`, created_at: 'Mon Nov 30 11:00:00 +0800 2026', user: { screen_name: `网友${i + 1}` } }));
    w.weibo.comments.set(statusId, list);
    w.weibo.counts.set(statusId, { reposts: 12, attitudes: 34 });
    const { pubId: ksPub } = await w.publish('快手视频测试', '快手');
    Object.assign(w.kuaishou.photos.find((p) => p.photo_id === `3x${ksPub}`)!, { view_count: 3456, like_count: 78, comment_count: 9 });

    await w.app.runJob('feedback-collect');
    const calls = w.proxies.weibo.requests.filter((r) => r.path === '/2/comments/show.json');
    expect(calls.map((r) => r.query.since_id)).toEqual(['0', '5000000000000050']);
    const rows = await w.feedbackRows(weiboPub);
    expect(rows).toHaveLength(60);
    expect(rows[0]).toMatchObject({ source: 'weibo', externalId: '5000000000000001', author: '网友1' });
    expect(rows[0].createdAt.toISOString()).toBe('2026-11-30T03:00:00.000Z');

    // Weibo's own figures: reposts → shares, attitudes → likes, its comment count; no reads.
    const countCalls = w.proxies.weibo.requests.filter((r) => r.path === '/2/statuses/count.json');
    expect(countCalls.map((r) => [r.query.ids, r.query.access_token, r.status])).toEqual([[statusId, w.weibo.accessToken, 200]]);
    const wb = await w.app.dataSource.getRepository(PostStatsEntity).findOneByOrFail({ publicationId: weiboPub });
    expect(wb).toMatchObject({ reads: null, likes: 34, shares: 12, comments: 60 });

    const ks = await w.app.dataSource.getRepository(PostStatsEntity).findOneByOrFail({ publicationId: ksPub });
    expect(ks).toMatchObject({ reads: 3456, likes: 78, comments: 9, shares: null });
    expect(w.proxies.kuaishou.forwarded('/openapi/photo/info')).toHaveLength(1);

    w.weibo.comments.get(statusId)!.push({ id: 5_000_000_000_000_061, text: '又一条', created_at: 'Mon Nov 30 12:00:00 +0800 2026', user: { screen_name: '网友61' } });
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-collect');
    expect(w.proxies.weibo.requests.filter((r) => r.path === '/2/comments/show.json').slice(2).map((r) => r.query.since_id)).toEqual(['5000000000000060']);
    expect(await w.feedbackRows(weiboPub)).toHaveLength(61);
    expect(await w.app.dataSource.getRepository(PostStatsEntity).findOneByOrFail({ publicationId: weiboPub })).toMatchObject({ likes: 34, shares: 12, comments: 61 });

    // The summary shows the platform's figures.
    w.clock.advance(24 * HOUR);
    await w.app.runJob('feedback-summary');
    const summary = (await w.client.botMessages(LEADER, 'group')).find((m) => m.template === 'feedback-summary' && cardText(m.card).includes(`#${weiboNo} `))!;
    expect(cardText(summary.card)).toContain('点赞 34　转发 12　评论 61');
  });

  it('tells the working group once when a source keeps failing; a recovery clears the failure count and the alert key', async () => {
    const { no, pubId } = await w.publish('故障提醒测试');
    const msgDataId = Number((await w.publication(pubId)).steps.wx_msg_data_id);
    w.proxies.wechat.failWhen((r) => r.path === '/cgi-bin/comment/list' && r.body?.msg_data_id === msgDataId, 502, 4);
    const alerts = async () => (await w.client.botMessages(LEADER, 'group')).filter((m) => cardText(m.card).includes(`反馈收集失败：#${no} `));

    for (let i = 1; i <= 4; i++) {
      await w.app.runJob('feedback-collect');
      const cursor = (await w.cursorOf(pubId))!;
      expect(cursor.failures).toBe(i);
      expect(await alerts()).toHaveLength(i >= 3 ? 1 : 0);
      w.clock.advance(7 * HOUR); // past the longest back-off
    }
    const alert = (await alerts())[0];
    expect(cardText(alert.card)).toContain('连续 3 次读取失败');
    expect(cardText(alert.card)).toContain('HTTP 502');
    expect(await w.app.dataSource.getRepository(ReminderEntity).findOneBy({ key: `feedback-failing:${(await w.cursorOf(pubId))!.id}` })).not.toBeNull();

    // Recovery clears the failure count and the alert key.
    await w.app.runJob('feedback-collect');
    const cursor = (await w.cursorOf(pubId))!;
    expect(cursor).toMatchObject({ failures: 0, lastError: null });
    expect(await w.app.dataSource.getRepository(ReminderEntity).findOneBy({ key: `feedback-failing:${cursor.id}` })).toBeNull();
    expect(await alerts()).toHaveLength(1);
  });

  it('stops following a post after the window', async () => {
    const { pubId } = await w.publish('窗口期测试');
    const msgDataId = Number((await w.publication(pubId)).steps.wx_msg_data_id);
    await w.app.runJob('feedback-collect');
    expect((await w.cursorOf(pubId))!.done).toBe(false);
    w.clock.advance(72 * HOUR);
    seedWechatComments(w.wechat, msgDataId, ['窗口期末的留言']);
    await w.app.runJob('feedback-collect'); // the last run, after the window
    expect(await w.feedbackRows(pubId)).toHaveLength(1);
    expect((await w.cursorOf(pubId))!.done).toBe(true);
    const callsFor = () => commentCalls().filter((r) => r.body?.msg_data_id === msgDataId).length;
    const before = callsFor();
    seedWechatComments(w.wechat, msgDataId, ['太晚的留言'], 2);
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-collect');
    expect(callsFor()).toBe(before);
    expect(await w.feedbackRows(pubId)).toHaveLength(1);
  });

  it('a replica restarted with the same REPLICA_ID takes up the cursors it held at once, not after the lease', async () => {
    const { pubId } = await w.publish('重启租约测试');
    const msgDataId = Number((await w.publication(pubId)).steps.wx_msg_data_id);
    seedWechatComments(w.wechat, msgDataId, ['重启前的留言']);
    await w.app.runJob('feedback-collect');
    expect(await w.feedbackRows(pubId)).toHaveLength(1);
    seedWechatComments(w.wechat, msgDataId, ['重启后的留言'], 2);
    w.clock.advance(HOUR);

    // replica-a claims the due cursors (as a run does) and dies before finishing them.
    const repo = new TypeormFeedbackRepo();
    const held = await w.app.deps.store.transaction((tx) => repo.claimCursors(tx, w.clock.now(), 'replica-a', 10 * 60_000, 50));
    expect(held.map((c) => c.publicationId)).toContain(pubId);
    expect((await w.cursorOf(pubId))!.leaseOwner).toBe('replica-a');
    await w.shutdown();

    // The new instance (same REPLICA_ID), with the clock not moved: it collects at once.
    await w.boot();
    expect((await w.cursorOf(pubId))!.leaseOwner).toBeNull();
    await w.app.runJob('feedback-collect');
    expect((await w.feedbackRows(pubId)).map((r) => r.text)).toEqual(['重启前的留言', '重启后的留言']);
  });

  it('releases only its own leases at start-up', async () => {
    const { pubId } = await w.publish('他人租约测试');
    await w.app.runJob('feedback-collect');
    w.clock.advance(HOUR);
    const repo = new TypeormFeedbackRepo();
    await w.app.deps.store.transaction((tx) => repo.claimCursors(tx, w.clock.now(), 'replica-b', 10 * 60_000, 50));
    await w.shutdown();
    await w.boot();
    expect((await w.cursorOf(pubId))!.leaseOwner).toBe('replica-b');
    const before = commentCalls().length;
    await w.app.runJob('feedback-collect');
    expect(commentCalls()).toHaveLength(before);
    // Its lease runs out: then this replica takes the cursor.
    w.clock.advance(11 * 60_000);
    await w.app.runJob('feedback-collect');
    expect((await w.cursorOf(pubId))!.leaseOwner).toBeNull();
    expect(commentCalls().length).toBeGreaterThan(before);
  });
});

/** Figures and comments are separate: a figures failure never stops the comments. */
describe('feedback collection when the figures fail', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.close();
  });

  it('a final figures error (48001, no datacube permission) is logged and retried next run; comments go on being followed', async () => {
    const { no, pubId } = await w.publish('数据权限测试');
    const msgDataId = Number((await w.publication(pubId)).steps.wx_msg_data_id);
    seedWechatComments(w.wechat, msgDataId, ['第一条留言']);
    // The day after publishing: datacube has the publishing day's figures by then.
    w.clock.advance(24 * HOUR);
    w.wechat.inject('/datacube/getarticletotaldetail', { kind: 'errcode', errcode: 48001, errmsg: 'api unauthorized' }, 2);

    await w.app.runJob('feedback-collect');
    expect((await w.feedbackRows(pubId)).map((r) => r.text)).toEqual(['第一条留言']);
    expect(await w.cursorOf(pubId)).toMatchObject({ done: false, failures: 0, lastError: null, cursor: '1' });
    expect(await w.app.dataSource.getRepository(PostStatsEntity).findOneBy({ publicationId: pubId })).toBeNull();

    // The next run: new comments are read, the figures are asked for again (and fail again).
    seedWechatComments(w.wechat, msgDataId, ['第二条留言'], 2);
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-collect');
    expect((await w.feedbackRows(pubId)).map((r) => r.text)).toEqual(['第一条留言', '第二条留言']);
    expect(await w.cursorOf(pubId)).toMatchObject({ done: false, failures: 0 });

    // Once the permission is there, the figures come in with the next run.
    w.clock.advance(HOUR);
    await w.app.runJob('feedback-collect');
    expect(await w.app.dataSource.getRepository(PostStatsEntity).findOneByOrFail({ publicationId: pubId })).toMatchObject({ reads: 100 });
    expect(w.proxies.wechat.requests.filter((r) => r.path === '/datacube/getarticletotaldetail')).toHaveLength(3);
    // Figures failing is no comment failure: the working group is not told.
    expect((await w.client.botMessages(LEADER, 'group')).filter((m) => cardText(m.card).includes(`反馈收集失败：#${no} `))).toHaveLength(0);
  });
});
