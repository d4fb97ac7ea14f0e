// What the sandbox was asked, for tests and the demo (GET /__sandbox/requests). Never the key itself.

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  openapikeyPresent: boolean;
  /** HTTP status sent; null when a chaos timeout left the request unanswered. */
  status: number | null;
  /** The 11st result code in the body (result_code / resultCode), when there is one. */
  resultCode: string | null;
  fault: 'timeout' | 'error' | 'malformed' | null;
}

const MAX_ENTRIES = 10_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): readonly RequestLogEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
