import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { FEEDBACK_ENTITIES } from './feedback-entities';
import { TokenEntity } from './token-store';

export type Dialect = 'sqlite' | 'postgres';

/** `postgres://…` selects PostgreSQL; `sqlite:path`, `file:path` or a plain path selects an SQLite file. */
export function parseDatabaseUrl(url: string): { dialect: Dialect; target: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', target: url };
  const path = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  return { dialect: 'sqlite', target: path === ':memory:' ? path : resolve(path) };
}

/** Builds the data source. The schema comes only from migrations; `synchronize` stays off. */
export function createDataSource(url: string, options: { schema?: string } = {}): DataSource {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect === 'postgres') {
    return new DataSource({
      type: 'postgres',
      url: target,
      schema: options.schema,
      entities: [...ENTITIES, ...FEEDBACK_ENTITIES, TokenEntity],
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      logging: false,
      extra: { max: 10, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) },
    });
  }
  if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: target,
    entities: [...ENTITIES, ...FEEDBACK_ENTITIES, TokenEntity],
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  });
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(url: string, options: { schema?: string } = {}): Promise<DataSource> {
  const ds = createDataSource(url, options);
  await ds.initialize();
  if (options.schema) await ds.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
