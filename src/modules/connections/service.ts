import { flag, isSet, isUniqueViolation, newId, toIso } from '../../platform/db/dialect.ts';
import type { Db } from '../../platform/db/schema.ts';
import type { SecretStore } from '../../platform/crypto/secrets.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { translate, type Locale } from '../../platform/i18n/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { MarketplaceRegistry } from '../../marketplaces/registry.ts';
import type { MallId } from '../../marketplaces/types.ts';
import { ownSellerId, sellerIdsOf, type RequestMeta, type SellerScope } from '../accounts/domain.ts';
import type { AccountService } from '../accounts/service.ts';
import {
  classifyTestFailure,
  connectionOptionsSchema,
  defaultOptions,
  lastFour,
  maskKey,
  type ConnectionOptions,
  type ConnectionTest,
} from './domain.ts';
import { activeKey, createConnectionRepo, type ConnectionRow } from './repo.ts';
import type { Connection, ImportSummary } from './api.ts';

export type { Connection } from './api.ts';

export interface NewConnection {
  mall: MallId;
  name: string;
  shopId: string;
  apiKey: string;
  baseUrl?: string | null;
  enabled?: boolean;
  options?: Partial<ConnectionOptions>;
}

export interface ConnectionChanges {
  name?: string;
  shopId?: string;
  baseUrl?: string | null;
  enabled?: boolean;
  options?: Partial<ConnectionOptions>;
}

export interface CredentialsToTest {
  mall: MallId;
  shopId: string;
  apiKey: string;
  baseUrl?: string | null;
}

function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.id,
    mall: row.mall as MallId,
    name: row.name,
    shopId: row.shop_id,
    apiKeyMasked: maskKey(row.api_key_last4),
    apiKeyChangedAt: row.api_key_changed_at,
    baseUrl: row.base_url,
    enabled: isSet(row.enabled),
    options: connectionOptionsSchema.parse(JSON.parse(row.options)),
    lastTest: row.last_test ? (JSON.parse(row.last_test) as ConnectionTest) : null,
    lastImport: row.last_import ? (JSON.parse(row.last_import) as ImportSummary) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const duplicateShop = (shopId: string) =>
  new AppError('CONNECTION_EXISTS', 409, `Shop ID "${shopId}" is already registered for this mall. Edit the existing connection instead.`, { shopId }, 'connections.errors.exists');

/**
 * Shopping mall API settings: the connection records of a seller, their encrypted API keys, and the
 * connection test. Mall credentials are for the seller's own users: warehouse staff are refused.
 */
