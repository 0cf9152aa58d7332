import { EntitySchema, type DataSource } from 'typeorm';
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

/** Keeps rotated platform grants in the database, so a restart does not fall back to a spent refresh token. */
export function createDbTokenStore(dataSource: DataSource, now: () => Date): TokenStore {
  const repo = () => dataSource.getRepository(TokenEntity);
  return {
    get: async (key) => (await repo().findOneBy({ key }))?.value,
    set: async (key, value) => {
      await repo().upsert({ key, value, updatedAt: now() }, ['key']);
    },
  };
}
