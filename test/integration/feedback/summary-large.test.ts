import { FeedbackEntity, RectificationEntity } from '../../../src/db/feedback-entities';
import { TypeormFeedbackRepo } from '../../../src/db/feedback-repo';
import { DEFAULT_FEEDBACK_SETTINGS, type FeedbackDeps } from '../../../src/usecases/feedback/deps';
import { analyseFeedbackText } from '../../../src/usecases/feedback/masking';
import { postSummaries } from '../../../src/usecases/feedback/post-summary';
import { buttonValues } from '../../support/sandbox-client';
import { EDITOR, HOUR, LEADER, startWorld, type World } from './harness';

/** Markdown contents of a rendered card, in order. */
const markdowns = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

/**
 * The summary card of a post with many comments: counted in SQL, texts from a bounded sample,
 * the items with an open rectification item found in one query; never every row of the post.
 */
describe('feedback summary of a post with many comments', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.close();
  });

  it('counts every comment, reads a bounded sample, and looks up rectification items at once', async () => {
    const { no, pubId } = await w.publish('大型活动报道');
    const kinds = ['活动组织得非常好，点赞！', '排队太久了，非常失望。', '今天去了现场。', '请问下次活动是什么时候？'];
    // Three error reports among them, early on.
    const errors = new Map([[10, '甲'], [20, '乙'], [30, '丙']]);
    const total = 2000;
    const start = Date.parse('2026-11-30T03:00:00Z');
    const rows = Array.from({ length: total }, (_, i) => {
      const a = analyseFeedbackText(errors.has(i) ? `文中的日期写错了（${errors.get(i)!}）。` : kinds[i % kinds.length]);
      const at = new Date(start + i * 1000);
      return { publicationId: pubId, draftId: no, source: i % 4 === 0 ? 'chat' : 'wechat', externalId: `bulk:${i}`, text: a.text, author: null, sentiment: a.sentiment, score: a.score, flags: a.flags, createdAt: at, collectedAt: at };
    });
    const repoOf = w.app.dataSource.getRepository(FeedbackEntity);
    for (let i = 0; i < rows.length; i += 50) await repoOf.insert(rows.slice(i, i + 50));
    const expected = { positive: 0, neutral: 0, negative: 0 } as Record<string, number>;
    for (const r of rows) expected[r.sentiment] += 1;
    const flagged = rows.filter((r) => r.flags.length > 0).length;
    expect(flagged).toBeGreaterThan(500);

    // The second error report has an open rectification item already.
    const saved = await repoOf.find({ where: { publicationId: pubId, externalId: 'bulk:20' } });
    expect(saved[0].flags).toContain('error_report');
    await w.app.dataSource.getRepository(RectificationEntity).insert({
      feedbackId: saved[0].id, draftId: no, title: saved[0].text, ownerId: EDITOR, dueAt: new Date('2026-12-05T00:00:00Z'), state: 'open', note: null, closingNote: null,
      createdBy: LEADER, createdAt: w.clock.now(), closedBy: null, closedAt: null,
    });

    // A repository that tells how much it was asked for.
    const repo = new TypeormFeedbackRepo();
    const asked = { all: 0, one: 0, sampled: 0 };
    repo.feedbackOfPublication = async () => {
      asked.all += 1;
      throw new Error('the summary must not load every row of a post');
    };
    const one = repo.openRectificationOf.bind(repo);
    repo.openRectificationOf = async (tx, id) => {
      asked.one += 1;
      return one(tx, id);
    };
    const sample = repo.feedbackSampleOfPublication.bind(repo);
    repo.feedbackSampleOfPublication = async (...args) => {
      const got = await sample(...args);
      asked.sampled += got.length;
      return got;
    };
    const fb: FeedbackDeps = { repo, sources: {}, settings: DEFAULT_FEEDBACK_SETTINGS };

    w.clock.advance(25 * HOUR);
    expect(await postSummaries(w.app.deps, fb)).toBe(1);
    await w.app.settle();
    expect(asked.all).toBe(0);
    expect(asked.one).toBe(0);
    expect(asked.sampled).toBeGreaterThan(0);
    expect(asked.sampled).toBeLessThanOrEqual(1200);

    const card = (await w.client.botMessages(LEADER, 'group')).find((m) => m.template === 'feedback-summary')!;
    const md = markdowns(card.card);
    expect(md[1]).toBe(`**留言**：共 ${total} 条（公众号 ${total * 0.75}、群内转达 ${total * 0.25}）`);
    expect(md[2]).toBe(`**情绪**：正面 ${expected.positive} · 中性 ${expected.neutral} · 负面 ${expected.negative}`);
    expect(md).toContain(`**需要处理**（${flagged} 条）：`);
    // Error reports first; the one with an open item has no button and says so.
    const listed = md.filter((m) => m.startsWith('**指出错误**'));
    expect(listed).toEqual(['**指出错误**「文中的日期写错了（甲）。」', '**指出错误**「文中的日期写错了（乙）。」 · 已建整改', '**指出错误**「文中的日期写错了（丙）。」']);
    expect(buttonValues(card.card).map((b) => b.f)).not.toContain(saved[0].id);
  });
});
