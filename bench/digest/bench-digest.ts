/**
 * The weekly digest over a large store: 10,000 posts and 1,000,000 comments in a fresh SQLite file.
 *   npm run bench:digest                                # generate, then measure in a separate process
 *   npm run bench:digest -- --posts 2000 --feedback 100000
 *   npm run bench:digest -- --week-heavy                # worst case: every comment written in the digest's week
 *   npm run bench:digest -- --keep                      # keep the database file (path printed)
 * Generation goes through the real migrations, then bulk-inserts with better-sqlite3 prepared
 * statements. The measurement runs the real `weekly-digest` job of the real app (createApp, sandbox
 * channel, fake clock) in a child process, so that generation memory does not count in its peak RSS.
 * Targets: under 10 s and under 300 MB peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app';
import { readConfig } from '../../src/config';
import { openDatabase } from '../../src/db/data-source';
import { createDigestQueries } from '../../src/db/digest-queries';
import { readDigestSettings } from '../../src/digest-module';
import type { DigestQueries } from '../../src/ports/digest';
import { buildDigest } from '../../src/usecases/digest/weekly-digest';
import { lastFullWeek } from '../../src/domain/digest';
import { summariseFeedback } from '../../src/domain/feedback';

/** Monday 2026-11-30 09:00 in Shanghai: the digest of the week 11-23 to 11-29. */
const NOW = new Date('2026-11-30T01:00:00.000Z');
const DAY = 86_400_000;
const TARGET_MS = 10_000;
const TARGET_MB = 300;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

/** A small deterministic PRNG (mulberry32), so that every run generates the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEPARTMENTS = ['党政办公室', '人力资源部', '财务部', '后勤部', '宣传部', '科研处', '教务处', '学生处', '保卫处', '工会', '团委', '图书馆', '信息中心', '基建处', '资产处', '国际交流处', '审计处', '纪检办', '档案馆', '医院'];
const TOPICS = ['年终总结会', '安全生产检查', '志愿服务活动', '新春慰问', '专题学习', '招聘公告', '科普讲座', '文化节', '运动会', '表彰大会'];
const COMMENTS: [string, 'positive' | 'neutral' | 'negative', number][] = [
  ['活动办得很好，点赞', 'positive', 0.8], ['内容很实用，谢谢分享', 'positive', 0.7], ['为工作人员的辛苦付出点赞', 'positive', 0.75],
  ['希望以后多组织这样的活动', 'positive', 0.5], ['总结很到位，部署很清楚', 'positive', 0.6], ['请问报名截止到什么时候', 'neutral', 0],
  ['会议纪要在哪里可以下载', 'neutral', 0], ['已转发给同事', 'neutral', 0.1], ['下周还有吗', 'neutral', 0], ['地点在几号楼', 'neutral', -0.05],
  ['停车太难了，排队一个小时', 'negative', -0.9], ['食堂排队太久，饭菜也凉了', 'negative', -0.7], ['通知发得太晚，根本来不及报名', 'negative', -0.6],
  ['办事大厅窗口太少，效率低', 'negative', -0.8], ['网站打不开，页面一直报错', 'negative', -0.85], ['文章里的电话号码写错了', 'negative', -0.4],
];
const SOURCES = ['wechat', 'weibo', 'douyin', 'kuaishou'];

/** The part of better-sqlite3's API the generator uses. */
interface SqliteDb {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction(fn: () => void): () => void;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
}

