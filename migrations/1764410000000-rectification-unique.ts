import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one open rectification item per feedback item, enforced by the database: a partial
 * unique index (SQLite >= 3.8, PostgreSQL), so two simultaneous 「建立」 taps cannot both insert
 * (`TypeormFeedbackRepo.insertRectification` inserts with ON CONFLICT DO NOTHING). Items a race
 * opened twice before this migration are closed first, all but the earliest of each feedback item,
 * with a note saying so (closed at their own creation time; by `system`).
 */
export class RectificationUnique1764410000000 implements MigrationInterface {
  name = 'RectificationUnique1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "rectification" SET "state" = 'closed', "closed_by" = 'system', "closed_at" = "created_at", ` +
        `"closing_note" = '重复的整改事项：同一条反馈已有更早的整改事项，升级时自动关闭。' ` +
        `WHERE "state" = 'open' AND "feedback_id" IS NOT NULL AND EXISTS (` +
        `SELECT 1 FROM "rectification" "earlier" WHERE "earlier"."feedback_id" = "rectification"."feedback_id" AND "earlier"."state" = 'open' AND "earlier"."id" < "rectification"."id")`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_rectification_open_feedback" ON "rectification" ("feedback_id") WHERE "state" = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_rectification_open_feedback"`);
  }
}
