import { join } from 'node:path';
import { CARDS_DIR, createTemplateRenderer } from '../../../src/channels/card-template';
import type { PostFigures } from '../../../src/ports/digest';
import { digestCard, type DigestReport } from '../../../src/usecases/digest/digest-card';

const ZONE = 'Asia/Shanghai';
const cst = (local: string) => new Date(`${local}+08:00`);
const render = createTemplateRenderer(join(CARDS_DIR, 'feishu'));
type Element = { tag: string; element_id?: string; content?: string; chart_spec?: Record<string, unknown>; aspect_ratio?: string };
const rendered = (r: DigestReport) => render('digest', digestCard(r, ZONE).data) as { header: { title: { content: string }; subtitle: { content: string }; template: string }; body: { elements: Element[] } };
const section = (card: ReturnType<typeof rendered>, id: string) => card.body.elements.find((e) => e.element_id === id)?.content;
const charts = (card: ReturnType<typeof rendered>) => card.body.elements.filter((e) => e.tag === 'chart');

const days = ['11-23 周一', '11-24 周二', '11-25 周三', '11-26 周四', '11-27 周五', '11-28 周六', '11-29 周日'];
const empty = (): DigestReport => ({
  kind: 'weekly',
  periodLabel: '2026-11-23 至 2026-11-29',
  generatedAt: cst('2026-11-30T09:00'),
  remindAfterHours: 24,
  cadenceDays: 14,
  posts: { totals: { posts: 0, reads: 0, likes: 0, shares: 0, comments: 0 }, top: [], perDay: days.map((label) => ({ label, count: 0 })) },
  feedback: { totals: { positive: 0, neutral: 0, negative: 0 }, keywords: [], concerns: [] },
  pending: [],
  upcoming: { total: 0, items: [] },
  lagging: [],
  rectifications: { total: 0, overdue: 0, items: [] },
});
const post = (over: Partial<PostFigures>): PostFigures => ({
  publicationId: 1, draftId: 1, title: '标题', department: '宣传部', platform: 'wechat', account: '', url: null, publishedAt: cst('2026-11-24T10:00'),
  reads: 100, likes: 5, shares: 2, comments: 3, feedback: { positive: 1, neutral: 1, negative: 0 }, ...over,
});

