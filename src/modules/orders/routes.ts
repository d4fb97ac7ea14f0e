import { z } from 'zod';
import type { HttpServer } from '../../platform/http/server.ts';
import { errorResponses as errors, idParams } from '../../platform/http/schemas.ts';
import { requestMeta } from '../accounts/auth.ts';
import { lineStatuses, saleRefusalReasons } from './domain.ts';
import type { OrderService } from './service.ts';

const iso = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time, e.g. 2026-05-01T00:00:00Z' });
const money = z.number().int();

const line = z.object({
  id: z.string(),
  orderId: z.string(),
  connectionId: z.string(),
  mall: z.string(),
  mallOrderNo: z.string().describe('The mall’s order number (text: 11st numbers have 17 digits)'),
  mallLineNo: z.string(),
  deliveryNo: z.string().describe('Lines with the same delivery number ship together (a bundle)'),
  productNo: z.string(),
  productName: z.string(),
  optionText: z.string().nullable(),
  optionStockNo: z.string().nullable(),
  sellerProductCode: z.string().nullable(),
  sellerStockCode: z.string().nullable(),
  addOnOfProductNo: z.string().nullable(),
  quantity: z.number().int(),
  currency: z.string().describe('Amounts are integers in minor units of this currency (KRW has none)'),
  unitPrice: money,
  orderAmount: money,
  optionAmount: money.nullable(),
  sellerDiscount: money.nullable(),
  mallDiscount: money.nullable(),
  shippingFee: money.nullable(),
  paidAmount: money.nullable(),
  expectedSettlement: money.nullable(),
  buyerName: z.string().nullable(),
  receiver: z.object({ name: z.string().nullable(), mobile: z.string().nullable(), phone: z.string().nullable(), postalCode: z.string().nullable(), address: z.string().nullable(), addressDetail: z.string().nullable() }),
  memo: z.string().nullable(),
  status: z.enum(lineStatuses).describe('Hub status'),
  mallStatus: z.string(),
  mallStatusCode: z.string().nullable(),
  claim: z.object({ status: z.string(), claimNo: z.string().nullable(), reason: z.string().nullable(), requestedAt: z.string().nullable() }).nullable(),
  confirmError: z.object({ code: z.string(), message: z.string().nullable() }).nullable().describe('The mall’s answer when confirmation failed; confirm again to retry'),
  actionError: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  orderedAt: z.string().nullable(),
  paidAt: z.string(),
  mallConfirmedAt: z.string().nullable(),
  shipBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const run = z.object({
  id: z.string(),
  connectionId: z.string(),
  trigger: z.enum(['schedule', 'manual', 'reimport']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']),
  mallOrderNo: z.string().nullable(),
  span: z.object({ from: z.string(), to: z.string() }).nullable(),
  cursorBefore: z.string().nullable(),
  cursorAfter: z.string().nullable(),
  counts: z.object({ fetched: z.number(), new: z.number(), updated: z.number(), unchanged: z.number(), failed: z.number() }),
  claims: z.record(z.string(), z.number()),
  windows: z.array(z.unknown()),
  calls: z.array(z.unknown()).describe('Each call to the mall with its window, rows, time and result code'),
  error: z.string().nullable(),
  requestedBy: z.string().nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const filters = z.object({
  connectionId: z.string().max(64).optional(),
  status: z.enum(lineStatuses).optional(),
  mallStatus: z.string().max(40).optional(),
  claim: z.enum(['none', 'cancel_requested', 'cancelled', 'any']).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Order number, receiver name or phone'),
  from: iso.optional().describe('Paid at or after'),
  to: iso.optional().describe('Paid before'),
  confirmFailed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const tags = ['orders'];

/** Orders › order list, order page, confirmation, cancel requests, import runs. */
export function registerOrderRoutes(app: HttpServer, orders: OrderService): void {
  app.post(
    '/api/connections/:id/import',
    { schema: { tags, summary: 'Import now: queues an import run of the connection and answers with its id at once', params: idParams, response: { 202: z.object({ runId: z.string() }), ...errors } } },
    async (req, reply) => reply.status(202).send(await orders.importNow(req.scope, req.params.id)),
  );

  app.post(
    '/api/connections/:id/reimport',
    {
      schema: {
        tags,
        summary: 'Re-import one order by its mall order number (every line, whatever its status)',
        params: idParams,
        body: z.object({ mallOrderNo: z.string().trim().regex(/^\d{1,30}$/, { error: 'expected the mall’s order number (digits)' }) }),
        response: { 202: z.object({ runId: z.string() }), ...errors },
      },
    },
    async (req, reply) => reply.status(202).send(await orders.reimport(req.scope, req.params.id, req.body.mallOrderNo)),
  );

  app.get(
    '/api/connections/:id/import-runs',
    {
      schema: {
        tags,
        summary: 'The connection’s last import runs, newest first',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }),
        response: { 200: z.object({ items: z.array(run) }), ...errors },
      },
    },
    async (req) => ({ items: await orders.listRuns(req.scope, req.params.id, req.query.limit) }),
  );

  app.get('/api/import-runs/:id', { schema: { tags, summary: 'One import run: windows, counts, calls and errors', params: idParams, response: { 200: run, ...errors } } }, async (req) =>
    orders.getRun(req.scope, req.params.id),
  );

  app.get(
    '/api/order-lines',
    {
      schema: {
        tags,
        summary: 'Order lines, newest payment first (keyset pagination: pass nextCursor as cursor)',
        querystring: filters.extend({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
        response: { 200: z.object({ items: z.array(line), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (req) => orders.listLines(req.scope, req.query),
  );

  app.get(
    '/api/order-lines/counts',
    {
      schema: {
        tags,
        summary: 'Lines per hub status under the same filters (the list’s tabs)',
        querystring: filters.omit({ status: true }),
        response: { 200: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }), ...errors },
      },
    },
    async (req) => orders.countLines(req.scope, req.query),
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        tags,
        summary: 'One order with its lines, bundles, timeline and raw records',
        params: idParams,
        response: {
          200: z.object({
            id: z.string(),
            connectionId: z.string(),
            mall: z.string(),
            mallOrderNo: z.string(),
            buyer: z.object({ name: z.string().nullable(), memberId: z.string().nullable(), mobile: z.string().nullable(), phone: z.string().nullable() }),
            orderedAt: z.string().nullable(),
            paidAt: z.string().nullable(),
            createdAt: z.string(),
            updatedAt: z.string(),
            lines: z.array(line.extend({ raw: z.record(z.string(), z.string()) })),
            bundles: z.array(z.object({ deliveryNo: z.string(), lines: z.array(z.object({ id: z.string(), orderId: z.string(), mallOrderNo: z.string(), mallLineNo: z.string(), productName: z.string(), status: z.string() })) })),
            events: z.array(z.object({ id: z.string(), lineId: z.string(), at: z.string(), kind: z.string(), from: z.string().nullable(), to: z.string().nullable(), actor: z.string().nullable(), details: z.record(z.string(), z.unknown()) })),
          }),
          ...errors,
        },
      },
    },
    async (req) => orders.getOrder(req.scope, req.params.id),
  );

  app.post(
    '/api/order-lines/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm lines on the mall (발주확인), whatever the automatic option says; per-line results',
        body: z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(500) }),
        response: {
          200: z.object({ results: z.array(z.object({ id: z.string(), result: z.enum(['queued', 'already_confirmed', 'refused', 'not_found']), reason: z.string().optional(), message: z.string().optional() })) }),
          ...errors,
        },
      },
    },
    async (req) => ({ results: await orders.confirm(req.scope, req.body.ids, requestMeta(req)) }),
  );

  app.post(
    '/api/order-lines/:id/cancel/approve',
    { schema: { tags, summary: 'Approve the buyer’s cancel request (취소승인)', params: idParams, response: { 202: z.object({ id: z.string(), result: z.literal('queued') }), ...errors } } },
    async (req, reply) => reply.status(202).send(await orders.approveCancel(req.scope, req.params.id, requestMeta(req))),
  );

  app.post(
    '/api/order-lines/:id/refuse',
    {
      schema: {
        tags,
        summary: 'Refuse the sale (판매불가) with a reason',
        params: idParams,
        body: z.object({ reasonCode: z.enum(saleRefusalReasons), reason: z.string().trim().min(1).max(200) }),
        response: { 202: z.object({ id: z.string(), result: z.literal('queued') }), ...errors },
      },
    },
    async (req, reply) => reply.status(202).send(await orders.refuseSale(req.scope, req.params.id, req.body, requestMeta(req))),
  );
}
