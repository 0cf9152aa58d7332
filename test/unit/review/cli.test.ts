import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main, parseArgs, splitTitle, type CliIo } from '../../../src/cli/review';

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const x: CliIo = { readStdin: () => stdin, out: (s) => out.push(s), err: (s) => err.push(s) };
  return { io: x, out, err };
}

describe('copydesk review', () => {
  it('parses options', () => {
    expect(parseArgs(['--platform', 'wechat,weibo', '--json', 'a.txt'])).toMatchObject({ platforms: ['wechat', 'weibo'], json: true, file: 'a.txt' });
    expect(parseArgs(['--platform=douyin'])).toMatchObject({ platforms: ['douyin'], file: '-' });
    expect(parseArgs(['--platform', 'twitter'])).toMatch(/unknown platform/);
    expect(parseArgs(['--what'])).toMatch(/unknown option/);
  });

  it('splits a title line', () => {
    expect(splitTitle('标题：你好\n正文')).toEqual({ title: '你好', body: '正文', bodyOffset: 6 });
    expect(splitTitle('正文')).toEqual({ title: null, body: '正文', bodyOffset: 0 });
  });

  it('prints JSON findings and exits 1 on a block finding (stdin)', async () => {
    const x = io('他参与赌*博');
    const code = await main(['--json', '--no-segment', '-'], x.io);
    expect(code).toBe(1);
    const parsed = JSON.parse(x.out.join(''));
    expect(parsed.findings[0]).toMatchObject({ rule: 'lexicon.gambling', category: 'gambling', severity: 'block', start: 3, end: 6, text: '赌*博' });
  });

  it('exits 0 on a clean file and reads the organisation lexicon dir', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'copydesk-'));
    const file = path.join(dir, 'a.txt');
    writeFileSync(file, '标题：通知\n请大家参加植树活动。\n');
    const a = io();
    expect(await main(['--no-segment', file], a.io)).toBe(0);
    expect(a.out.join('')).toContain('未发现问题');
    const lex = path.join(dir, 'lex');
    mkdirSync(lex);
    writeFileSync(path.join(lex, 'custom.txt'), '# 组织自定义\n植树活动\n');
    const b = io();
    expect(await main(['--no-segment', '--lexicon-dir', lex, '--platform', 'wechat', file], b.io)).toBe(0);
    expect(b.out.join('')).toContain('lexicon.custom');
  });

  it('exits 2 on a usage error or a missing file', async () => {
    const x = io();
    expect(await main(['--bogus'], x.io)).toBe(2);
    expect(await main(['/nonexistent/file.txt'], x.io)).toBe(2);
  });
});

describe('bin/copydesk.js', () => {
  const bin = path.resolve(__dirname, '../../../bin/copydesk.js');
  it('dispatches review, prints JSON and exits 1 on a block finding', () => {
    const r = spawnSync(process.execPath, [bin, 'review', '--json', '--no-segment', '-'], { input: '联系人身份证11010519491231002X', encoding: 'utf8' });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings[0]).toMatchObject({ rule: 'pii.resident-id', start: 6, end: 24, replacement: '110***********002X' });
  });
  it('exits 2 on an unknown subcommand', () => {
    const r = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: copydesk/);
  });
});
