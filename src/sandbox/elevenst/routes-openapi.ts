// The 11st OpenAPI routes (`/rest/...`): one wrapper applies chaos, maintenance, key and IP checks in
// the order a caller meets them; each handler answers in its endpoint's own envelope and code block.

import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChaosSwitch, HTTP_500_PAGE, malform } from './chaos.ts';
import type { RequestLog } from './request-log.ts';
import { cancelRow, orderLookupRow, orderRow, orderStatusRow, productDetail, productRow, stockRow } from './rows.ts';
import type { LineStatus, SandboxState, SellerKey } from './state.ts';
import { DAY_MS, parseDate8, parseStamp12 } from './time.ts';
import {
  authMessageXml,
  clientMessageXml,
  decodeRequestBody,
  ordersResultXml,
  ordersXml,
  productStocksXml,
  productXml,
  productsMessageXml,
  productsXml,
  resultOrderXml,
  toBytes,
} from './wire.ts';

export const ROW_CAP = 3000;
const NO_KEY = 'OpenAPI Key 에 해당하는 유저가 없습니다.';
const MAINTENANCE = '서버 점검중입니다. 매주 금요일 새벽은 정기 점검 시간으로 서버가 차단될 수 있습니다.';
const EMPTY_ORDERS = '조회된 결과가 없습니다.';
const EMPTY_CLAIMS = '해당 건이 없습니다.';

export interface OpenApiDeps {
  state: SandboxState;
  chaos: ChaosSwitch;
  log: RequestLog;
  /** Requests a chaos timeout left open; destroyed on close. */
  hanging: Set<ServerResponse>;
}

/** How an endpoint family writes its errors. */
type Family = 'orderList' | 'claimList' | 'action' | 'productRead' | 'stockWrite';

interface Answer {
  status?: number;
  xml: string;
  resultCode: string | null;
  upperDeclaration?: boolean;
}

interface Call {
  key: SellerKey;
  params: Record<string, string>;
  req: FastifyRequest;
}

function familyError(family: Family, code: string, message: string, prdStckNo = ''): Answer {
  switch (family) {
    case 'orderList':
    case 'claimList':
      return { xml: ordersResultXml(code, code === '-1' ? `주문/클레임 조회 오류 MSG : ${message}` : message), resultCode: code };
    case 'action':
      return { xml: resultOrderXml(code, code === '-1' ? `ERROR : ${message}` : message), resultCode: code };
    case 'productRead':
      return { xml: productsMessageXml(message), resultCode: code };
    case 'stockWrite': {
      const resultCode = code === '-1' ? '500' : code;
      return { xml: clientMessageXml(prdStckNo, `옵션재고 번호 ${prdStckNo}의 수량 업데이트 실패. MSG : ${message}`, resultCode), resultCode };
    }
  }
}

