import type { Kysely, Transaction } from 'kysely';

/**
 * The tables of the hub. Platform tables are declared here; each module adds its own by
 * declaration merging (`declare module '…/platform/db/schema.ts' { interface DatabaseSchema { … } }`),
 * so kysely checks every query against one schema without platform importing modules.
 *
 * Conventions for both dialects: ids and times are text (UTC ISO-8601), flags are integers 0/1,
 * JSON is text. The helpers in dialect.ts read and write them.
 */
export interface DatabaseSchema {
  jobs: JobsTable;
  job_schedules: JobSchedulesTable;
  secrets: SecretsTable;
}

export type JobState = 'waiting' | 'active' | 'completed' | 'dead';

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  /** The idempotency key while the job is waiting or active; cleared when it ends so the key can be used again. */
  pending_key: string | null;
  key: string | null;
  state: JobState;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  run_at: string;
  lease_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface JobSchedulesTable {
  key: string;
  name: string;
  payload: string;
  every_seconds: number;
  next_run_at: string;
  updated_at: string;
}

export interface SecretsTable {
  id: string;
  /** What the secret is for, e.g. "connection:…:apiKey"; never the secret itself. */
  purpose: string;
  key_version: number;
  ciphertext: string;
  created_at: string;
  updated_at: string;
}

export type Db = Kysely<DatabaseSchema>;
export type DbTx = Transaction<DatabaseSchema>;
/** Either the database or an open transaction: repos accept both so services decide the unit of work. */
export type DbOrTx = Db | DbTx;
