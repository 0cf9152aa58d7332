import { FeedbackEntity, PostStatsEntity, RectificationEntity, ReminderEntity, type FeedbackRow } from '../../../src/db/feedback-entities';
import { PublicationEntity } from '../../../src/db/entities';
import { cardText } from '../../support/sandbox-client';
import { GROUP, startDigestApp } from './harness';

const ZHANG = 'ou_zhang'; // liaison, 人力资源部
const QIAN = 'ou_qian'; // liaison, 后勤部
const SUN = 'ou_sun'; // liaison, 财务部 (never submits)
const EDITOR = 'ou_li';
const DEPUTY = 'ou_zhao';
const LEADER = 'ou_wang';
const ROSTER = {
  timezone: 'Asia/Shanghai',
  workingGroupChat: GROUP,
  members: [
    { openId: ZHANG, name: '张信息员', department: '人力资源部', roles: ['liaison'] },
    { openId: QIAN, name: '钱信息员', department: '后勤部', roles: ['liaison'] },
    { openId: SUN, name: '孙信息员', department: '财务部', roles: ['liaison'] },
    { openId: EDITOR, name: '李编辑', department: '宣传部', roles: ['editor'] },
    { openId: DEPUTY, name: '赵副组长', department: '党政办公室', roles: ['deputy'] },
    { openId: LEADER, name: '王组长', department: '党政办公室', roles: ['leader'] },
  ],
};

type Element = { tag: string; element_id?: string; content?: string; chart_spec?: { type: string; data: { values: unknown[] }[] } };
type Card = { header: { title: { content: string }; subtitle: { content: string }; template: string }; body: { elements: Element[] } };
const section = (card: Card, id: string) => card.body.elements.find((e) => e.element_id === id)?.content;

/**
 * The weekly digest through the real app: drafts submitted and approved over the sandbox API,
 * published through the webhook; statistics, comments and rectification items stored as the
 * feedback module stores them. Monday 2026-11-30 09:00 (Shanghai) digests the week 11-23 to 11-29.
 */
