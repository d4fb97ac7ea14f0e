import type { HttpServer } from './server.ts';
import type { Logger } from '../log/logger.ts';

/** Serves the web console (the built SPA) at `/`. */
export async function registerWebConsole(_http: HttpServer, _log: Logger): Promise<void> {
  // The console is added with the accounts issue.
}
