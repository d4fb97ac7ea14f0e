// The JSON control API under /__sandbox/: arrange keys, products, orders and claims, move lines,
// switch chaos, read state and the request log. No API key; zod-validated; 400 with a clear message.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type ChaosSwitch, chaosSchema } from './chaos.ts';
import type { RequestLog } from './request-log.ts';
import { type OrderLine, type Product, type SandboxState, SandboxInputError, STATUS_NAMES, emptyData } from './state.ts';

export interface ControlDeps {
  state: SandboxState;
  chaos: ChaosSwitch;
  log: RequestLog;
  /** Keys that survive a reset (the key the sandbox was started with). */
  initialKeys: () => { apiKey: string; sellerId: string; allowIps: string[] }[];
}

const digitsId = z.string().regex(/^\d{1,20}$/, 'must be a string of digits');

const keyBody = z
  .object({
    apiKey: z.string().min(1).max(64).optional(),
    sellerId: z.string().min(1).max(40).optional(),
    allowIps: z.array(z.string().min(1)).optional(),
  })
  .strict();

const productBody = z
  .object({
    apiKey: z.string().min(1),
    sellerPrdCd: z.string().min(1).max(50).optional(),
    prdNm: z.string().min(1).max(200),
    selPrc: z.number().int().min(0).optional(),
    options: z
      .array(
        z
          .object({
            sellerStockCd: z.string().min(1).max(50).optional(),
            name: z.string().min(1).max(100).optional(),
            stckQty: z.number().int().min(0),
            addPrc: z.number().int().min(0).optional(),
          })
          .strict(),
      )
      .max(200)
      .optional(),
  })
  .strict();

const lineBody = z
  .object({
    prdNo: digitsId.optional(),
    prdStckNo: digitsId.optional(),
    qty: z.number().int().min(1).max(999).optional(),
    addPrd: z.boolean().optional(),
    prdNm: z.string().min(1).max(200).optional(),
    selPrc: z.number().int().min(0).optional(),
  })
  .strict();

const orderBody = z
  .object({
    ordDt: z.iso.datetime({ offset: true }).optional(),
    bundle: z.boolean().optional(),
    ordNm: z.string().min(1).max(40).optional(),
    rcvrNm: z.string().min(1).max(40).optional(),
    rcvrBaseAddr: z.string().min(1).max(200).optional(),
    rcvrDtlsAddr: z.string().max(200).optional(),
    rcvrMailNo: z.string().regex(/^\d{5,6}$/).optional(),
    rcvrPrtblNo: z.string().min(1).max(20).optional(),
    ordDlvReqCont: z.string().max(200).nullable().optional(),
    lines: z.array(lineBody).min(1).max(50),
  })
  .strict();

const ordersBody = z.union([
  z.object({ apiKey: z.string().min(1), count: z.number().int().min(1).max(50_000) }).strict(),
  z.object({ apiKey: z.string().min(1), orders: z.array(orderBody).min(1).max(10_000) }).strict(),
]);

const lineRef = { ordNo: digitsId, ordPrdSeq: digitsId };
const cancelBody = z
  .object({ ...lineRef, reason: z.string().min(1).max(200).optional(), reasonCode: z.string().regex(/^\d{2}$/).optional() })
  .strict();
const advanceBody = z.object({ ...lineRef, to: z.enum(['501', '901']) }).strict();
const resetBody = z.object({ keepKeys: z.boolean().optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
    throw new SandboxInputError(`invalid request body: ${detail}`);
  }
  return result.data;
}

export function productView(p: Product) {
  return {
    prdNo: p.prdNo,
    apiKey: p.apiKey,
    sellerPrdCd: p.sellerPrdCd,
    prdNm: p.prdNm,
    selPrc: p.selPrc,
    options: p.options.map((o) => ({
      prdStckNo: o.prdStckNo,
      sellerStockCd: o.sellerStockCd,
      name: o.mixOptNm ? `${o.mixOptNm}:${o.mixDtlOptNm}` : o.mixDtlOptNm,
      stckQty: o.stckQty,
      selQty: o.selQty,
      prdStckStatCd: o.prdStckStatCd,
    })),
  };
}

