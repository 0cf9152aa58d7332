import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A fresh database per test file: an SQLite file by default, or a PostgreSQL schema of its own
 * when TEST_DATABASE_URL points at PostgreSQL (`npm run test:pg`).
 */
export async function testDatabase(): Promise<{ url: string; schema?: string; cleanup(): Promise<void>; dialect: 'sqlite' | 'postgres' }> {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl && /^postgres/.test(pgUrl)) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return {
      url: pgUrl,
      schema,
      dialect: 'postgres',
      async cleanup() {
        const c = new Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'copydesk-test-'));
  return { url: `sqlite:${join(dir, 'test.db')}`, dialect: 'sqlite', cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
