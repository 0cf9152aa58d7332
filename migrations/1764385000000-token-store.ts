import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Platform grants that rotate (Kuaishou refresh tokens): kept across restarts. */
export class TokenStore1764385000000 implements MigrationInterface {
  name = 'TokenStore1764385000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'token_store',
      columns: [
        { name: 'key', type: 'varchar', length: '200', isPrimary: true },
        { name: 'value', type: 'text' },
        { name: 'updated_at', type: 'varchar', length: '30' },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('token_store');
  }
}
