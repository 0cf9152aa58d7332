import { EntitySchema } from 'typeorm';
import type { TokenStore } from '../publishers/token-cache';
import { isoTime } from './entities';

interface TokenRow { key: string; value: string; updatedAt: Date }
export const TokenEntity = new EntitySchema<TokenRow>({
  name: 'token_store',
  columns: {
    key: { type: 'varchar', length: 200, primary: true },
    value: { type: 'text' },
    updatedAt: { type: 'varchar', length: 30, name: 'updated_at', transformer: isoTime },
  },
});

/** What the token store needs from the database: its own transactions (on SQLite, under the store's lock). */
export interface TokenStoreDb {
  exclusive<T>(fn: (em: import('typeorm').EntityManager) => Promise<T>): Promise<T>;
}

/**
 * Keeps rotated platform grants in the database, so a restart does not fall back to a spent refresh
 * token. Writes run in their own transaction: never inside (and rolled back with) someone else's.
 */
export function createDbTokenStore(db: TokenStoreDb, now: () => Date): TokenStore {
  return {
    get: (key) => db.exclusive(async (em) => (await em.getRepository(TokenEntity).findOneBy({ key }))?.value),
    set: (key, value) =>
      db.exclusive(async (em) => {
        await em.getRepository(TokenEntity).upsert({ key, value, updatedAt: now() }, ['key']);
      }),
  };
}