export function createConnectionService(deps: {
  db: Db;
  secrets: SecretStore;
  /** Adapters for connection tests: one attempt, a short timeout, so the seller is not kept waiting. */
  probes: MarketplaceRegistry;
  accounts: Pick<AccountService, 'recordAudit'>;
  log: Logger;
  egressIps: string[];
  clock?: { now(): Date };
}) {
  const { db, secrets } = deps;
  const repo = createConnectionRepo();
  const now = () => deps.clock?.now() ?? new Date();
  const secretPurpose = (id: string) => `connection:${id}:apiKey`;
  const listeners: Array<(connectionId: string) => Promise<void> | void> = [];
  /** Tells the modules that follow a connection (the import schedule) that it was created, changed or deleted. */
  async function changed(connectionId: string): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(connectionId);
      } catch (err) {
        deps.log.warn({ err, connection: connectionId }, 'a connection-change listener failed');
      }
    }
  }

  async function load(scope: SellerScope, id: string): Promise<ConnectionRow> {
    ownSellerId(scope);
    const row = await repo.get(db, sellerIdsOf(scope), id);
    if (!row) throw notFound('Connection');
    return row;
  }

  async function probe(locale: Locale, creds: CredentialsToTest, connectionId: string): Promise<ConnectionTest> {
    const started = performance.now();
    const testedAt = toIso(now());
    try {
      await deps.probes.get(creds.mall).testConnection({
        connectionId,
        ...(creds.baseUrl ? { baseUrl: creds.baseUrl } : {}),
        credentials: { shopId: creds.shopId, apiKey: creds.apiKey },
      });
      const roundTripMs = Math.round(performance.now() - started);
      return { result: 'OK', ok: true, message: translate(locale, 'connections.test.OK', { ms: roundTripMs }), testedAt, roundTripMs };
    } catch (err) {
      const roundTripMs = Math.round(performance.now() - started);
      const found = classifyTestFailure(err);
      const values = {
        ip: found.callerIp ?? '?',
        ips: deps.egressIps.join(';'),
        network: found.network ?? 'OTHER',
        code: found.mallCode ?? '',
        excerpt: found.excerpt ?? found.mallMessage ?? '',
      };
      const test: ConnectionTest = {
        ...found,
        ok: false,
        message: translate(locale, `connections.test.${found.result}`, values),
        testedAt,
        roundTripMs,
        ...(found.result === 'IP_NOT_ALLOWED' ? { egressIps: deps.egressIps } : {}),
      };
      deps.log.info({ connection: connectionId, result: test.result, mallCode: test.mallCode }, 'connection test failed');
      return test;
    }
  }

  return {
    egressIps: () => deps.egressIps,

    async list(scope: SellerScope): Promise<Connection[]> {
      ownSellerId(scope);
      return (await repo.list(db, sellerIdsOf(scope))).map(toConnection);
    },

    async get(scope: SellerScope, id: string): Promise<Connection> {
      return toConnection(await load(scope, id));
    },

    async create(scope: SellerScope, input: NewConnection, request?: RequestMeta): Promise<Connection> {
      const sellerId = ownSellerId(scope);
      const options = connectionOptionsSchema.parse({ ...defaultOptions, ...input.options });
      const id = newId();
      const at = toIso(now());
      try {
        await db.transaction().execute(async (tx) => {
          const secretId = await secrets.put(secretPurpose(id), input.apiKey, tx);
          await repo.insert(tx, {
            id,
            seller_id: sellerId,
            mall: input.mall,
            name: input.name,
            shop_id: input.shopId,
            active_key: activeKey(sellerId, input.mall, input.shopId),
            api_key_secret_id: secretId,
            api_key_last4: lastFour(input.apiKey),
            api_key_changed_at: at,
            base_url: input.baseUrl ?? null,
            enabled: flag(input.enabled ?? true),
            options: JSON.stringify(options),
            last_test: null,
            last_import: null,
            created_at: at,
            updated_at: at,
            deleted_at: null,
          });
          await deps.accounts.recordAudit(scope, 'connection.created', { type: 'connection', id }, { mall: input.mall, name: input.name, shopId: input.shopId, options }, { request, db: tx });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateShop(input.shopId);
        throw err;
      }
      await changed(id);
      return this.get(scope, id);
    },

    async update(scope: SellerScope, id: string, changes: ConnectionChanges, request?: RequestMeta): Promise<Connection> {
      const row = await load(scope, id);
      const before = toConnection(row);
      const options = changes.options ? connectionOptionsSchema.parse({ ...before.options, ...changes.options }) : before.options;
      const shopId = changes.shopId ?? row.shop_id;
      try {
        await db.transaction().execute(async (tx) => {
          await repo.update(tx, id, {
            ...(changes.name !== undefined ? { name: changes.name } : {}),
            ...(changes.shopId !== undefined ? { shop_id: shopId, active_key: activeKey(row.seller_id, row.mall, shopId) } : {}),
            ...(changes.baseUrl !== undefined ? { base_url: changes.baseUrl } : {}),
            ...(changes.enabled !== undefined ? { enabled: flag(changes.enabled) } : {}),
            options: JSON.stringify(options),
            updated_at: toIso(now()),
          });
          const changed: Record<string, { from: unknown; to: unknown }> = {};
          for (const k of ['name', 'shopId', 'baseUrl', 'enabled'] as const) {
            if (changes[k] !== undefined && changes[k] !== before[k]) changed[k] = { from: before[k], to: changes[k] };
          }
          for (const k of Object.keys(options) as Array<keyof ConnectionOptions>) {
            if (options[k] !== before.options[k]) changed[`options.${k}`] = { from: before.options[k], to: options[k] };
          }
          await deps.accounts.recordAudit(scope, 'connection.updated', { type: 'connection', id }, { changed }, { request, db: tx });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateShop(shopId);
        throw err;
      }
      await changed(id);
      return this.get(scope, id);
    },

    /** Removes the connection and its key; the orders it imported stay. */
    async remove(scope: SellerScope, id: string, request?: RequestMeta): Promise<void> {
      const row = await load(scope, id);
      await db.transaction().execute(async (tx) => {
        await repo.update(tx, id, { deleted_at: toIso(now()), active_key: null, enabled: 0, updated_at: toIso(now()) });
        await secrets.remove(row.api_key_secret_id, tx);
        await deps.accounts.recordAudit(scope, 'connection.deleted', { type: 'connection', id }, { name: row.name, shopId: row.shop_id }, { request, db: tx });
      });
      await changed(id);
    },

    async replaceApiKey(scope: SellerScope, id: string, apiKey: string, request?: RequestMeta): Promise<Connection> {
      const row = await load(scope, id);
      await db.transaction().execute(async (tx) => {
        await secrets.replace(row.api_key_secret_id, apiKey, tx);
        await repo.update(tx, id, { api_key_last4: lastFour(apiKey), api_key_changed_at: toIso(now()), last_test: null, updated_at: toIso(now()) });
        await deps.accounts.recordAudit(scope, 'connection.api_key_replaced', { type: 'connection', id }, { apiKeyMasked: maskKey(lastFour(apiKey)) }, { request, db: tx });
      });
      return this.get(scope, id);
    },

    /** Tests a saved connection and stores the result on it. */
    async test(scope: SellerScope, id: string, locale: Locale): Promise<ConnectionTest> {
      const row = await load(scope, id);
      const apiKey = await secrets.reveal(row.api_key_secret_id);
      const result = await probe(locale, { mall: row.mall as MallId, shopId: row.shop_id, apiKey, baseUrl: row.base_url }, id);
      await repo.update(db, id, { last_test: JSON.stringify(result) });
      return result;
    },

    /** Tests credentials before they are saved; nothing is stored. */
    async testCredentials(scope: SellerScope, creds: CredentialsToTest, locale: Locale): Promise<ConnectionTest> {
      ownSellerId(scope);
      return probe(locale, creds, `unsaved:${scope.userId}`);
    },

    /** Calls `listener` after a connection is created, changed or deleted (e.g. to keep its import schedule in step). */
    onChanged(listener: (connectionId: string) => Promise<void> | void): void {
      listeners.push(listener);
    },

    /** What the importer needs to know about a connection, whoever asks (jobs run without a caller); undefined once deleted. */
    async forImport(id: string): Promise<{ id: string; sellerId: string; mall: MallId; name: string; enabled: boolean; options: ConnectionOptions } | undefined> {
      const row = await repo.getAnySeller(db, id);
      return row ? { id: row.id, sellerId: row.seller_id, mall: row.mall as MallId, name: row.name, enabled: isSet(row.enabled), options: toConnection(row).options } : undefined;
    },

    /** Every connection of every seller, for keeping import schedules in step at start. */
    async listAllForScheduling(): Promise<Array<{ id: string; sellerId: string; enabled: boolean; options: ConnectionOptions }>> {
      return (await repo.listAll(db)).map((row) => ({ id: row.id, sellerId: row.seller_id, enabled: isSet(row.enabled), options: toConnection(row).options }));
    },

    /** Stores the summary of the connection's last import run (shown on the connection page). */
    async recordImport(id: string, summary: ImportSummary): Promise<void> {
      await repo.update(db, id, { last_import: JSON.stringify(summary) });
    },

    /** The decrypted key for the mall adapter (import, confirm, ship); never for an HTTP answer. */
    async contextFor(sellerIds: string[], id: string) {
      const row = await repo.get(db, sellerIds, id);
      if (!row) throw notFound('Connection');
      const apiKey = await secrets.reveal(row.api_key_secret_id);
      return { connectionId: id, ...(row.base_url ? { baseUrl: row.base_url } : {}), credentials: { shopId: row.shop_id, apiKey } };
    },
  };
}
export type ConnectionService = ReturnType<typeof createConnectionService>;