/** Builds the database: real migrations, then bulk inserts in large transactions. */
async function generate(file: string, posts: number, feedback: number, weekHeavy: boolean) {
  const ds = await openDatabase(`sqlite:${file}`);
  // The better-sqlite3 connection under TypeORM: prepared statements in large transactions for speed.
  const db = (ds.driver as unknown as { databaseConnection: SqliteDb }).databaseConnection;
  db.pragma('synchronous = OFF');
  const random = rng(20261130);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const iso = (ms: number) => new Date(ms).toISOString();
  const yearAgo = NOW.getTime() - 365 * DAY;
  const week = lastFullWeek(NOW, 'Asia/Shanghai');

  const member = db.prepare('INSERT INTO member (id, name, department, roles, roles_from_chat, updated_at) VALUES (?, ?, ?, ?, 0, ?)');
  const draft = db.prepare('INSERT INTO draft (id, channel, author_id, department, category, targets, publish_at, state, revision, step, version, created_at, updated_at) VALUES (?, \'sandbox\', ?, ?, \'工作动态\', ?, ?, ?, 1, ?, 3, ?, ?)');
  const revision = db.prepare('INSERT INTO revision (draft_id, n, title, body, media, findings, content_hash, created_by, created_at) VALUES (?, 1, ?, ?, \'[]\', \'[]\', ?, ?, ?)');
  const decision = db.prepare('INSERT INTO decision (draft_id, revision, step, role, decider_id, verdict, reason, created_at) VALUES (?, 1, ?, ?, ?, \'approve\', \'\', ?)');
  const publication = db.prepare('INSERT INTO publication (id, draft_id, revision, platform, account, publisher, state, due_at, attempts, steps, url, published_at, updated_at) VALUES (?, ?, 1, ?, \'\', \'webhook\', ?, ?, 1, \'{}\', ?, ?, ?)');
  const stats = db.prepare('INSERT INTO post_stats (publication_id, reads, likes, shares, comments, extra, fetched_at) VALUES (?, ?, ?, ?, ?, NULL, ?)');
  const comment = db.prepare('INSERT INTO feedback (publication_id, draft_id, source, external_id, text, author, sentiment, score, flags, created_at, collected_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, \'[]\', ?, ?)');
  const rect = db.prepare('INSERT INTO rectification (feedback_id, draft_id, title, owner_id, due_at, state, note, closing_note, created_by, created_at, closed_by, closed_at) VALUES (NULL, ?, ?, ?, ?, ?, NULL, NULL, \'ou_leader\', ?, NULL, NULL)');

  db.transaction(() => {
    DEPARTMENTS.forEach((d, i) => member.run(`ou_liaison_${i}`, `信息员${i}`, d, '["liaison"]', iso(yearAgo)));
    member.run('ou_editor_1', '编辑一', '宣传部', '["editor"]', iso(yearAgo));
    member.run('ou_editor_2', '编辑二', '宣传部', '["editor"]', iso(yearAgo));
    member.run('ou_deputy', '副组长', '党政办公室', '["deputy"]', iso(yearAgo));
    member.run('ou_leader', '组长', '党政办公室', '["leader"]', iso(yearAgo));
  })();

  // Posts: published over the last year (some departments stop submitting a month ago); then drafts in review and scheduled.
  const published: { id: number; draftId: number; at: number; source: string }[] = [];
  db.transaction(() => {
    for (let id = 1; id <= posts; id++) {
      const deptIndex = Math.floor(random() * DEPARTMENTS.length);
      const quiet = deptIndex >= 16; // these departments stopped 40 days ago
      const at = yearAgo + random() * (365 - (quiet ? 40 : 0)) * DAY;
      const source = pick(SOURCES);
      const title = `${pick(TOPICS)}（第 ${id} 期）`;
      draft.run(id, `ou_liaison_${deptIndex}`, DEPARTMENTS[deptIndex], JSON.stringify([{ platform: source }]), null, 'published', 0, iso(at - 3 * 3_600_000), iso(at));
      revision.run(id, title, `${title}的正文。`.repeat(10), `h${id}`, `ou_liaison_${deptIndex}`, iso(at - 3 * 3_600_000));
      decision.run(id, 0, 'editor', 'ou_editor_1', iso(at - 2 * 3_600_000));
      decision.run(id, 1, 'leader', 'ou_leader', iso(at - 3_600_000));
      publication.run(id, id, source, 'published', iso(at), `https://news.example.org/p/${id}`, iso(at), iso(at));
      stats.run(id, Math.floor(random() * 20_000), Math.floor(random() * 500), Math.floor(random() * 100), Math.floor(random() * 200), iso(NOW.getTime() - DAY));
      published.push({ id, draftId: id, at, source });
    }
    for (let k = 1; k <= 60; k++) {
      const id = posts + k;
      const inReview = k <= 40;
      const created = NOW.getTime() - random() * 10 * DAY;
      const due = NOW.getTime() + random() * 10 * DAY;
      const deptIndex = k % 16;
      draft.run(id, `ou_liaison_${deptIndex}`, DEPARTMENTS[deptIndex], '[{"platform":"wechat"}]', inReview ? null : iso(due), inReview ? 'in_review' : 'scheduled', inReview ? k % 2 : 0, iso(created), iso(created));
      revision.run(id, `待处理稿件 ${k}`, '正文', `p${id}`, `ou_liaison_${deptIndex}`, iso(created));
      if (inReview && k % 2 === 1) decision.run(id, 0, 'editor', 'ou_editor_1', iso(created + 3_600_000));
      if (!inReview) publication.run(posts + k, id, 'wechat', 'scheduled', iso(due), null, null, iso(created));
    }
    for (let k = 0; k < 500; k++) {
      const created = NOW.getTime() - random() * 120 * DAY;
      rect.run(1 + Math.floor(random() * posts), `整改事项 ${k}：${pick(COMMENTS)[0]}`, 'ou_editor_1', iso(created + 14 * DAY), k % 5 === 0 ? 'open' : 'closed', iso(created));
    }
  })();

  // Comments: each within 14 days after its post (or, with --week-heavy, all in the digest's week), in chunks.
  const chunk = 50_000;
  for (let start = 0; start < feedback; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(feedback, start + chunk); i++) {
        const p = published[Math.floor(random() * published.length)];
        const at = weekHeavy
          ? week.from.getTime() + random() * (week.to.getTime() - week.from.getTime() - 1)
          : Math.min(p.at + random() * 14 * DAY, NOW.getTime() - 60_000);
        const [text, sentiment, score] = pick(COMMENTS);
        comment.run(p.id, p.draftId, p.source, `c${i}`, `${text}${i % 7 === 0 ? `（${i}）` : ''}`, sentiment, score + (random() - 0.5) * 0.1, iso(at), iso(at));
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  await ds.destroy();
}

/** Wraps the queries to time each one (the breakdown printed after the run). */
function timed(q: DigestQueries, times: Record<string, number>): DigestQueries {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(q) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    out[name] = async (...a: unknown[]) => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        times[name] = (times[name] ?? 0) + performance.now() - t;
      }
    };
  }
  return out as unknown as DigestQueries;
}

