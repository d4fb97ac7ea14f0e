// The JSON the accounts API answers with: the server builds it, the console reads it.
// Plain types only, so web/ can import them too.

export type Role = 'owner' | 'admin' | 'operator' | 'warehouse';
export type Locale = 'ja' | 'ko' | 'en';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  seller: { id: string; name: string } | null;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  disabled: boolean;
  createdAt: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  /** Both null for the system (e.g. setup from the environment); email alone for a failed sign-in. */
  actor: { userId: string | null; email: string | null };
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

export interface Dashboard {
  counts: Record<string, number>;
  modules: string[];
}