export function lineView(l: OrderLine) {
  return {
    apiKey: l.apiKey,
    ordNo: l.ordNo,
    ordPrdSeq: l.ordPrdSeq,
    dlvNo: l.dlvNo,
    prdNo: l.prdNo,
    prdStckNo: l.prdStckNo,
    prdNm: l.prdNm,
    slctPrdOptNm: l.slctPrdOptNm,
    addPrdYn: l.addPrdYn,
    addPrdNo: l.addPrdNo,
    ordQty: l.ordQty,
    ordNm: l.ordNm,
    rcvrNm: l.rcvrNm,
    ordDt: l.ordDt,
    ordStlEndDt: l.ordStlEndDt,
    status: l.status,
    statusName: STATUS_NAMES[l.status],
    plcodrCnfDt: l.plcodrCnfDt,
    sndEndDt: l.sndEndDt,
    dlvMthdCd: l.dlvMthdCd,
    dlvEtprsCd: l.dlvEtprsCd,
    invcNo: l.invcNo,
    dlvEndDt: l.dlvEndDt,
    pocnfrmDt: l.pocnfrmDt,
    cancel: l.cancel
      ? { ordPrdCnSeq: l.cancel.ordPrdCnSeq, ordCnStatCd: l.cancel.status, ordCnRsnCd: l.cancel.reasonCode, reason: l.cancel.reasonText, requestedBy: l.cancel.requestedBy, createdAt: l.cancel.createdAt, doneAt: l.cancel.doneAt }
      : null,
  };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export function registerControlRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const { state, chaos, log } = deps;

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof SandboxInputError) return sendError(reply, err.status, err.status === 400 ? 'bad_request' : err.status === 404 ? 'not_found' : 'conflict', err.message);
    const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
    return sendError(reply, status, status < 500 ? 'bad_request' : 'internal', err instanceof Error ? err.message : String(err));
  });

  app.post('/__sandbox/keys', async (req) => {
    const key = state.addKey(parse(keyBody, req.body));
    return { apiKey: key.apiKey, sellerId: key.sellerId, allowIps: key.allowIps };
  });

  app.post('/__sandbox/products', async (req) => {
    const { apiKey, ...input } = parse(productBody, req.body);
    return productView(state.addProduct(apiKey, input));
  });

  app.post('/__sandbox/orders', async (req) => {
    const body = parse(ordersBody, req.body);
    const created = 'count' in body ? state.createRandomOrders(body.apiKey, body.count) : state.createOrders(body.apiKey, body.orders);
    return {
      orders: created.map((lines) => ({
        ordNo: lines[0]?.ordNo ?? '',
        lines: lines.map((l) => ({ ordPrdSeq: l.ordPrdSeq, dlvNo: l.dlvNo, prdNo: l.prdNo, prdStckNo: l.prdStckNo, addPrdYn: l.addPrdYn, addPrdNo: l.addPrdNo, status: l.status })),
      })),
    };
  });

  app.post('/__sandbox/cancel-requests', async (req) => {
    const body = parse(cancelBody, req.body);
    const line = state.requestCancel(body.ordNo, body.ordPrdSeq, { code: body.reasonCode, text: body.reason });
    return { ordNo: line.ordNo, ordPrdSeq: line.ordPrdSeq, ordPrdCnSeq: line.cancel?.ordPrdCnSeq ?? '', ordCnStatCd: '01' };
  });

  app.post('/__sandbox/lines/advance', async (req) => {
    const body = parse(advanceBody, req.body);
    return lineView(state.advance(body.ordNo, body.ordPrdSeq, body.to));
  });

  app.get('/__sandbox/chaos', async () => chaos.value);
  app.put('/__sandbox/chaos', async (req) => chaos.update(parse(chaosSchema, req.body)));

  app.get('/__sandbox/state', async () => ({
    keys: state.keys.map((k) => ({ apiKey: k.apiKey, sellerId: k.sellerId, allowIps: k.allowIps })),
    products: state.products.map(productView),
    lines: state.lines.map(lineView),
    chaos: chaos.value,
  }));

  app.get('/__sandbox/requests', async () => ({ requests: log.list() }));

  app.post('/__sandbox/reset', async (req) => {
    const body = parse(resetBody, req.body);
    const data = emptyData();
    if (body.keepKeys !== false) data.keys = state.keys.map((k) => ({ ...k, allowIps: [...k.allowIps] }));
    else data.keys = deps.initialKeys();
    state.replace(data);
    chaos.reset();
    log.clear();
    return { ok: true, keys: data.keys.length };
  });
}