describe('weekly digest (sandbox, fake clock)', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  const no: Record<string, number> = {};

  const digestCards = async (as: string, chat: 'dm' | 'group') =>
    (await h.client.botMessages(as, chat)).filter((m) => m.template === 'digest').map((m) => m.card as unknown as Card);

  beforeAll(async () => {
    h = await startDigestApp({ start: '2026-11-10T02:00:00Z', roster: ROSTER });
    const { submit, decide, clock, app } = h;

    // 后勤部 last submitted on 11-10; the draft was rejected (a submission all the same).
    no.old = await submit(QIAN, '后勤保障通知');
    await decide(EDITOR, no.old, 'reject', '内容重复');

    // Published on 11-20: before the week.
    clock.set('2026-11-20T02:00:00Z');
    no.before = await submit(ZHANG, '上周旧闻');
    await decide(EDITOR, no.before, 'approve');
    await decide(LEADER, no.before, 'approve');
    await app.runJobs();

    // Tuesday 11-24 10:00: one post on two platforms, one scheduled for next week, one left waiting for the editor.
    clock.set('2026-11-24T02:00:00Z');
    no.post = await submit(ZHANG, '年终总结会召开', '平台：公众号、微博\n');
    await decide(EDITOR, no.post, 'approve');
    await decide(LEADER, no.post, 'approve');
    await app.runJobs();
    no.later = await submit(ZHANG, '新年活动预告', '平台：微博\n发布时间：2026-12-01 09:00\n');
    await decide(EDITOR, no.later, 'approve');
    await decide(LEADER, no.later, 'approve');
    no.waiting = await submit(ZHANG, '待审稿件');

    const pubs = await app.dataSource.getRepository(PublicationEntity).find({ order: { id: 'ASC' } });
    const pub = (draftId: number, platform: string) => pubs.find((p) => p.draftId === draftId && p.platform === platform)!;
    const wechat = pub(no.post, 'wechat');
    const weibo = pub(no.post, 'weibo');
    const old = pub(no.before, 'wechat');
    expect([wechat.state, weibo.state, old.state, pub(no.later, 'weibo').state]).toEqual(['published', 'published', 'published', 'scheduled']);

    const at = new Date('2026-11-30T00:00:00Z');
    await app.dataSource.getRepository(PostStatsEntity).insert([
      { publicationId: wechat.id, reads: 1200, likes: 30, shares: 8, comments: 5, extra: null, fetchedAt: at },
      { publicationId: weibo.id, reads: 300, likes: 4, shares: 1, comments: 2, extra: null, fetchedAt: at },
      { publicationId: old.id, reads: 999, likes: 99, shares: 9, comments: 9, extra: null, fetchedAt: at },
    ]);
    let seq = 0;
    const comment = (p: { id: number; draftId: number }, text: string, sentiment: string, score: number, createdAt: string): Omit<FeedbackRow, 'id'> => ({
      publicationId: p.id, draftId: p.draftId, source: p === weibo ? 'weibo' : 'wechat', externalId: `c${++seq}`, text, author: null, sentiment, score, flags: [],
      createdAt: new Date(createdAt), collectedAt: new Date(createdAt),
    });
    await app.dataSource.getRepository(FeedbackEntity).insert([
      comment(wechat, '会议开得好，部署很清楚', 'positive', 0.8, '2026-11-24T03:00:00Z'),
      comment(wechat, '点赞，明年继续加油', 'positive', 0.7, '2026-11-24T04:00:00Z'),
      comment(wechat, '总结很到位', 'positive', 0.6, '2026-11-25T04:00:00Z'),
      comment(wechat, '请问会议纪要在哪里下载', 'neutral', 0, '2026-11-25T05:00:00Z'),
      comment(wechat, '停车太难了，排队一个小时', 'negative', -0.9, '2026-11-26T05:00:00Z'),
      comment(wechat, '食堂排队太久', 'negative', -0.5, '2026-11-27T05:00:00Z'),
      comment(weibo, '办事大厅窗口太少', 'negative', -0.7, '2026-11-29T15:59:59Z'),
      // After the week (Monday 08:30 local): on the post's count, not in the week's totals.
      comment(wechat, '周一早上还是堵车', 'negative', -0.95, '2026-11-30T00:30:00Z'),
      // Before the week, on the older post.
      comment(old, '旧闻的评论很糟糕', 'negative', -0.99, '2026-11-21T00:00:00Z'),
    ]);
    const rect = (title: string, ownerId: string, dueAt: string, state: string) => ({
      feedbackId: null, draftId: no.post, title, ownerId, dueAt: new Date(dueAt), state, note: null, closingNote: null, createdBy: LEADER,
      createdAt: new Date('2026-11-26T02:00:00Z'), closedBy: state === 'closed' ? LEADER : null, closedAt: state === 'closed' ? new Date('2026-11-27T02:00:00Z') : null,
    });
    await app.dataSource.getRepository(RectificationEntity).insert([
      rect('停车指引更新', LEADER, '2026-12-05T10:00:00Z', 'open'),
      rect('食堂排队问题整改', EDITOR, '2026-11-28T10:00:00Z', 'open'),
      rect('已完成的整改', EDITOR, '2026-11-27T10:00:00Z', 'closed'),
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('posts one card to the working-group chat on Monday 09:00 with every section, field by field', async () => {
    h.clock.set('2026-11-30T01:00:00Z');
    await h.app.runJob('weekly-digest');
    const cards = await digestCards(LEADER, 'group');
    expect(cards).toHaveLength(1);
    const card = cards[0];

    expect(card.header.title.content).toBe('📊 新媒体工作周报');
    expect(card.header.subtitle.content).toBe('2026-11-23 至 2026-11-29 · 生成于 2026-11-30 09:00');
    expect(card.header.template).toBe('orange');
    expect(section(card, 'posts')).toBe([
      '**📰 发布与数据**',
      '共 **2** 条 · 阅读 1500 · 点赞 34 · 转发 9 · 评论 7',
      '1. 年终总结会召开 · 公众号 · 人力资源部 · 阅读 1200 · 点赞 30 · 转发 8 · 反馈 7（负面 3）',
      '2. 年终总结会召开 · 微博 · 人力资源部 · 阅读 300 · 点赞 4 · 转发 1 · 反馈 1（负面 1）',
    ].join('\n'));

    const feedback = section(card, 'feedback')!.split('\n');
    expect(feedback[0]).toBe('**💬 受众反馈**');
    expect(feedback[1]).toBe('共 **7** 条：正面 3（43%）· 中性 1（14%）· 负面 3（43%）');
    // Keywords come from the week's comments only.
    expect(feedback[2]).toMatch(/^热词：.*排队/);
    expect(feedback[2]).not.toMatch(/堵车|旧闻|糟糕/);
    expect(feedback.slice(3)).toEqual(['需关注：', '· 「停车太难了，排队一个小时」（公众号）', '· 「办事大厅窗口太少」（微博）', '· 「食堂排队太久」（公众号）']);

    expect(section(card, 'pending')).toBe(`**⏳ 超时未审批**（等待超过 24 个工作小时）\n· #${no.waiting} 待审稿件 · 人力资源部 · 待成员审核 · 已等待 5 天 23 小时（工作时间 35 小时）`);
    expect(section(card, 'upcoming')).toBe(`**📅 未来 7 天排期**\n· 2026-12-01 09:00 #${no.later} 新年活动预告 · 微博`);
    expect(section(card, 'lagging')).toBe('**📮 投稿节奏**（14 天内未投稿的部门）\n· 财务部：尚无投稿记录\n· 后勤部：上次投稿 2026-11-10（19 天前）');
    expect(section(card, 'rectifications')).toBe('**🛠 未完成的整改事项**\n共 2 项，其中逾期 1 项\n· 【逾期】食堂排队问题整改 · 负责人 李编辑 · 截止 2026-11-28 18:00\n· 停车指引更新 · 负责人 王组长 · 截止 2026-12-05 18:00');

    const charts = card.body.elements.filter((e) => e.tag === 'chart');
    expect(charts.map((c) => c.chart_spec!.type)).toEqual(['bar', 'pie']);
    expect(charts[0].chart_spec!.data[0].values).toEqual([
      { day: '11-23 周一', posts: 0 }, { day: '11-24 周二', posts: 2 }, { day: '11-25 周三', posts: 0 }, { day: '11-26 周四', posts: 0 },
      { day: '11-27 周五', posts: 0 }, { day: '11-28 周六', posts: 0 }, { day: '11-29 周日', posts: 0 },
    ]);
    expect(charts[1].chart_spec!.data[0].values).toEqual([{ type: '正面', value: 3 }, { type: '中性', value: 1 }, { type: '负面', value: 3 }]);
    expect(cardText(card)).not.toContain('上周旧闻');
  });

  it('sends the week once: again on Monday and on Tuesday nothing more', async () => {
    await h.app.runJob('weekly-digest');
    h.clock.set('2026-12-01T03:00:00Z');
    await h.app.runJob('weekly-digest');
    expect(await digestCards(LEADER, 'group')).toHaveLength(1);
    const keys = (await h.app.dataSource.getRepository(ReminderEntity).find()).map((r) => r.key).filter((k) => k.startsWith('digest:'));
    expect(keys).toEqual(['digest:2026-W48']);
  });

  it('answers /digest with the last 7 days for the working group, and refuses a liaison', async () => {
    h.clock.set('2026-11-30T02:00:00Z');
    await h.client.say(ZHANG, '/digest');
    await h.app.settle();
    expect((await h.texts(ZHANG)).at(-1)).toBe('周报仅向信息工作小组的成员、副组长和组长提供；如需了解投稿情况，请发送 /mine。');
    expect(await digestCards(ZHANG, 'dm')).toHaveLength(0);

    await h.client.say(EDITOR, '/digest');
    await h.app.settle();
    const [mine] = await digestCards(EDITOR, 'dm');
    expect(mine.header.title.content).toBe('📊 近 7 天新媒体工作简报');
    expect(mine.header.subtitle.content).toBe('2026-11-23 至 2026-11-30 · 生成于 2026-11-30 10:00');
    // The 7 days from Monday 11-23 10:00 include Tuesday's post and the Monday-morning comment.
    expect(section(mine, 'posts')!.split('\n')[1]).toBe('共 **2** 条 · 阅读 1500 · 点赞 34 · 转发 9 · 评论 7');
    expect(section(mine, 'feedback')!.split('\n')[1]).toBe('共 **8** 条：正面 3（38%）· 中性 1（13%）· 负面 4（50%）');

    await h.client.say(DEPUTY, '/digest', 'group');
    await h.app.settle();
    expect(await digestCards(DEPUTY, 'group')).toHaveLength(2);
    await h.client.say(LEADER, '周报');
    await h.app.settle();
    expect(await digestCards(LEADER, 'dm')).toHaveLength(1);
  });
});
