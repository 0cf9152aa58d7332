import { ReminderEntity } from '../../../src/db/feedback-entities';
import { startDigestApp } from './harness';

const LIAISON = 'ou_sandbox_liaison';
const EDITOR = 'ou_sandbox_editor';
const DEPUTY = 'ou_sandbox_deputy';
const LEADER = 'ou_sandbox_leader';

/** Shanghai local time (UTC+8) as an ISO instant. */
const cst = (local: string) => new Date(`${local}+08:00`).toISOString();

/**
 * Reminders under a fake clock with the sandbox roster: REMIND_AFTER_HOURS=24 counted in working
 * hours (09:00-18:00, Monday to Friday), a 10-day cadence warned 3 days ahead.
 * 2026-11-30 is a Monday.
 */
describe('reminders and escalation (sandbox, fake clock)', () => {
  let h: Awaited<ReturnType<typeof startDigestApp>>;
  let no: number;
  const reminders = async (as: string) => (await h.texts(as)).filter((t) => /^[⏰⏫📮]/u.test(t));
  const runAt = async (local: string) => {
    h.clock.set(cst(local));
    await h.app.runJob('reminders');
  };
  const counts = async () => [await reminders(EDITOR), await reminders(DEPUTY), await reminders(LEADER), await reminders(LIAISON)].map((r) => r.length);

  beforeAll(async () => {
    h = await startDigestApp({ start: cst('2026-11-30T09:30'), env: { CADENCE_DAYS: '10', CADENCE_WARN_DAYS: '3' } });
    no = await h.submit(LIAISON, '年度工作计划');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reminds the editors once after 24 working hours, not before', async () => {
    await runAt('2026-11-30T17:00');
    await runAt('2026-12-02T15:29'); // 23 h 59 min of working time
    expect(await counts()).toEqual([0, 0, 0, 0]);

    await runAt('2026-12-02T15:30');
    expect(await reminders(EDITOR)).toEqual([`⏰ 稿件 #${no}「年度工作计划」（人力资源部）等待你的「成员」审核已超过 24 个工作小时，请在审批卡片上处理，或发送 /status ${no} 查看。`]);
    await runAt('2026-12-02T15:45');
    await runAt('2026-12-04T17:59');
    expect(await counts()).toEqual([1, 0, 0, 0]);
  });

  it('escalates to the deputies and warns the liaison only within working hours', async () => {
    // 48 working hours were reached on Monday 12:30, but 19:00 is after hours: nothing yet.
    await runAt('2026-12-07T19:00');
    expect(await counts()).toEqual([1, 0, 0, 0]);

    await runAt('2026-12-08T09:00');
    expect(await reminders(DEPUTY)).toEqual([`⏫ 催办升级（第 1 级）：稿件 #${no}「年度工作计划」（人力资源部）等待「成员」审核已超过 48 个工作小时仍未处理。审核人：李编辑，请督促。`]);
    expect(await reminders(LIAISON)).toEqual(['📮 人力资源部上次投稿是 2026-11-30（7 天前）。按要求每 10 天至少报送一次信息，请在 2026-12-10 09:30 前投稿。发送 /help 查看投稿方法。']);
    expect(await counts()).toEqual([1, 1, 0, 1]);
  });

  it('escalates to the leaders after 72 working hours, each level once', async () => {
    await runAt('2026-12-10T09:29');
    expect(await counts()).toEqual([1, 1, 0, 1]);
    await runAt('2026-12-10T09:30');
    expect(await reminders(LEADER)).toEqual([`⏫ 催办升级（第 2 级）：稿件 #${no}「年度工作计划」（人力资源部）等待「成员」审核已超过 72 个工作小时仍未处理。审核人：李编辑，请督促。`]);
    // The cadence broke at 09:30 as well, but the liaison was warned for this submission already.
    await runAt('2026-12-10T09:45');
    expect(await counts()).toEqual([1, 1, 1, 1]);
    const keys = (await h.app.dataSource.getRepository(ReminderEntity).find({ order: { id: 'ASC' } })).map((r) => r.key);
    expect(keys).toEqual([`remind:${no}:1:0:0`, `remind:${no}:1:0:1`, `cadence:人力资源部:${no}`, `remind:${no}:1:0:2`]);
  });

  it('starts over for the next step: the leader is reminded after 24 working hours of the leader step, with no one above', async () => {
    h.clock.set(cst('2026-12-10T10:00'));
    await h.decide(EDITOR, no, 'approve');
    await runAt('2026-12-14T15:59'); // Thursday 8 h + Friday 9 h + Monday 6 h 59 min
    expect(await counts()).toEqual([1, 1, 1, 1]);
    await runAt('2026-12-14T16:00');
    expect((await reminders(LEADER)).at(-1)).toBe(`⏰ 稿件 #${no}「年度工作计划」（人力资源部）等待你的「组长」审核已超过 24 个工作小时，请在审批卡片上处理，或发送 /status ${no} 查看。`);
    await runAt('2026-12-18T17:00');
    expect(await counts()).toEqual([1, 1, 2, 1]);
  });
});
