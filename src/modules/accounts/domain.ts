import { AppError } from '../../platform/http/errors.ts';
import type { Locale, Role } from './api.ts';

export type { ApiTokenView, AuditEntry, Locale, Me, Role, UserView } from './api.ts';

/** A seller's user has one of the seller roles; warehouse staff belong to the hub's operator, not to a seller. */
export const sellerRoles = ['owner', 'admin', 'operator'] as const satisfies readonly Role[];
export const roles = [...sellerRoles, 'warehouse'] as const satisfies readonly Role[];

export const locales = ['ja', 'ko', 'en'] as const satisfies readonly Locale[];

/**
 * Who is calling and for which sellers. Every service method of every module receives it and scopes
 * its queries by `sellerIds`; a row of another seller is "not found", never "forbidden".
 */
export interface SellerScope {
  userId: string;
  /** The caller's own seller; null for warehouse staff. */
  sellerId: string | null;
  role: Role;
  /** Sellers this caller may act for: their own seller, or the sellers a warehouse user serves. */
  sellerIds: string[];
}

// A value no seller id takes (ids are UUIDs), so `where seller_id in (…)` stays valid SQL and matches nothing.
const NO_SELLER = '00000000-0000-0000-0000-000000000000';

/** The ids to put in `.where('seller_id', 'in', sellerIdsOf(scope))`: never empty, so never a SQL error. */
export function sellerIdsOf(scope: SellerScope): string[] {
  return scope.sellerIds.length > 0 ? scope.sellerIds : [NO_SELLER];
}

export function canActFor(scope: SellerScope, sellerId: string | null | undefined): boolean {
  return typeof sellerId === 'string' && scope.sellerIds.includes(sellerId);
}

/** Throws 404 (not 403) for a row of a seller the caller does not act for, so ids of others leak nothing. */
export function assertSeller(scope: SellerScope, sellerId: string | null | undefined, what: string): void {
  if (!canActFor(scope, sellerId)) throw new AppError('NOT_FOUND', 404, `${what} not found`);
}

/** The seller a seller's user acts for; warehouse staff (no seller of their own) are refused. */
export function ownSellerId(scope: SellerScope): string {
  if (scope.sellerId === null) throw new AppError('FORBIDDEN', 403, "This is for a seller's users; warehouse staff cannot do it.", undefined, 'errors.forbidden');
  return scope.sellerId;
}

/** Mall credentials (API keys) are for the seller's own users only; warehouse staff never see them. */
export function mayReadCredentials(scope: SellerScope): boolean {
  return scope.role !== 'warehouse' && scope.sellerId !== null;
}

/** What each role may do in the accounts module; later modules add their own rows to their own tables. */
const permissions = {
  manageUsers: ['owner', 'admin'],
  readAudit: ['owner', 'admin'],
  manageTokens: ['owner', 'admin', 'operator', 'warehouse'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export function can(scope: SellerScope, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(scope.role);
}

export function requirePermission(scope: SellerScope, permission: Permission): void {
  if (!can(scope, permission)) {
    throw new AppError('FORBIDDEN', 403, `Your role (${scope.role}) may not do this; ask an owner or admin of your seller.`, { permission }, 'errors.forbidden');
  }
}

/**
 * Who may give which role: an owner gives any seller role, an admin gives admin or operator (and
 * warehouse staff access) but cannot touch owners.
 */
export function mayAssignRole(actor: Role, from: Role | null, to: Role): boolean {
  if (actor === 'owner') return true;
  if (actor === 'admin') return to !== 'owner' && from !== 'owner';
  return false;
}

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Session and sign-in limits (the values docs/accounts.md states). */
export const limits = {
  sessionIdleMs: 12 * 60 * 60 * 1000,
  sessionAbsoluteMs: 7 * 24 * 60 * 60 * 1000,
  /** A used session's idle expiry is pushed forward at most this often (fewer writes). */
  sessionTouchMs: 60 * 1000,
  failureWindowMs: 15 * 60 * 1000,
  lockoutMs: 15 * 60 * 1000,
  failuresPerEmail: 5,
  failuresPerIp: 20,
  passwordMin: 10,
  passwordMax: 256,
} as const;
