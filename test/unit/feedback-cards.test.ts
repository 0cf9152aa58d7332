import { renderFeishuCard } from '../../src/channels/feishu/cards';
import { summariseFeedback } from '../../src/domain/feedback';
import { feedbackSummaryCard, figuresText, rectificationCard } from '../../src/usecases/feedback/cards';
import { buttonValues, cardText } from '../support/sandbox-client';

const at = new Date('2026-11-30T02:00:00Z');
const items = (texts: string[]) => texts.map((text, i) => ({ id: i + 1, text, createdAt: new Date(at.getTime() + i * 60_000), source: 'wechat' }));

describe('feedback cards', () => {
  it('shows only the figures a platform gives', () => {
    expect(figuresText({ reads: 12345, likes: 6, shares: undefined, comments: 0 })).toBe('阅读 12,345　点赞 6　评论 0');
    expect(figuresText(null)).toBe('平台未提供数据');
    expect(figuresText({})).toBe('平台未提供数据');
  });

  it('escapes user text, drops the button of an item already being rectified, and stays under 30 KB with many items', () => {
    const texts = ['[点我](http://evil.example) 文中数据写错了', '请问报名截止到什么时候？', ...Array.from({ length: 300 }, (_, i) => `第${i}条：太差了，非常失望，${'很长的抱怨'.repeat(20)}`)];
    const summary = summariseFeedback(items(texts));
    const card = feedbackSummaryCard({ no: 7, title: '标题', platform: '公众号', publishedAt: at, until: at, zone: 'Asia/Shanghai', figures: null, summary, rectified: new Set([1]) });
    const rendered = renderFeishuCard(card);
    const text = cardText(rendered);
    expect(text).toContain('\\[点我\\]\\(http://evil.example\\)');
    expect(text).not.toContain('[点我](http');
    const values = buttonValues(rendered);
    expect(values.map((v) => v.f)).not.toContain(1);
    expect(values.length).toBe(7); // 8 listed, one of them already rectified
    expect(text).toContain('· 已建整改');
    expect(text).toMatch(/另有 \d+ 条未列出。/);
    expect(Buffer.byteLength(JSON.stringify(rendered))).toBeLessThan(30 * 1024);
  });

  it('renders an open item with its close form and a closed one with what was done', () => {
    const base = { id: 3, feedbackId: 1, draftId: 7, title: '地点*写错*', ownerId: 'ou_a', dueAt: new Date('2026-12-02T16:00:00Z'), note: null, createdBy: 'ou_b', createdAt: at };
    const open = renderFeishuCard(rectificationCard({ ...base, state: 'open', closingNote: null, closedBy: null, closedAt: null }, { owner: '李编辑', createdBy: '王组长' }, 'Asia/Shanghai'));
    expect(buttonValues(open)).toEqual([{ a: 'rectify_close', i: 3 }]);
    expect(cardText(open)).toContain('地点\\*写错\\*');
    expect(cardText(open)).toContain('截止 2026-12-03');
    const closed = renderFeishuCard(rectificationCard({ ...base, state: 'closed', closingNote: '已更正', closedBy: 'ou_a', closedAt: at }, { owner: '李编辑', createdBy: '王组长', closedBy: '李编辑' }, 'Asia/Shanghai'));
    expect(buttonValues(closed)).toEqual([]);
    expect(cardText(closed)).toContain('已更正（李编辑 · 2026-11-30 10:00）');
  });
});
