import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { Deps, Extension } from './usecases/deps';
import { createDigestModule } from './digest-module';
import { createFeedbackModule } from './feedback-module';

/** What a feature module gets from the composition root. */
export interface ModuleContext {
  config: Config;
  deps: Deps;
  dataSource: DataSource;
  logger: Logger;
  /** Starts delivery of outbox messages written by the module (the app's pump). */
  kick(): Promise<void>;
}

/** A feature module: chat entry points, HTTP routes and scheduled jobs, wired by src/app.ts. */
export interface AppModule {
  extension?: Extension;
  routes?(router: Router): void;
  jobs?: { name: string; cron: string; run(): Promise<void> }[];
  /** Called by `listen()` at start-up, after the core released this replica's leases (e.g. to release the module's own). */
  start?(): Promise<void>;
}

/** The feature modules beyond the core loop. Each adds one line here. */
export function createModules(ctx: ModuleContext): AppModule[] {
  return [createFeedbackModule(ctx), createDigestModule(ctx)];
}
