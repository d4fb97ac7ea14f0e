import type { JobQueue } from '../../platform/queue/queue.ts';
import { IMPORT_JOB, type ImportJobPayload, type OrderService } from './service.ts';

/** Import runs as jobs: scheduled per connection, Import now and re-import. Several connections import at once; one connection never twice (lease). */
export function registerOrderJobs(queue: JobQueue, orders: OrderService): void {
  queue.register<ImportJobPayload>(IMPORT_JOB, (payload, ctx) => orders.runImportJob(payload, ctx.signal), { concurrency: 4 });
}
