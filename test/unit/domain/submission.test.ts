import { parseSubmission } from '../../../src/domain/submission';
import { parseCommand } from '../../../src/domain/commands';
import { formatLocal, parseLocalTime } from '../../../src/domain/time';

const opts = { zone: 'Asia/Shanghai', now: new Date('2026-11-29T02:00:00Z') };

describe('parseSubmission', () => {
  it('reads title, body and field lines with full-width or ASCII colons', () => {
    const r = parseSubmission('投稿\n年终总结会召开\n分类：工作动态\n平台: 公众号、微博 douyin\n发布时间：2026-12-01 09:00\n今天召开了年终总结会。\n第二段。', opts);
    expect(r).toEqual({
      ok: true,
      fields: {
        title: '年终总结会召开',
        body: '今天召开了年终总结会。\n第二段。',
        category: '工作动态',
        targets: [{ platform: 'wechat' }, { platform: 'weibo' }, { platform: 'douyin' }],
        publishAt: new Date('2026-12-01T01:00:00Z'),
      },
    });
  });

  it('accepts /submit and 立即, and defaults to 其他 and the WeChat account', () => {
    const r = parseSubmission('/submit\n标题\n发布时间：立即\n正文', opts);
    expect(r.ok && r.fields).toMatchObject({ title: '标题', body: '正文', category: '其他', targets: [{ platform: 'wechat' }], publishAt: undefined });
  });

  it('names each problem instead of creating a draft', () => {
    const r = parseSubmission('投稿\n\n分类：八卦\n平台：朋友圈\n发布时间：2026-11-01 09:00', opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toMatch(/分类「八卦」/);
    expect(r.errors.join('\n')).toMatch(/不认识的平台「朋友圈」/);
    expect(r.errors.join('\n')).toMatch(/已经过去/);
    expect(r.errors.join('\n')).toMatch(/标题为空/);
  });

  it('maps account names from the accounts file to their platform', () => {
    const r = parseSubmission('投稿\n标题\n平台：团委公众号\n正文', { ...opts, accounts: { 团委公众号: 'wechat' } });
    expect(r.ok && r.fields.targets).toEqual([{ platform: 'wechat', account: '团委公众号' }]);
  });
});

describe('parseLocalTime', () => {
  it('parses in the organisation zone and formats back', () => {
    const t = parseLocalTime('2026/12/1 9:05', 'Asia/Shanghai', opts.now);
    expect(t).toEqual({ kind: 'at', at: new Date('2026-12-01T01:05:00Z') });
    expect(formatLocal(new Date('2026-12-01T01:05:00Z'), 'Asia/Shanghai')).toBe('2026-12-01 09:05');
  });
  it('handles a zone with daylight saving time', () => {
    const t = parseLocalTime('2026-07-01 09:00', 'Europe/Berlin', opts.now);
    expect(t).toEqual({ kind: 'at', at: new Date('2026-07-01T07:00:00Z') });
  });
  it('rejects impossible dates and garbage', () => {
    expect(parseLocalTime('2026-02-30 09:00', 'Asia/Shanghai', opts.now).kind).toBe('invalid');
    expect(parseLocalTime('明天上午', 'Asia/Shanghai', opts.now).kind).toBe('invalid');
  });
});

describe('parseCommand', () => {
  it.each([
    ['/status 12', { name: 'status', no: 12 }],
    ['/status #12', { name: 'status', no: 12 }],
    ['/mine', { name: 'mine' }],
    ['/withdraw 3', { name: 'withdraw', no: 3 }],
    ['/schedule 3 2026-12-01 09:00', { name: 'schedule', no: 3, time: '2026-12-01 09:00' }],
    ['/cancel 3', { name: 'cancel', no: 3 }],
    ['/bind', { name: 'bind' }],
    ['/role @张三 editor', { name: 'role', role: 'editor' }],
    ['/new', { name: 'new' }],
    ['/help', { name: 'help' }],
  ])('%s', (text, expected) => expect(parseCommand(text)).toEqual(expected));

  it('gives help with a reason for unknown commands and roles', () => {
    expect(parseCommand('/frobnicate')).toMatchObject({ name: 'help', reason: expect.stringContaining('/frobnicate') });
    expect(parseCommand('/role @张三 boss')).toMatchObject({ name: 'help', reason: expect.stringContaining('boss') });
    expect(parseCommand('你好')).toEqual({ name: 'help' });
  });

  it('keeps the revision text', () => {
    expect(parseCommand('/revise 5\n新标题\n新正文')).toEqual({ name: 'revise', no: 5, text: '新标题\n新正文' });
  });
});