export function callerIp(req: FastifyRequest): string {
  const raw = req.socket.remoteAddress ?? '';
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function registerOpenApiRoutes(app: FastifyInstance, deps: OpenApiDeps): void {
  const { state, chaos, log, hanging } = deps;

  // Request bodies (PUT stockqty) arrive as XML in EUC-KR or UTF-8: keep the bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  function record(req: FastifyRequest, status: number | null, resultCode: string | null, fault: 'timeout' | 'error' | 'malformed' | null) {
    log.add({
      time: new Date().toISOString(),
      method: req.method,
      path: req.url.split('?')[0] ?? req.url,
      query: { ...(req.query as Record<string, unknown>) },
      openapikeyPresent: typeof req.headers.openapikey === 'string' && req.headers.openapikey.length > 0,
      status,
      resultCode,
      fault,
    });
  }

  function endpoint(family: Family, handler: (call: Call) => Answer) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const c = chaos.value;
      if (c.latencyMs > 0) await sleep(c.latencyMs);
      const fault = chaos.roll();
      if (fault === 'timeout') {
        // Accept and never answer; the client has to give up. close() destroys the socket.
        reply.hijack();
        hanging.add(reply.raw);
        reply.raw.on('close', () => hanging.delete(reply.raw));
        record(req, null, null, 'timeout');
        return;
      }
      if (fault === 'error') {
        record(req, 500, null, 'error');
        return reply.code(500).header('content-type', 'text/html;charset=utf-8').send(HTTP_500_PAGE);
      }
      let answer: Answer;
      const apiKey = req.headers.openapikey;
      const key = state.findKey(typeof apiKey === 'string' ? apiKey : undefined);
      const ip = callerIp(req);
      const prdStckNo = (req.params as Record<string, string | undefined>).prdStckNo;
      if (c.maintenance) {
        answer = familyError(family, '-1000', MAINTENANCE, prdStckNo);
      } else if (!key) {
        answer = familyError(family, '-1', NO_KEY, prdStckNo);
      } else if (key.allowIps.length > 0 && !key.allowIps.includes(ip)) {
        answer = { status: 500, xml: authMessageXml(ip), resultCode: '-500', upperDeclaration: true };
      } else {
        answer = handler({ key, params: req.params as Record<string, string>, req });
      }
      let bytes = toBytes(answer.xml, answer.upperDeclaration);
      let malformed = false;
      if (chaos.shouldMalform()) {
        bytes = malform(bytes);
        malformed = true;
      }
      const status = answer.status ?? 200;
      record(req, status, answer.resultCode, malformed ? 'malformed' : null);
      return reply.code(status).header('content-type', 'text/xml;charset=EUC-KR').send(bytes);
    };
  }

  /** Validates a 12-digit window; returns [start, end] or the endpoint's error answer. */
  function window(
    family: Family,
    start: string | undefined,
    end: string | undefined,
    codes: { start: string; end: string; tooLong: string },
    maxDays: number,
  ): [number, number] | Answer {
    const s = parseStamp12(start ?? '');
    if (s === null) return familyError(family, codes.start, `검색 시작일자 형식이 올바르지 않습니다. (YYYYMMDDhhmm) : ${start}`);
    const e = parseStamp12(end ?? '');
    if (e === null) return familyError(family, codes.end, `검색 종료일자 형식이 올바르지 않습니다. (YYYYMMDDhhmm) : ${end}`);
    if (e < s) return familyError(family, codes.tooLong, '검색 종료일자가 시작일자보다 이전입니다.');
    if (e - s >= maxDays * DAY_MS) {
      const limit = maxDays === 8 ? '최대 1주일(7일)' : `최대 ${maxDays - 1}일`;
      return familyError(family, codes.tooLong, `조회 기간은 ${limit}까지 가능합니다.`);
    }
    return [s, e];
  }

  function statusList(status: LineStatus, codes: { start: string; end: string; tooLong: string }) {
    return endpoint('orderList', ({ key, params }) => {
      const w = window('orderList', params.startTime, params.endTime, codes, 8);
      if (!Array.isArray(w)) return w;
      const rows = state.listByStatus(key.apiKey, status, w[0], w[1], ROW_CAP);
      if (rows.length === 0) return { xml: ordersResultXml('0', EMPTY_ORDERS), resultCode: '0' };
      return { xml: ordersXml(rows.map(orderRow)), resultCode: null };
    });
  }

  function claimList(claimStatus: '01' | '02') {
    return endpoint('claimList', ({ key, params }) => {
      // 30-day maximum: a window of 31 days or more is refused.
      const w = window('claimList', params.startTime, params.endTime, { start: '-28007', end: '-28006', tooLong: '-28008' }, 31);
      if (!Array.isArray(w)) return w;
      const rows = state.listClaims(key.apiKey, claimStatus, w[0], w[1], ROW_CAP);
      if (rows.length === 0) return { xml: ordersResultXml('-1', EMPTY_CLAIMS), resultCode: '-1' };
      return { xml: ordersXml(rows.map(cancelRow)), resultCode: null };
    });
  }

  const action = (result: { code: string; text: string }): Answer => ({ xml: resultOrderXml(result.code, result.text), resultCode: result.code });

  // ---- order lists ------------------------------------------------------------------------------
  app.get('/rest/ordservices/complete/:startTime/:endTime', statusList('202', { start: '-3103', end: '-3104', tooLong: '-3105' }));
  app.get('/rest/ordservices/packaging/:startTime/:endTime', statusList('301', { start: '-3303', end: '-3304', tooLong: '-3305' }));

  app.get(
    '/rest/ordservices/complete/:ordNo',
    endpoint('orderList', ({ key, params }) => {
      const ordNo = params.ordNo ?? '';
      if (!/^\d{1,20}$/.test(ordNo)) return familyError('orderList', '-1', `주문번호 형식이 올바르지 않습니다. : ${ordNo}`);
      const rows = state.linesOfOrders(key.apiKey, [ordNo]);
      if (rows.length === 0) return { xml: ordersResultXml('0', EMPTY_ORDERS), resultCode: '0' };
      return { xml: ordersXml(rows.map(orderLookupRow)), resultCode: null };
    }),
  );

  const statusLookup = endpoint('claimList', ({ key, params }) => {
    const ordNos = (params.ordNo ?? '').split(',');
    if (ordNos.length > 100) return { xml: ordersResultXml('-28003', '주문번호는 최대 100개까지 조회 가능합니다.'), resultCode: '-28003' };
    if (ordNos.some((n) => !/^\d{1,20}$/.test(n))) {
      return { xml: ordersResultXml('-28002', '주문번호 형식이 올바르지 않습니다. (콤마로 구분, 공백 없이)'), resultCode: '-28002' };
    }
    const rows = state.linesOfOrders(key.apiKey, ordNos);
    if (rows.length === 0) return { xml: ordersResultXml('-1', EMPTY_CLAIMS), resultCode: '-1' };
    return { xml: ordersXml(rows.map((l) => orderStatusRow(l, key.sellerId))), resultCode: null };
  });
  app.get('/rest/claimservice/orderlistalladdr/:ordNo', statusLookup);
  app.get('/rest/claimservice/orderlistall/:ordNo', statusLookup);

  // ---- 발주확인 / 발송처리 -------------------------------------------------------------------------
  app.get(
    '/rest/ordservices/reqpackaging/:ordNo/:ordPrdSeq/:addPrdYn/:addPrdNo/:dlvNo',
    endpoint('action', ({ key, params: p }) =>
      action(
        state.confirm(key.apiKey, {
          ordNo: p.ordNo ?? '',
          ordPrdSeq: p.ordPrdSeq ?? '',
          addPrdYn: p.addPrdYn ?? '',
          addPrdNo: p.addPrdNo ?? '',
          dlvNo: p.dlvNo ?? '',
        }),
      ),
    ),
  );

  function dispatch({ key, params: p }: Call): Answer {
    const sendMs = parseStamp12(p.sendDt ?? '');
    if (sendMs === null) return action({ code: '-3301', text: `발송일자 형식이 올바르지 않습니다. (YYYYMMDDhhmm) : ${p.sendDt}` });
    let partial: { ordNo: string; seqs: string[] } | undefined;
    if (p.partDlvYn !== undefined) {
      if (p.partDlvYn !== 'Y' && p.partDlvYn !== 'N') return action({ code: '-1', text: 'ERROR : 부분발송 여부(partDlvYn)는 Y 또는 N 이어야 합니다.' });
      // partDlvYn=N with the 8-segment form is read as a full dispatch of the delivery number.
      if (p.partDlvYn === 'Y') partial = { ordNo: p.ordNo ?? '', seqs: (p.ordPrdSeq ?? '').split(',') };
    }
    return action(
      state.ship(key.apiKey, {
        sendMs,
        method: p.dlvMthdCd ?? '',
        carrier: p.dlvEtprsCd ?? '',
        invcNo: (p.invcNo ?? '').trim(),
        dlvNo: p.dlvNo ?? '',
        partial,
      }),
    );
  }
  app.get('/rest/ordservices/reqdelivery/:sendDt/:dlvMthdCd/:dlvEtprsCd/:invcNo/:dlvNo', endpoint('action', dispatch));
  app.get(
    '/rest/ordservices/reqdelivery/:sendDt/:dlvMthdCd/:dlvEtprsCd/:invcNo/:dlvNo/:partDlvYn/:ordNo/:ordPrdSeq',
    endpoint('action', dispatch),
  );

  // ---- claims -----------------------------------------------------------------------------------
  app.get('/rest/claimservice/cancelorders/:startTime/:endTime', claimList('01'));
  app.get('/rest/claimservice/canceledorders/:startTime/:endTime', claimList('02'));

  app.get(
    '/rest/claimservice/cancelreqconf/:ordPrdCnSeq/:ordNo/:ordPrdSeq',
    endpoint('action', ({ key, params: p }) =>
      action(state.approveCancel(key.apiKey, { ordPrdCnSeq: p.ordPrdCnSeq ?? '', ordNo: p.ordNo ?? '', ordPrdSeq: p.ordPrdSeq ?? '' })),
    ),
  );

  app.get(
    '/rest/claimservice/cancelreqreject/:ordNo/:ordPrdSeq/:ordPrdCnSeq/:dlvMthdCd/:sendDt/:dlvEtprsCd/:invcNo',
    endpoint('action', ({ key, params: p }) =>
      action(
        state.rejectCancel(key.apiKey, {
          ordNo: p.ordNo ?? '',
          ordPrdSeq: p.ordPrdSeq ?? '',
          ordPrdCnSeq: p.ordPrdCnSeq ?? '',
          method: p.dlvMthdCd ?? '',
          sendDtMs: parseDate8(p.sendDt ?? ''),
          carrier: p.dlvEtprsCd ?? '',
          invcNo: p.invcNo ?? '',
        }),
      ),
    ),
  );

  app.get(
    '/rest/claimservice/reqrejectorder/:ordNo/:ordPrdSeq/:ordCnRsnCd/:ordCnDtlsRsn',
    endpoint('action', ({ key, params: p }) =>
      action(
        state.refuseSale(key.apiKey, {
          ordNo: p.ordNo ?? '',
          ordPrdSeq: p.ordPrdSeq ?? '',
          reasonCode: p.ordCnRsnCd ?? '',
          reasonText: p.ordCnDtlsRsn ?? '',
        }),
      ),
    ),
  );

  // ---- products and stock -------------------------------------------------------------------------
  app.get(
    '/rest/prodmarketservice/sellerprodcode/:sellerprdcd',
    endpoint('productRead', ({ key, params }) => {
      const rows = state.productsOf(key.apiKey).filter((p) => p.sellerPrdCd === params.sellerprdcd);
      return { xml: productsXml(rows.map(productRow)), resultCode: null };
    }),
  );

  app.get(
    '/rest/prodmarketservice/prodmarket/stck/:prdNo',
    endpoint('productRead', ({ key, params }) => {
      const product = state.findProduct(key.apiKey, params.prdNo ?? '');
      if (!product) return { xml: productsMessageXml(`상품번호 ${params.prdNo}에 해당하는 상품이 없습니다.`), resultCode: '-1' };
      return { xml: productStocksXml(product.options.map((o) => stockRow(product, o)), product), resultCode: null };
    }),
  );

  app.get(
    '/rest/prodmarketservice/prodmarket/:prdNo',
    endpoint('productRead', ({ key, params }) => {
      const product = state.findProduct(key.apiKey, params.prdNo ?? '');
      if (!product) return { xml: productsMessageXml(`상품번호 ${params.prdNo}에 해당하는 상품이 없습니다.`), resultCode: '-1' };
      return { xml: productXml(productDetail(product)), resultCode: null };
    }),
  );

  app.put(
    '/rest/prodservices/stockqty/:prdStckNo',
    endpoint('stockWrite', ({ key, params, req }) => {
      const prdStckNo = params.prdStckNo ?? '';
      const bad = (message: string): Answer => ({ xml: clientMessageXml(prdStckNo, message, '400'), resultCode: '400' });
      const raw = req.body;
      const text = Buffer.isBuffer(raw) ? decodeRequestBody(raw) : typeof raw === 'string' ? raw : '';
      if (!/<ProductStock[\s>]/.test(text)) return bad('요청 XML 형식이 올바르지 않습니다. <ProductStock> 이 필요합니다.');
      const field = (name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(text)?.[1];
      const qty = field('stckQty');
      if (qty === undefined || !/^\d{1,9}$/.test(qty)) return bad(`재고수량(stckQty)이 올바르지 않습니다. : ${qty ?? '(없음)'}`);
      const bodyStckNo = field('prdStckNo');
      if (bodyStckNo !== undefined && bodyStckNo !== prdStckNo) return bad('URL 의 옵션재고번호와 요청 XML 의 prdStckNo 가 다릅니다.');
      const result = state.setStock(key.apiKey, prdStckNo, { prdNo: field('prdNo'), stckQty: Number(qty) });
      return { xml: clientMessageXml(prdStckNo, result.message, result.resultCode), resultCode: result.resultCode };
    }),
  );
}
