import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

type Col = ConstructorParameters<typeof Table>[0] extends infer T ? (T extends { columns?: (infer C)[] } ? C : never) : never;

const pk: Col = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const time = (name: string, nullable = false): Col => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const str = (name: string, length: number, nullable = false): Col => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const text = (name: string, nullable = false): Col => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false): Col => ({ name, type: 'integer', isNullable: nullable });

/** Audience feedback (信息反馈): comments and statistics per publication, cursors, rectification items, sent reminders. */
export class FeedbackSchema1764380000000 implements MigrationInterface {
  name = 'FeedbackSchema1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'feedback',
      columns: [
        pk, int('publication_id'), int('draft_id'),
        // wechat | weibo | kuaishou | chat | form
        str('source', 20), str('external_id', 200),
        // Stored already masked: personal data never reaches the database in clear.
        text('text'), str('author', 100, true),
        str('sentiment', 10), { name: 'score', type: 'real', default: 0 }, text('flags'),
        time('created_at'), time('collected_at'),
      ],
      uniques: [{ columnNames: ['source', 'external_id'] }],
      indices: [{ columnNames: ['publication_id'] }, { columnNames: ['created_at'] }, { columnNames: ['draft_id'] }],
    }));
    await q.createTable(new Table({
      name: 'post_stats',
      columns: [
        pk, int('publication_id'), int('reads', true), int('likes', true), int('shares', true), int('comments', true),
        text('extra', true), time('fetched_at'),
      ],
      uniques: [{ columnNames: ['publication_id'] }],
    }));
    await q.createTable(new Table({
      name: 'feedback_cursor',
      columns: [
        pk, int('publication_id'), str('source', 20), text('cursor', true), int('failures'), text('last_error', true),
        time('next_attempt_at'), { name: 'done', type: 'boolean', default: false }, str('lease_owner', 100, true), time('lease_until', true),
      ],
      uniques: [{ columnNames: ['publication_id', 'source'] }],
      indices: [{ columnNames: ['done', 'next_attempt_at'] }],
    }));
    await q.createTable(new Table({
      name: 'rectification',
      columns: [
        pk, int('feedback_id', true), int('draft_id', true), text('title'), str('owner_id', 100), time('due_at'),
        // open | closed
        str('state', 10), text('note', true), text('closing_note', true), str('created_by', 100), time('created_at'),
        str('closed_by', 100, true), time('closed_at', true),
      ],
      indices: [{ columnNames: ['state', 'due_at'] }],
    }));
    await q.createTable(new Table({
      name: 'reminder',
      // One row per reminder, summary or digest sent, keyed so that none is sent twice (e.g. `summary:pub:12`).
      columns: [pk, str('key', 200), time('sent_at')],
      uniques: [{ columnNames: ['key'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['reminder', 'rectification', 'feedback_cursor', 'post_stats', 'feedback']) await q.dropTable(t);
  }
}
