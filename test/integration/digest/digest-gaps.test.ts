import pino from 'pino';
import { ReminderEntity } from '../../../src/db/feedback-entities';
import { startDigestApp } from './harness';

const LIAISON = 'ou_zhang';
const EDITOR = 'ou_li';
const LEADER = 'ou_wang';
const MEMBERS = [
  { openId: LIAISON, name: '张信息员', department: '人力资源部', roles: ['liaison'] },
  { openId: EDITOR, name: '李编辑', department: '宣传部', roles: ['editor'] },
  { openId: LEADER, name: '王组长', department: '党政办公室', roles: ['leader'] },
];

/** Shanghai local time (UTC+8) as an ISO instant. */
const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

/** The weekly digest before any working-group chat is bound (the roster names none). */
describe('weekly digest without a bound working-group chat', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  const logs: { level: number; msg: string; key?: string }[] = [];
  const digestKeys = async () => (await h.app.dataSource.getRepository(ReminderEntity).find()).map((r) => r.key).filter((k) => k.startsWith('digest:'));
  const groupDigests = async () => (await h.client.botMessages(LEADER, 'group')).filter((m) => m.template === 'digest');

  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) });
    h = await startDigestApp({ start: cst('2026-11-30T09:00'), roster: { timezone: 'Asia/Shanghai', members: MEMBERS }, logger });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('sends nothing, logs a warning and does not mark the week as sent', async () => {
    await h.app.runJob('weekly-digest');
    expect(await groupDigests()).toHaveLength(0);
    expect((await h.client.botMessages(LEADER)).filter((m) => m.template === 'digest')).toHaveLength(0);
    expect(logs.filter((l) => l.msg.startsWith('weekly digest skipped'))).toEqual([
      expect.objectContaining({ level: 40, msg: 'weekly digest skipped: no working-group chat is bound (/bind)', key: 'digest:2026-W48' }),
    ]);
    expect(await digestKeys()).toEqual([]);

    // The catch-up check finds no chat either: nothing sent, no warning per check.
    await h.app.runJob('weekly-digest-catch-up');
    expect(await groupDigests()).toHaveLength(0);
    expect(logs.filter((l) => l.msg.startsWith('weekly digest skipped'))).toHaveLength(1);
  });

  it('posts the week once a leader binds the chat, and only once', async () => {
    h.clock.set(cst('2026-11-30T15:00'));
    await h.client.say(LEADER, '/bind', 'group');
    await h.app.settle();
    // The next catch-up check (every 15 minutes) posts the skipped week.
    h.clock.set(cst('2026-11-30T15:15'));
    await h.app.runJob('weekly-digest-catch-up');
    const cards = await groupDigests();
    expect(cards).toHaveLength(1);
    expect((cards[0].card as { header: { subtitle: { content: string } } }).header.subtitle.content).toBe('2026-11-23 至 2026-11-29 · 生成于 2026-11-30 15:15');
    await h.app.runJob('weekly-digest-catch-up');
    await h.app.runJob('weekly-digest');
    expect(await groupDigests()).toHaveLength(1);
    expect(await digestKeys()).toEqual(['digest:2026-W48']);
  });

  it('does not catch up a week that was never skipped, nor a past one', async () => {
    // The next Monday's scheduled run posts W49 normally; W48 is not posted again.
    h.clock.set(cst('2026-12-07T09:00'));
    await h.app.runJob('weekly-digest-catch-up');
    expect(await groupDigests()).toHaveLength(1);
    await h.app.runJob('weekly-digest');
    expect(await groupDigests()).toHaveLength(2);
    expect((await digestKeys()).sort()).toEqual(['digest:2026-W48', 'digest:2026-W49']);
  });
});

/**
 * The process was down (or the job failed) at DIGEST_CRON: node-cron does not run missed
 * schedules, so the catch-up check posts the last full week once this week's scheduled time has
 * passed and the week is not marked. 2026-11-30 is a Monday.
 */
