import { readConfig } from '../config';
import { openDatabase } from '../db/data-source';

/** `npm run migrate`: applies pending migrations and exits. */
async function main() {
  const config = readConfig();
  const ds = await openDatabase(config.databaseUrl);
  const pending = await ds.showMigrations();
  console.log(pending ? 'Some migrations are still pending.' : 'Database schema is up to date.');
  await ds.destroy();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
