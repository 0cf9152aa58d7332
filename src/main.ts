import { createApp } from './app';
import { ConfigError, readConfig } from './config';
import { createLogger } from './logger';
import { RosterError } from './org/roster-file';

/** Start: config → database → app → HTTP server and jobs. */
async function main() {
  let config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  try {
    const app = await createApp({ config, logger, cron: true });
    const server = await app.listen(config.port);
    logger.info({ port: server.port, channel: app.channel, database: config.databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite' }, 'Copydesk is running');
    if (app.channel === 'sandbox') logger.info(`No Feishu credentials: sandbox at http://localhost:${server.port}/sandbox`);
    const shutdown = async () => {
      logger.info('shutting down');
      await server.close();
      await app.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (e) {
    if (e instanceof RosterError || e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    logger.fatal({ err: e }, 'start-up failed');
    process.exit(1);
  }
}

void main();
