import { ReminderEntity } from '../../../src/db/feedback-entities';
import { startDigestApp } from './harness';

const SUN = 'ou_sun'; // liaison, 财务部: never submitted
const ZHOU = 'ou_zhou'; // liaison, 财务部
const EDITOR = 'ou_li';
const LEADER = 'ou_wang';
const ROSTER = {
  timezone: 'Asia/Shanghai',
  workingGroupChat: 'oc_cadence_group',
  members: [
    { openId: SUN, name: '孙信息员', department: '财务部', roles: ['liaison'] },
    { openId: ZHOU, name: '周信息员', department: '财务部', roles: ['liaison'] },
    { openId: EDITOR, name: '李编辑', department: '宣传部', roles: ['editor'] },
    { openId: LEADER, name: '王组长', department: '党政办公室', roles: ['leader'] },
  ],
};

/** Shanghai local time (UTC+8) as an ISO instant. */
const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

/**
 * A department that never submitted (CADENCE_DAYS=10, CADENCE_WARN_DAYS=3): its cadence counts
 * from when the reminders job first saw it, recorded even outside working hours; its liaisons are
 * warned once after 7 days (at the next run within working hours). 2026-11-28 is a Saturday.
 */
describe('cadence of a department that never submitted (sandbox, fake clock)', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  const cadence = async (as: string) => (await h.texts(as)).filter((t) => t.startsWith('📮'));
  const runAt = async (local: string) => {
    h.clock.set(cst(local));
    await h.app.runJob('reminders');
  };
  const keys = async () => (await h.app.dataSource.getRepository(ReminderEntity).find({ order: { id: 'ASC' } })).map((r) => [r.key, r.sentAt.toISOString()]);

  beforeAll(async () => {
    h = await startDigestApp({ start: cst('2026-11-28T22:00'), roster: ROSTER, env: { CADENCE_DAYS: '10', CADENCE_WARN_DAYS: '3' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('records when the department was first seen, on a run outside working hours, and keeps that time', async () => {
    await runAt('2026-11-28T22:00');
    await runAt('2026-11-30T10:00');
    expect(await keys()).toEqual([['cadence-since:财务部', cst('2026-11-28T22:00')]]);
    expect(await cadence(SUN)).toEqual([]);
  });

  it('warns every liaison once, at the first run within working hours after CADENCE_DAYS - CADENCE_WARN_DAYS days', async () => {
    await runAt('2026-12-04T17:59'); // 5 days 20 h
    expect(await cadence(SUN)).toEqual([]);
    await runAt('2026-12-05T22:00'); // 7 days, but a Saturday night
    expect(await cadence(SUN)).toEqual([]);

    await runAt('2026-12-07T09:00');
    const text = '📮 财务部还没有投稿记录（自 2026-11-28 起计，已 8 天）。按要求每 10 天至少报送一次信息，请在 2026-12-08 22:00 前投稿。发送 /help 查看投稿方法。';
    expect(await cadence(SUN)).toEqual([text]);
    expect(await cadence(ZHOU)).toEqual([text]);

    // Once: not again later that day, nor when the cadence breaks.
    await runAt('2026-12-07T09:15');
    await runAt('2026-12-09T10:00');
    expect(await cadence(SUN)).toHaveLength(1);
    expect((await keys()).map(([k]) => k)).toEqual(['cadence-since:财务部', 'cadence:财务部:none']);
  });

  it('a first draft starts the usual cycle, counted from that draft', async () => {
    h.clock.set(cst('2026-12-09T10:00'));
    const no = await h.submit(SUN, '财务部年度预算说明');
    await runAt('2026-12-16T09:59');
    expect(await cadence(SUN)).toHaveLength(1);
    await runAt('2026-12-16T10:00');
    expect((await cadence(SUN)).at(-1)).toBe('📮 财务部上次投稿是 2026-12-09（7 天前）。按要求每 10 天至少报送一次信息，请在 2026-12-19 10:00 前投稿。发送 /help 查看投稿方法。');
    expect((await keys()).map(([k]) => k)).toContain(`cadence:财务部:${no}`);
  });
});

describe('cadence of a department that never submitted, first reached after the deadline', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  afterAll(async () => {
    await h?.stop();
  });

  it('tells the liaisons the cadence is broken, once', async () => {
    h = await startDigestApp({ start: cst('2026-11-30T09:00'), roster: { ...ROSTER, members: ROSTER.members.filter((m) => m.openId !== ZHOU) }, env: { CADENCE_DAYS: '10', CADENCE_WARN_DAYS: '3' } });
    await h.app.runJob('reminders');
    // The job did not run for eleven days (e.g. the service was down).
    h.clock.set(cst('2026-12-11T09:00'));
    await h.app.runJob('reminders');
    await h.app.runJob('reminders');
    expect((await h.texts(SUN)).filter((t) => t.startsWith('📮'))).toEqual(['📮 财务部还没有投稿记录（自 2026-11-30 起计，已 11 天），已超过 10 天的报送周期，请尽快投稿。发送 /help 查看投稿方法。']);
  });
});
