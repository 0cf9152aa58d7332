import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes of the weekly digest (bench/digest: 10,000 posts, 1,000,000 comments): feedback counted
 * by sentiment over a period and by post from the index alone, posts by publication time, departments by their latest draft.
 */
export class DigestIndexes1764400000000 implements MigrationInterface {
  name = 'DigestIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('feedback', new TableIndex({ name: 'IDX_feedback_sentiment_created', columnNames: ['sentiment', 'created_at'] }));
    await q.createIndex('feedback', new TableIndex({ name: 'IDX_feedback_publication_sentiment', columnNames: ['publication_id', 'sentiment'] }));
    await q.createIndex('publication', new TableIndex({ name: 'IDX_publication_state_published', columnNames: ['state', 'published_at'] }));
    await q.createIndex('draft', new TableIndex({ name: 'IDX_draft_department_created', columnNames: ['department', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('draft', 'IDX_draft_department_created');
    await q.dropIndex('publication', 'IDX_publication_state_published');
    await q.dropIndex('feedback', 'IDX_feedback_publication_sentiment');
    await q.dropIndex('feedback', 'IDX_feedback_sentiment_created');
  }
}
