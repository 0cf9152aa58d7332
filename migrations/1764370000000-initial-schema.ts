import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

type Col = ConstructorParameters<typeof Table>[0] extends infer T ? (T extends { columns?: (infer C)[] } ? C : never) : never;

const pk: Col = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const time = (name: string, nullable = false): Col => ({ name, type: 'varchar', length: '30', isNullable: nullable });
const str = (name: string, length: number, nullable = false): Col => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const text = (name: string, nullable = false): Col => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false): Col => ({ name, type: 'integer', isNullable: nullable });

/** The core loop's schema: roster, drafts with revisions and decisions, publications, audit, inbox and outbox. */
export class InitialSchema1764370000000 implements MigrationInterface {
  name = 'InitialSchema1764370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'member',
      columns: [
        { name: 'id', type: 'varchar', length: '100', isPrimary: true },
        str('name', 100), str('department', 100), text('roles'),
        { name: 'roles_from_chat', type: 'boolean', default: false },
        time('updated_at'),
      ],
    }));
    await q.createTable(new Table({
      name: 'binding',
      columns: [{ name: 'channel', type: 'varchar', length: '20', isPrimary: true }, str('chat_id', 100), str('bound_by', 100), time('bound_at')],
    }));
    await q.createTable(new Table({
      name: 'draft',
      columns: [
        pk, str('channel', 20), str('author_id', 100), str('department', 100), str('category', 50), text('targets'),
        time('publish_at', true), str('state', 30), int('revision'), int('step'), int('version'), time('created_at'), time('updated_at'),
      ],
      indices: [{ columnNames: ['author_id'] }, { columnNames: ['state'] }],
    }));
    await q.createTable(new Table({
      name: 'revision',
      columns: [pk, int('draft_id'), int('n'), text('title'), text('body'), text('media'), text('findings'), str('content_hash', 64), str('created_by', 100), time('created_at')],
      uniques: [{ columnNames: ['draft_id', 'n'] }],
      foreignKeys: [{ columnNames: ['draft_id'], referencedTableName: 'draft', referencedColumnNames: ['id'] }],
    }));
    await q.createTable(new Table({
      name: 'decision',
      columns: [pk, int('draft_id'), int('revision'), int('step'), str('role', 20), str('decider_id', 100), str('verdict', 20), text('reason'), time('created_at')],
      uniques: [{ columnNames: ['draft_id', 'revision', 'step'] }],
      foreignKeys: [{ columnNames: ['draft_id'], referencedTableName: 'draft', referencedColumnNames: ['id'] }],
    }));
    await q.createTable(new Table({
      name: 'publication',
      columns: [
        pk, int('draft_id'), int('revision'), str('platform', 20), str('account', 100), str('publisher', 30), str('state', 20),
        time('due_at'), str('lease_owner', 100, true), time('lease_until', true), int('attempts'), text('steps'),
        text('url', true), str('external_id', 200, true), text('last_error', true), time('published_at', true), time('updated_at'),
      ],
      uniques: [{ columnNames: ['draft_id', 'revision', 'platform', 'account'] }],
      indices: [{ columnNames: ['state', 'due_at'] }],
      foreignKeys: [{ columnNames: ['draft_id'], referencedTableName: 'draft', referencedColumnNames: ['id'] }],
    }));
    await q.createTable(new Table({
      name: 'audit_log',
      columns: [
        pk, str('actor', 100), str('action', 50), str('subject', 100), str('from_state', 30, true), str('to_state', 30, true),
        int('revision', true), text('reason', true), text('detail', true), time('created_at'), str('prev_hash', 64), str('hash', 64),
      ],
      indices: [{ columnNames: ['subject'] }],
    }));
    await q.createTable(new Table({
      name: 'inbox',
      columns: [
        pk, str('channel', 20), str('event_id', 200), text('payload'), str('state', 20), str('token', 40), int('attempts'),
        str('lease_owner', 100, true), time('lease_until', true), time('received_at'), time('processed_at', true), text('last_error', true),
      ],
      uniques: [{ columnNames: ['channel', 'event_id'] }],
      indices: [{ columnNames: ['state'] }],
    }));
    await q.createTable(new Table({
      name: 'outbox',
      columns: [
        pk, str('channel', 20), text('message'), str('card_key', 200, true), str('state', 20), int('attempts'), time('next_attempt_at'),
        str('lease_owner', 100, true), time('lease_until', true), str('message_id', 200, true), text('last_error', true),
        time('created_at'), time('sent_at', true),
      ],
      indices: [{ columnNames: ['state', 'next_attempt_at'] }],
    }));
    await q.createIndex('outbox', new TableIndex({ columnNames: ['channel', 'card_key'] }));
    await q.createTable(new Table({
      name: 'card_message',
      columns: [
        { name: 'channel', type: 'varchar', length: '20', isPrimary: true },
        { name: 'card_key', type: 'varchar', length: '200', isPrimary: true },
        str('message_id', 200), time('updated_at'),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['card_message', 'outbox', 'inbox', 'audit_log', 'publication', 'decision', 'revision', 'draft', 'binding', 'member']) {
      await q.dropTable(t);
    }
  }
}
