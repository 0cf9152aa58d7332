import type { EntityManager } from 'typeorm';
import type { SentimentLabel } from '../domain/feedback';
import type { Platform } from '../domain/model';
import type { ChannelName } from '../ports/channel';
import type {
  DepartmentActivity, DigestQueries, FeedbackSampleItem, OpenRectification, PostFigures, PostTotals, ScheduledPost, SentimentCounts, TimeRange,
} from '../ports/digest';
import type { Tx } from '../ports/store';

/**
 * The digest's read models in portable SQL (SQLite and PostgreSQL). Times are ISO-8601 UTC strings
 * of fixed width, so ranges compare as text; counts arrive as strings from PostgreSQL (bigint).
 */

type Row = Record<string, unknown>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date => new Date(String(v));
const iso = (d: Date): string => d.toISOString();
const SENTIMENTS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative'];
const emptyCounts = (): SentimentCounts => ({ positive: 0, neutral: 0, negative: 0 });

/** Runs SQL written with `?` placeholders on the transaction's connection (`$n` on PostgreSQL). */
async function run(tx: Tx, sql: string, params: unknown[] = []): Promise<Row[]> {
  const em = tx.handle as EntityManager;
  let text = sql;
  if (em.connection.options.type === 'postgres') {
    let i = 0;
    text = sql.replace(/\?/g, () => `$${++i}`);
  }
  const rows: unknown = await em.query(text, params);
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

const PUBLISHED_IN = "p.state = 'published' AND p.published_at >= ? AND p.published_at < ?";

export function createDigestQueries(): DigestQueries {
  return {
    async postTotals(tx, range): Promise<PostTotals> {
      const [r] = await run(
        tx,
        `SELECT COUNT(*) AS posts, SUM(s.reads) AS reads, SUM(s.likes) AS likes, SUM(s.shares) AS shares, SUM(s.comments) AS comments
           FROM publication p LEFT JOIN post_stats s ON s.publication_id = p.id
          WHERE ${PUBLISHED_IN}`,
        [iso(range.from), iso(range.to)],
      );
      return { posts: num(r?.posts), reads: num(r?.reads), likes: num(r?.likes), shares: num(r?.shares), comments: num(r?.comments) };
    },

    async topPosts(tx, range, limit): Promise<PostFigures[]> {
      const rows = await run(
        tx,
        `SELECT p.id, p.draft_id, p.platform, p.account, p.url, p.published_at, s.reads, s.likes, s.shares, s.comments, r.title, d.department
           FROM publication p
           JOIN draft d ON d.id = p.draft_id
           JOIN revision r ON r.draft_id = p.draft_id AND r.n = p.revision
           LEFT JOIN post_stats s ON s.publication_id = p.id
          WHERE ${PUBLISHED_IN}
          ORDER BY COALESCE(s.reads, -1) DESC, p.published_at DESC, p.id DESC
          LIMIT ?`,
        [iso(range.from), iso(range.to), limit],
      );
      if (rows.length === 0) return [];
      const ids = rows.map((r) => num(r.id));
      const counts = new Map<number, SentimentCounts>(ids.map((id) => [id, emptyCounts()]));
      const feedback = await run(
        tx,
        `SELECT publication_id, sentiment, COUNT(*) AS n FROM feedback WHERE publication_id IN (${ids.map(() => '?').join(', ')}) GROUP BY publication_id, sentiment`,
        ids,
      );
      for (const f of feedback) {
        const c = counts.get(num(f.publication_id));
        const s = f.sentiment as SentimentLabel;
        if (c && SENTIMENTS.includes(s)) c[s] += num(f.n);
      }
      return rows.map((r) => ({
        publicationId: num(r.id),
        draftId: num(r.draft_id),
        title: String(r.title),
        department: String(r.department),
        platform: r.platform as Platform,
        account: String(r.account ?? ''),
        url: (r.url as string | null) ?? null,
        publishedAt: date(r.published_at),
        reads: numOrNull(r.reads),
        likes: numOrNull(r.likes),
        shares: numOrNull(r.shares),
        comments: numOrNull(r.comments),
        feedback: counts.get(num(r.id)) ?? emptyCounts(),
      }));
    },

    async postsPerBucket(tx, buckets: readonly TimeRange[]): Promise<number[]> {
      if (buckets.length === 0) return [];
      const cases = buckets.map((_, i) => `SUM(CASE WHEN p.published_at >= ? AND p.published_at < ? THEN 1 ELSE 0 END) AS b${i}`).join(', ');
      const params: string[] = buckets.flatMap((b) => [iso(b.from), iso(b.to)]);
      const from = buckets.reduce((m, b) => (b.from < m ? b.from : m), buckets[0].from);
      const to = buckets.reduce((m, b) => (b.to > m ? b.to : m), buckets[0].to);
      const [r] = await run(tx, `SELECT ${cases} FROM publication p WHERE ${PUBLISHED_IN}`, [...params, iso(from), iso(to)]);
      return buckets.map((_, i) => num(r?.[`b${i}`]));
    },

    async feedbackTotals(tx, range): Promise<SentimentCounts> {
      // One index range count per label (sentiment, created_at): no grouping of the period's rows.
      const count = (label: SentimentLabel) => `(SELECT COUNT(*) FROM feedback WHERE sentiment = '${label}' AND created_at >= ? AND created_at < ?) AS ${label}`;
      const [r] = await run(tx, `SELECT ${SENTIMENTS.map(count).join(', ')}`, SENTIMENTS.flatMap(() => [iso(range.from), iso(range.to)]));
      return { positive: num(r?.positive), neutral: num(r?.neutral), negative: num(r?.negative) };
    },

    async feedbackSample(tx, range, recent, negative): Promise<FeedbackSampleItem[]> {
      const cols = 'id, text, source, sentiment, score, created_at';
      const params = [iso(range.from), iso(range.to)];
      const latest = recent > 0
        ? await run(tx, `SELECT ${cols} FROM feedback WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?`, [...params, recent])
        : [];
      const worst = negative > 0
        ? await run(tx, `SELECT ${cols} FROM feedback WHERE sentiment = 'negative' AND created_at >= ? AND created_at < ? ORDER BY score ASC, id ASC LIMIT ?`, [...params, negative])
        : [];
      const byId = new Map<number, FeedbackSampleItem>();
      for (const r of [...latest, ...worst]) {
        const id = num(r.id);
        if (!byId.has(id)) {
          byId.set(id, { id, text: String(r.text), source: String(r.source), sentiment: r.sentiment as SentimentLabel, score: num(r.score), createdAt: date(r.created_at) });
        }
      }
      return [...byId.values()];
    },

    async pendingSteps(tx) {
      const rows = await run(
        tx,
        `SELECT d.id, d.channel, d.revision, d.step, d.department, d.author_id, r.title, r.created_at AS revised_at, dc.created_at AS decided_at
           FROM draft d
           JOIN revision r ON r.draft_id = d.id AND r.n = d.revision
           LEFT JOIN decision dc ON dc.draft_id = d.id AND dc.revision = d.revision AND dc.step = d.step - 1
          WHERE d.state = 'in_review'
          ORDER BY d.id`,
      );
      return rows.map((r) => ({
        draftId: num(r.id),
        channel: r.channel as ChannelName,
        revision: num(r.revision),
        step: num(r.step),
        title: String(r.title),
        department: String(r.department),
        authorId: String(r.author_id),
        stepStartedAt: date(num(r.step) > 0 && r.decided_at ? r.decided_at : r.revised_at),
      }));
    },

    async scheduled(tx, range, limit) {
      const params = [iso(range.from), iso(range.to)];
      const where = "p.state = 'scheduled' AND p.due_at >= ? AND p.due_at < ?";
      const [c] = await run(tx, `SELECT COUNT(*) AS n FROM publication p WHERE ${where}`, params);
      const rows = await run(
        tx,
        `SELECT p.id, p.draft_id, p.platform, p.account, p.due_at, r.title, d.department
           FROM publication p
           JOIN draft d ON d.id = p.draft_id
           JOIN revision r ON r.draft_id = p.draft_id AND r.n = p.revision
          WHERE ${where}
          ORDER BY p.due_at, p.id
          LIMIT ?`,
        [...params, limit],
      );
      const items: ScheduledPost[] = rows.map((r) => ({
        publicationId: num(r.id), draftId: num(r.draft_id), title: String(r.title), department: String(r.department),
        platform: r.platform as Platform, account: String(r.account ?? ''), dueAt: date(r.due_at),
      }));
      return { total: num(c?.n), items };
    },

    async departmentActivity(tx) {
      const members = await run(tx, 'SELECT id, department, roles FROM member ORDER BY id');
      const liaisons = new Map<string, string[]>();
      for (const m of members) {
        let roles: unknown = [];
        try {
          roles = JSON.parse(String(m.roles));
        } catch {
          roles = [];
        }
        if (!Array.isArray(roles) || !roles.includes('liaison')) continue;
        const dept = String(m.department).trim();
        if (!dept) continue;
        liaisons.set(dept, [...(liaisons.get(dept) ?? []), String(m.id)]);
      }
      if (liaisons.size === 0) return [];
      const depts = [...liaisons.keys()];
      const latest = await run(
        tx,
        `SELECT d.department, d.id, d.channel, d.created_at
           FROM draft d
           JOIN (SELECT department, MAX(created_at) AS last FROM draft WHERE department IN (${depts.map(() => '?').join(', ')}) GROUP BY department) m
             ON m.department = d.department AND m.last = d.created_at`,
        depts,
      );
      const last = new Map<string, Row>();
      for (const r of latest) {
        const prev = last.get(String(r.department));
        if (!prev || num(r.id) > num(prev.id)) last.set(String(r.department), r);
      }
      return depts.sort().map((department): DepartmentActivity => {
        const r = last.get(department);
        return {
          department,
          liaisonIds: liaisons.get(department) ?? [],
          lastDraftId: r ? num(r.id) : null,
          lastChannel: r ? (r.channel as ChannelName) : null,
          lastSubmittedAt: r ? date(r.created_at) : null,
        };
      });
    },

    async openRectifications(tx, now, limit) {
      const [c] = await run(tx, "SELECT COUNT(*) AS total, SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS overdue FROM rectification WHERE state = 'open'", [iso(now)]);
      const rows = await run(
        tx,
        `SELECT r.id, r.title, r.owner_id, r.due_at, r.draft_id, m.name
           FROM rectification r LEFT JOIN member m ON m.id = r.owner_id
          WHERE r.state = 'open'
          ORDER BY r.due_at, r.id
          LIMIT ?`,
        [limit],
      );
      const items: OpenRectification[] = rows.map((r) => ({
        id: num(r.id), title: String(r.title), ownerId: String(r.owner_id), ownerName: (r.name as string | null) ?? null, dueAt: date(r.due_at), draftId: numOrNull(r.draft_id),
      }));
      return { total: num(c?.total), overdue: num(c?.overdue), items };
    },

    async markSent(tx, key, at) {
      const rows = await run(tx, 'INSERT INTO reminder ("key", sent_at) VALUES (?, ?) ON CONFLICT ("key") DO NOTHING RETURNING id', [key, iso(at)]);
      return rows.length === 1;
    },

    async isMarked(tx, key) {
      return (await run(tx, 'SELECT 1 AS one FROM reminder WHERE "key" = ?', [key])).length > 0;
    },

    async firstSeen(tx, key, at) {
      await run(tx, 'INSERT INTO reminder ("key", sent_at) VALUES (?, ?) ON CONFLICT ("key") DO NOTHING RETURNING id', [key, iso(at)]);
      const [r] = await run(tx, 'SELECT sent_at FROM reminder WHERE "key" = ?', [key]);
      return r ? date(r.sent_at) : at;
    },
  };
}
