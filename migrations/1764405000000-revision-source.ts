import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The event a revision came from (a chat message's event id): handling the same event again after a
 * crash finds the revision instead of creating a second draft.
 */
export class RevisionSource1764405000000 implements MigrationInterface {
  name = 'RevisionSource1764405000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('revision', new TableColumn({ name: 'source', type: 'varchar', length: '200', isNullable: true }));
    await q.createIndex('revision', new TableIndex({ name: 'IDX_revision_source', columnNames: ['source'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('revision', 'IDX_revision_source');
    await q.dropColumn('revision', 'source');
  }
}