describe('digest card', () => {
  it('shows every section, field by field, with two charts of plain data', () => {
    const r = empty();
    r.posts = {
      totals: { posts: 2, reads: 1300, likes: 25, shares: 7, comments: 9 },
      top: [
        post({ publicationId: 7, draftId: 3, title: '年终总结会召开', reads: 1200, likes: 20, shares: 5, comments: 6, feedback: { positive: 4, neutral: 2, negative: 1 } }),
        post({ publicationId: 8, draftId: 4, title: '*加粗*[链接](http://x)', platform: 'weibo', department: '人力资源部', reads: null, likes: null, shares: null, comments: null, feedback: { positive: 0, neutral: 0, negative: 0 } }),
      ],
      perDay: days.map((label, i) => ({ label, count: i === 1 ? 2 : 0 })),
    };
    r.feedback = { totals: { positive: 6, neutral: 3, negative: 1 }, keywords: ['停车', '食堂'], concerns: [{ text: '停车太难了<b>', source: 'weibo' }] };
    r.pending = [{ step: { draftId: 5, channel: 'sandbox', revision: 1, step: 0, title: '待审稿件', department: '财务部', authorId: 'u', stepStartedAt: cst('2026-11-26T09:00') }, role: 'editor', waitedMs: (4 * 24 + 0) * 3_600_000, workingMs: 27 * 3_600_000 }];
    r.upcoming = { total: 1, items: [{ publicationId: 9, draftId: 6, title: '排期稿件', department: '宣传部', platform: 'douyin', account: '', dueAt: cst('2026-12-01T09:00') }] };
    r.lagging = [
      { department: '财务部', lastSubmittedAt: cst('2026-11-10T10:00'), daysSince: 19, state: 'overdue', deadline: cst('2026-11-24T10:00') },
      { department: '后勤部', lastSubmittedAt: null, daysSince: null, state: 'overdue', deadline: null },
    ];
    r.rectifications = {
      total: 2,
      overdue: 1,
      items: [
        { id: 1, title: '食堂排队', ownerId: 'ou_x', ownerName: '李编辑', dueAt: cst('2026-11-28T18:00'), draftId: null },
        { id: 2, title: '停车指引', ownerId: 'ou_y', ownerName: null, dueAt: cst('2026-12-05T18:00'), draftId: 3 },
      ],
    };
    const card = rendered(r);
    expect(card.header.title.content).toBe('📊 新媒体工作周报');
    expect(card.header.subtitle.content).toBe('2026-11-23 至 2026-11-29 · 生成于 2026-11-30 09:00');
    expect(card.header.template).toBe('orange');
    expect(section(card, 'posts')).toBe([
      '**📰 发布与数据**',
      '共 **2** 条 · 阅读 1300 · 点赞 25 · 转发 7 · 评论 9',
      '1. 年终总结会召开 · 公众号 · 宣传部 · 阅读 1200 · 点赞 20 · 转发 5 · 反馈 7（负面 1）',
      '2. \\*加粗\\*\\[链接\\]\\(http://x\\) · 微博 · 人力资源部 · 阅读 — · 点赞 — · 转发 — · 反馈 0',
    ].join('\n'));
    expect(section(card, 'feedback')).toBe([
      '**💬 受众反馈**',
      '共 **10** 条：正面 6（60%）· 中性 3（30%）· 负面 1（10%）',
      '热词：停车、食堂',
      '需关注：',
      '· 「停车太难了&lt;b&gt;」（微博）',
    ].join('\n'));
    expect(section(card, 'pending')).toBe('**⏳ 超时未审批**（等待超过 24 个工作小时）\n· #5 待审稿件 · 财务部 · 待成员审核 · 已等待 4 天（工作时间 27 小时）');
    expect(section(card, 'upcoming')).toBe('**📅 未来 7 天排期**\n· 2026-12-01 09:00 #6 排期稿件 · 抖音');
    expect(section(card, 'lagging')).toBe('**📮 投稿节奏**（14 天内未投稿的部门）\n· 财务部：上次投稿 2026-11-10（19 天前）\n· 后勤部：尚无投稿记录');
    expect(section(card, 'rectifications')).toBe('**🛠 未完成的整改事项**\n共 2 项，其中逾期 1 项\n· 【逾期】食堂排队 · 负责人 李编辑 · 截止 2026-11-28 18:00\n· 停车指引 · 负责人 ou\\_y · 截止 2026-12-05 18:00');

    const [bar, pie] = charts(card);
    expect(charts(card)).toHaveLength(2);
    expect(bar.aspect_ratio).toBe('16:9');
    expect(bar.chart_spec).toMatchObject({ type: 'bar', xField: 'day', yField: 'posts' });
    expect((bar.chart_spec!.data as { values: unknown[] }[])[0].values).toEqual(days.map((day, i) => ({ day, posts: i === 1 ? 2 : 0 })));
    expect(pie.chart_spec).toMatchObject({ type: 'pie', categoryField: 'type', valueField: 'value' });
    expect((pie.chart_spec!.data as { values: unknown[] }[])[0].values).toEqual([{ type: '正面', value: 6 }, { type: '中性', value: 3 }, { type: '负面', value: 1 }]);
    // Pure JSON: what goes in is what comes out of a JSON round trip (no functions, no undefined).
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });

  it('says 无 for each empty section and leaves the charts out', () => {
    const card = rendered({ ...empty(), kind: 'on_demand', periodLabel: '2026-11-23 至 2026-11-30' });
    expect(card.header.title.content).toBe('📊 近 7 天新媒体工作简报');
    expect(card.header.template).toBe('blue');
    for (const id of ['posts', 'feedback', 'pending', 'upcoming', 'lagging', 'rectifications']) expect(section(card, id)?.split('\n')[1]).toBe('无');
    expect(charts(card)).toHaveLength(0);
  });

  it('stays under 30 KB with long lists and long texts, saying how many were left out', () => {
    const long = '很长的标题'.repeat(100);
    const r = empty();
    const many = 5000;
    r.posts = { totals: { posts: many, reads: 1, likes: 1, shares: 1, comments: 1 }, top: Array.from({ length: 10 }, (_, i) => post({ publicationId: i, title: `${long}&<>` })), perDay: r.posts.perDay };
    r.feedback = { totals: { positive: 1, neutral: 1, negative: 999_999 }, keywords: Array.from({ length: 20 }, () => long), concerns: Array.from({ length: 10 }, () => ({ text: long, source: long })) };
    r.pending = Array.from({ length: 300 }, (_, i) => ({ step: { draftId: i, channel: 'sandbox' as const, revision: 1, step: 0, title: long, department: long, authorId: 'u', stepStartedAt: cst('2026-11-01T09:00') }, role: 'editor' as const, waitedMs: 1e9, workingMs: 1e8 }));
    r.upcoming = { total: 400, items: Array.from({ length: 10 }, (_, i) => ({ publicationId: i, draftId: i, title: long, department: long, platform: 'wechat' as const, account: long, dueAt: cst('2026-12-01T09:00') })) };
    r.lagging = Array.from({ length: 200 }, (_, i) => ({ department: `${long}${i}`, lastSubmittedAt: null, daysSince: null, state: 'overdue' as const, deadline: null }));
    r.rectifications = { total: 900, overdue: 900, items: Array.from({ length: 10 }, (_, i) => ({ id: i, title: long, ownerId: long, ownerName: long, dueAt: cst('2026-11-01T09:00'), draftId: null })) };
    const card = rendered(r);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(30 * 1024);
    expect(section(card, 'posts')).toContain(`…等 ${many} 条`);
    expect(section(card, 'pending')).toContain('…等 300 条');
    expect(section(card, 'upcoming')).toContain('…等 400 条');
    expect(section(card, 'lagging')).toContain('…等 200 条');
    expect(section(card, 'rectifications')).toContain('…等 900 条');
    expect(section(card, 'posts')).toContain('很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题…');
  });
});
