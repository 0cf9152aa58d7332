import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Feedback by reply: a reply names the platform message id of the 已发布 notice or status card; find its outbox row and card by index. */
export class FeedbackMore1764390000000 implements MigrationInterface {
  name = 'FeedbackMore1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_message_id', columnNames: ['message_id'] }));
    await q.createIndex('card_message', new TableIndex({ name: 'IDX_card_message_message_id', columnNames: ['message_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('card_message', 'IDX_card_message_message_id');
    await q.dropIndex('outbox', 'IDX_outbox_message_id');
  }
}