/** In the child process: the real app, the real job, wall time and peak RSS. */
async function measure(file: string) {
  const rssBefore = process.resourceUsage().maxRSS;
  const clock = { now: () => new Date(NOW) };
  const config = readConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' });
  const t0 = performance.now();
  const app = await createApp({ config, logger: pino({ level: 'silent' }), clock });
  const startMs = performance.now() - t0;
  const rssStarted = process.resourceUsage().maxRSS;
  // The keyword engine (jieba dictionary and IDF table) is loaded on first use by any feedback summary;
  // loading it here separates its fixed cost from the digest's own work in the figures.
  summariseFeedback([{ id: 0, text: '预热关键词词典', createdAt: NOW, source: 'bench' }]);
  const rssKeywords = process.resourceUsage().maxRSS;

  const t1 = performance.now();
  await app.runJob('weekly-digest');
  const jobMs = performance.now() - t1;
  const rssAfterJob = process.resourceUsage().maxRSS;

  // The on-demand path (last 7 days) with a per-query breakdown.
  const times: Record<string, number> = {};
  const settings = readDigestSettings({}, 'sandbox');
  const t2 = performance.now();
  const report = await buildDigest(app.deps, { queries: timed(createDigestQueries(), times), settings }, { from: new Date(NOW.getTime() - 7 * DAY), to: NOW }, 'on_demand');
  const buildMs = performance.now() - t2;

  const t3 = performance.now();
  await app.runJob('reminders');
  const remindersMs = performance.now() - t3;

  const sent = (await app.dataSource.query("SELECT COUNT(*) AS n FROM reminder WHERE \"key\" LIKE 'digest:%'")) as { n: number }[];
  await app.stop();
  const peak = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({
    startMs, jobMs, buildMs, remindersMs, queries: times, rssBeforeMB: rssBefore / 1024, rssStartedMB: rssStarted / 1024, rssKeywordsMB: rssKeywords / 1024, rssAfterJobMB: rssAfterJob / 1024, peakMB: peak / 1024,
    digestSent: Number(sent[0]?.n ?? 0), report: { posts: report.posts.totals.posts, feedback: report.feedback.totals, pending: report.pending.length, upcoming: report.upcoming.total, lagging: report.lagging.length, rectifications: report.rectifications.total },
  })}\n`);
}

async function main() {
  if (args[0] === '--measure') {
    if (!args[1]) throw new Error('usage: bench-digest.ts --measure <sqlite file>');
    return measure(args[1]);
  }
  const posts = option('posts', 10_000);
  const feedback = option('feedback', 1_000_000);
  const weekHeavy = flag('week-heavy');
  const dir = mkdtempSync(join(tmpdir(), 'copydesk-bench-digest-'));
  const file = join(dir, 'bench.db');
  try {
    const g = performance.now();
    await generate(file, posts, feedback, weekHeavy);
    console.log(`generated ${posts} posts and ${feedback} comments${weekHeavy ? ' (all in the digest week)' : ''} in ${((performance.now() - g) / 1000).toFixed(1)} s; database ${(statSync(file).size / 1048576).toFixed(0)} MB`);

    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--measure', file], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (child.status !== 0) throw new Error(`measurement failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      startMs: number; jobMs: number; buildMs: number; remindersMs: number; queries: Record<string, number>; rssBeforeMB: number; rssStartedMB: number;
      rssKeywordsMB: number; rssAfterJobMB: number; peakMB: number; digestSent: number; report: unknown;
    };
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const mb = (v: number) => `${v.toFixed(0)} MB`;
    console.log(`app start: ${ms(r.startMs)}; RSS after imports ${mb(r.rssBeforeMB)}, after start ${mb(r.rssStartedMB)}, with the keyword engine (jieba) ${mb(r.rssKeywordsMB)}`);
    console.log(`weekly-digest job (queries, summary of the sample, card, outbox, delivery): ${ms(r.jobMs)}   [target < ${TARGET_MS} ms]`);
    console.log(`on-demand digest (last 7 days): ${ms(r.buildMs)}; queries: ${Object.entries(r.queries).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
    console.log(`reminders job: ${ms(r.remindersMs)}`);
    console.log(`peak RSS of the measuring process: ${mb(r.peakMB)}   [target < ${TARGET_MB} MB]; added by the digest job itself: ${mb(r.rssAfterJobMB - r.rssKeywordsMB)}`);
    console.log(`digest: ${JSON.stringify(r.report)}; weekly digests recorded: ${r.digestSent}`);
    const timeOk = r.jobMs < TARGET_MS;
    const memoryOk = r.peakMB < TARGET_MB;
    console.log(`time: ${timeOk ? 'OK' : 'OVER TARGET'}; peak memory: ${memoryOk ? 'OK' : 'OVER TARGET'}`);
    const ok = timeOk && memoryOk && r.digestSent === 1;
    if (!ok) process.exitCode = 1;
  } finally {
    if (flag('keep')) console.log(`kept ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