describe.each([
  ['the default DIGEST_CRON (Mondays 09:00)', {}, cst('2026-11-30T08:45'), cst('2026-11-30T09:00'), cst('2026-11-30T10:00')],
  ['DIGEST_CRON=30 8 * * 5 (Fridays 08:30)', { DIGEST_CRON: '30 8 * * 5' }, cst('2026-12-04T08:15'), cst('2026-12-04T08:30'), cst('2026-12-04T08:45')],
])('weekly digest missed at its scheduled time, %s', (_label, env: Record<string, string>, before: string, at: string, after: string) => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  const groupDigests = async () => (await h.client.botMessages(LEADER, 'group')).filter((m) => m.template === 'digest');
  const digestKeys = async () => (await h.app.dataSource.getRepository(ReminderEntity).find()).map((r) => r.key).filter((k) => k.startsWith('digest'));

  beforeAll(async () => {
    h = await startDigestApp({ start: cst('2026-11-30T00:30'), env, roster: { timezone: 'Asia/Shanghai', workingGroupChat: 'oc_missed_group', members: MEMBERS } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('posts nothing before the scheduled time, nor at it (the scheduled run has its turn)', async () => {
    for (const t of [cst('2026-11-30T00:30'), before, at]) {
      h.clock.set(t);
      await h.app.runJob('weekly-digest-catch-up');
    }
    expect(await groupDigests()).toHaveLength(0);
    expect(await digestKeys()).toEqual([]);
  });

  it('posts the last full week at the first check after the scheduled time, once', async () => {
    h.clock.set(after);
    await h.app.runJob('weekly-digest-catch-up');
    const cards = await groupDigests();
    expect(cards).toHaveLength(1);
    const shanghai = new Date(new Date(after).getTime() + 8 * 3_600_000).toISOString().replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}).*$/, '$1 $2');
    expect((cards[0].card as { header: { subtitle: { content: string } } }).header.subtitle.content).toBe(`2026-11-23 至 2026-11-29 · 生成于 ${shanghai}`);
    await h.app.runJob('weekly-digest-catch-up');
    await h.app.runJob('weekly-digest');
    h.clock.set(cst('2026-12-06T23:45'));
    await h.app.runJob('weekly-digest-catch-up');
    expect(await groupDigests()).toHaveLength(1);
    expect(await digestKeys()).toEqual(['digest:2026-W48']);
  });

  it('the next week is again left to its scheduled time first', async () => {
    h.clock.set(cst('2026-12-07T08:45'));
    await h.app.runJob('weekly-digest-catch-up');
    expect(await groupDigests()).toHaveLength(1);
  });
});

/**
 * Escalation with no deputies on the roster: level 1 (deputies) is skipped, the leaders are still
 * told at level 2, once. REMIND_AFTER_HOURS=24 working hours; 2026-11-30 is a Monday.
 */
describe('escalation past a level whose role has no members', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  let no: number;
  const approvalReminders = async (as: string) => (await h.texts(as)).filter((t) => /^[⏰⏫]/u.test(t));
  const runAt = async (local: string) => {
    h.clock.set(cst(local));
    await h.app.runJob('reminders');
  };
  const remindKeys = async () => (await h.app.dataSource.getRepository(ReminderEntity).find({ order: { id: 'ASC' } })).map((r) => r.key).filter((k) => k.startsWith('remind:'));

  beforeAll(async () => {
    h = await startDigestApp({ start: cst('2026-11-30T09:30'), roster: { timezone: 'Asia/Shanghai', workingGroupChat: 'oc_escalation', members: MEMBERS } });
    no = await h.submit(LIAISON, '年度工作计划');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reminds the editors, skips the deputies (none), then tells the leaders once at their own level', async () => {
    await runAt('2026-12-02T15:30'); // 24 working hours
    expect(await approvalReminders(EDITOR)).toHaveLength(1);

    await runAt('2026-12-07T12:30'); // 48 working hours: the deputies' turn, and there are none
    expect(await approvalReminders(LEADER)).toEqual([]);
    expect(await remindKeys()).toEqual([`remind:${no}:1:0:0`]);

    await runAt('2026-12-10T09:29');
    expect(await approvalReminders(LEADER)).toEqual([]);
    await runAt('2026-12-10T09:30'); // 72 working hours
    const leader = `⏫ 催办升级（第 2 级）：稿件 #${no}「年度工作计划」（人力资源部）等待「成员」审核已超过 72 个工作小时仍未处理。审核人：李编辑，请督促。`;
    expect(await approvalReminders(LEADER)).toEqual([leader]);

    await runAt('2026-12-10T09:45');
    await runAt('2026-12-14T10:00');
    expect(await approvalReminders(LEADER)).toEqual([leader]);
    expect(await approvalReminders(EDITOR)).toHaveLength(1);
    expect(await remindKeys()).toEqual([`remind:${no}:1:0:0`, `remind:${no}:1:0:2`]);
  });
});
