// The sandbox's domain: sellers (API keys), products with option stocks, order lines and their
// cancel claims, and the per-line state machine. Everything here is plain JSON so `--data` can
// persist it as is. Times are UTC ISO text; the wire layer renders KST.

import { randomBytes } from 'node:crypto';
import { CARRIER_CODES, DISPATCH_METHOD_TO_RESPONSE, REJECT_METHOD_TO_RESPONSE } from './carriers.ts';
import {
  ADD_ONS,
  CATALOGUE,
  type Rng,
  deliveryMemo,
  intBetween,
  koreanAddress,
  koreanName,
  landline,
  maskedMemberId,
  mobilePhone,
  pick,
  randomDigits,
} from './seed.ts';
import { DAY_MS, inWindow, kstDay } from './time.ts';

export interface SellerKey {
  apiKey: string;
  sellerId: string;
  /** Caller IPs registered for the key; empty = any caller. */
  allowIps: string[];
}

export interface StockOption {
  prdStckNo: string;
  sellerStockCd: string;
  mixOptNm: string;
  mixDtlOptNm: string;
  mixOptNo: string;
  addPrc: number;
  stckQty: number;
  selQty: number;
  optWght: number;
  prdStckStatCd: '01' | '02';
}

export interface Product {
  prdNo: string;
  apiKey: string;
  sellerPrdCd: string;
  prdNm: string;
  selPrc: number;
  selStatCd: string;
  dispCtgrNo: string;
  createdAt: string;
  options: StockOption[];
}

export type LineStatus = '202' | '301' | '401' | '501' | '901' | 'B01';

export interface CancelClaim {
  ordPrdCnSeq: string;
  /** 01 취소요청, 02 취소완료; `rejected` = the seller shipped anyway (not listed any more). */
  status: '01' | '02' | 'rejected';
  reasonCode: string;
  reasonText: string;
  /** ordCnMnbdCd: 01 buyer, 02 seller. */
  requestedBy: '01' | '02';
  qty: number;
  createdAt: string;
  doneAt: string | null;
}

export interface OrderLine {
  apiKey: string;
  ordNo: string;
  ordPrdSeq: string;
  dlvNo: string;
  bndlDlvYN: 'Y' | 'N';
  bndlDlvSeq: string;
  prdNo: string;
  prdStckNo: string;
  prdNm: string;
  sellerPrdCd: string;
  sellerStockCd: string;
  slctPrdOptNm: string;
  addPrdYn: 'Y' | 'N';
  /** `0`, or the prdNo of the main product for an add-on line. */
  addPrdNo: string;
  selPrc: number;
  ordQty: number;
  optAmt: number;
  dlvCst: number;
  sellerDscPrc: number;
  tmallDscPrc: number;
  ordDt: string;
  ordStlEndDt: string;
  dlvSndDue: string;
  memNo: string;
  memID: string;
  custGrdNm: string;
  ordNm: string;
  ordPrtblTel: string;
  ordTlphnNo: string;
  ordBaseAddr: string;
  ordDtlsAddr: string;
  ordMailNo: string | null;
  rcvrNm: string;
  rcvrPrtblNo: string;
  rcvrTlphn: string;
  rcvrBaseAddr: string;
  rcvrDtlsAddr: string;
  rcvrMailNo: string;
  typeBilNo: string;
  ordDlvReqCont: string | null;
  status: LineStatus;
  plcodrCnfDt: string | null;
  sndEndDt: string | null;
  /** Response code (01/04/05/06/99), set when shipped. */
  dlvMthdCd: string | null;
  dlvEtprsCd: string | null;
  invcNo: string | null;
  dlvEndDt: string | null;
  pocnfrmDt: string | null;
  cancel: CancelClaim | null;
}

export interface SandboxData {
  version: 1;
  counters: { ordNo: number; dlvNo: number; prdNo: number; prdStckNo: number; ordPrdCnSeq: number; bundle: number };
  keys: SellerKey[];
  products: Product[];
  lines: OrderLine[];
}

/** The outcome of an 11st action, as its result code and text. */
export interface ActionResult {
  code: string;
  text: string;
}

/** Bad input to the control API (mapped to HTTP 400/404/409 with the message). */
export class SandboxInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

export const STATUS_NAMES: Readonly<Record<LineStatus, string>> = {
  '202': '결제완료',
  '301': '배송준비중',
  '401': '배송중',
  '501': '배송완료',
  '901': '수취확인',
  B01: '주문취소',
};

type LineEvent = 'confirm' | 'ship' | 'deliver' | 'receive' | 'cancel' | 'shipAnyway';

// The per-line state machine; an event missing from a row is illegal in that status.
const TRANSITIONS = {
  '202': { confirm: '301', cancel: 'B01', shipAnyway: '401' },
  '301': { ship: '401', cancel: 'B01', shipAnyway: '401' },
  '401': { deliver: '501', receive: '901' },
  '501': { receive: '901' },
  '901': {},
  B01: {},
} as const satisfies Record<LineStatus, Partial<Record<LineEvent, LineStatus>>>;

export function nextStatus(status: LineStatus, event: LineEvent): LineStatus | null {
  const row: Partial<Record<LineEvent, LineStatus>> = TRANSITIONS[status];
  return row[event] ?? null;
}

const ok = (text: string): ActionResult => ({ code: '0', text });
const fail = (code: string, text: string): ActionResult => ({ code, text });
const ERR = (text: string) => `ERROR : ${text}`;

export function newApiKey(): string {
  return randomBytes(16).toString('hex'); // 32 characters, like a real key
}

export function emptyData(): SandboxData {
  return {
    version: 1,
    counters: { ordNo: 100000000, dlvNo: 2600000000, prdNo: 9000000000, prdStckNo: 40000000000, ordPrdCnSeq: 300000000, bundle: 0 },
    keys: [],
    products: [],
    lines: [],
  };
}

export interface ProductInput {
  sellerPrdCd?: string;
  prdNm: string;
  selPrc?: number;
  options?: { sellerStockCd?: string; name?: string; stckQty: number; addPrc?: number }[];
}

export interface LineInput {
  prdNo?: string;
  prdStckNo?: string;
  qty?: number;
  addPrd?: boolean;
  prdNm?: string;
  selPrc?: number;
}

export interface OrderInput {
  ordDt?: string;
  bundle?: boolean;
  ordNm?: string;
  rcvrNm?: string;
  rcvrBaseAddr?: string;
  rcvrDtlsAddr?: string;
  rcvrMailNo?: string;
  rcvrPrtblNo?: string;
  ordDlvReqCont?: string | null;
  lines: LineInput[];
}

export interface ShipInput {
  sendMs: number;
  method: string;
  carrier: string;
  invcNo: string;
  dlvNo: string;
  /** Partial dispatch (partDlvYn=Y): only these lines of this order. */
  partial?: { ordNo: string; seqs: string[] };
}

export class SandboxState {
  private data: SandboxData;
  private lineIndex = new Map<string, OrderLine>();
  private productIndex = new Map<string, Product>();
  private optionIndex = new Map<string, { product: Product; option: StockOption }>();
  private invcIndex = new Map<string, string>(); // invcNo → dlvNo

  constructor(
    private readonly now: () => Date,
    private readonly rng: Rng,
    private readonly onChange: () => void = () => {},
    data: SandboxData = emptyData(),
  ) {
    this.data = data;
    this.reindex();
  }

  toJSON(): SandboxData {
    return this.data;
  }

  replace(data: SandboxData): void {
    this.data = data;
    this.reindex();
    this.onChange();
  }

  private reindex(): void {
    this.lineIndex.clear();
    this.productIndex.clear();
    this.optionIndex.clear();
    this.invcIndex.clear();
    for (const line of this.data.lines) {
      this.lineIndex.set(`${line.ordNo}:${line.ordPrdSeq}`, line);
      if (line.invcNo) this.invcIndex.set(line.invcNo, line.dlvNo);
    }
    for (const product of this.data.products) this.indexProduct(product);
  }

  private indexProduct(product: Product): void {
    this.productIndex.set(product.prdNo, product);
    for (const option of product.options) this.optionIndex.set(option.prdStckNo, { product, option });
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  // ---- keys ---------------------------------------------------------------------------------

  get keys(): readonly SellerKey[] {
    return this.data.keys;
  }

  findKey(apiKey: string | undefined): SellerKey | undefined {
    if (!apiKey) return undefined;
    return this.data.keys.find((k) => k.apiKey === apiKey);
  }

  addKey(input: { apiKey?: string; sellerId?: string; allowIps?: string[] }): SellerKey {
    const apiKey = input.apiKey ?? newApiKey();
    const existing = this.findKey(apiKey);
    if (existing) {
      if (input.sellerId) existing.sellerId = input.sellerId;
      if (input.allowIps) existing.allowIps = input.allowIps;
      this.onChange();
      return existing;
    }
    const key: SellerKey = {
      apiKey,
      sellerId: input.sellerId ?? `seller${this.data.keys.length + 1}`,
      allowIps: input.allowIps ?? [],
    };
    this.data.keys.push(key);
    this.onChange();
    return key;
  }

  private requireKey(apiKey: string): SellerKey {
    const key = this.findKey(apiKey);
    if (!key) throw new SandboxInputError(`unknown apiKey; create it with POST /__sandbox/keys first`, 404);
    return key;
  }

  // ---- products -----------------------------------------------------------------------------

  get products(): readonly Product[] {
    return this.data.products;
  }

  productsOf(apiKey: string): Product[] {
    return this.data.products.filter((p) => p.apiKey === apiKey);
  }

  findProduct(apiKey: string, prdNo: string): Product | undefined {
    const product = this.productIndex.get(prdNo);
    return product && product.apiKey === apiKey ? product : undefined;
  }

  findOption(apiKey: string, prdStckNo: string): { product: Product; option: StockOption } | undefined {
    const hit = this.optionIndex.get(prdStckNo);
    return hit && hit.product.apiKey === apiKey ? hit : undefined;
  }

  addProduct(apiKey: string, input: ProductInput): Product {
    this.requireKey(apiKey);
    const prdNo = String(++this.data.counters.prdNo);
    const sellerPrdCd = input.sellerPrdCd ?? `SKU-${prdNo}`;
    const optionInputs = input.options && input.options.length > 0 ? input.options : null;
    const options: StockOption[] = optionInputs
      ? optionInputs.map((o, i) => {
          const name = o.name ?? `선택:옵션${i + 1}`;
          const colon = name.indexOf(':');
          return this.newOption({
            sellerStockCd: o.sellerStockCd ?? `${sellerPrdCd}-${i + 1}`,
            mixOptNm: colon >= 0 ? name.slice(0, colon) : '선택',
            mixDtlOptNm: colon >= 0 ? name.slice(colon + 1) : name,
            mixOptNo: String(i + 1),
            addPrc: o.addPrc ?? 0,
            stckQty: o.stckQty,
          });
        })
      : // A product without options still has one stock row (reference §6.3).
        [this.newOption({ sellerStockCd: sellerPrdCd, mixOptNm: '', mixDtlOptNm: '단일상품', mixOptNo: '', addPrc: 0, stckQty: 100 })];
    const product: Product = {
      prdNo,
      apiKey,
      sellerPrdCd,
      prdNm: input.prdNm,
      selPrc: input.selPrc ?? 10000,
      selStatCd: '103',
      dispCtgrNo: '1001234',
      createdAt: this.nowIso(),
      options,
    };
    this.data.products.push(product);
    this.indexProduct(product);
    this.onChange();
    return product;
  }

  private newOption(o: Omit<StockOption, 'prdStckNo' | 'selQty' | 'optWght' | 'prdStckStatCd'>): StockOption {
    return { ...o, prdStckNo: String(++this.data.counters.prdStckNo), selQty: 0, optWght: 0, prdStckStatCd: o.stckQty > 0 ? '01' : '02' };
  }

  /** Creates the demo catalogue for a seller that has no products yet. */
  ensureCatalogue(apiKey: string): Product[] {
    const existing = this.productsOf(apiKey);
    if (existing.length > 0) return existing;
    return CATALOGUE.map((c) =>
      this.addProduct(apiKey, {
        sellerPrdCd: c.sellerPrdCd,
        prdNm: c.prdNm,
        selPrc: c.selPrc,
        options: c.options.length > 0 ? c.options : undefined,
      }),
    );
  }

  /** PUT stockqty: sets the absolute on-hand quantity of one option. */
  setStock(apiKey: string, prdStckNo: string, body: { prdNo?: string; stckQty: number }): { resultCode: string; message: string } {
    const hit = this.findOption(apiKey, prdStckNo);
    if (!hit || (body.prdNo !== undefined && body.prdNo !== hit.product.prdNo)) {
      return { resultCode: '404', message: `옵션재고 번호 ${prdStckNo}에 해당하는 상품정보가 없습니다.` };
    }
    hit.option.stckQty = body.stckQty;
    hit.option.prdStckStatCd = body.stckQty > 0 ? '01' : '02';
    this.onChange();
    return {
      resultCode: '200',
      message: `옵션재고 번호 ${prdStckNo}(상품번호:${hit.product.prdNo})의 수량이 업데이트 되었습니다. 변경된 수량 : ${body.stckQty}`,
    };
  }

  private moveStock(prdStckNo: string, qty: number): void {
    const hit = this.optionIndex.get(prdStckNo);
    if (!hit) return;
    hit.option.stckQty = Math.max(0, hit.option.stckQty - qty);
    hit.option.selQty = Math.max(0, hit.option.selQty + qty);
    hit.option.prdStckStatCd = hit.option.stckQty > 0 ? '01' : '02';
  }

  // ---- orders -------------------------------------------------------------------------------

  get lines(): readonly OrderLine[] {
    return this.data.lines;
  }

  findLine(ordNo: string, ordPrdSeq: string): OrderLine | undefined {
    return this.lineIndex.get(`${ordNo}:${ordPrdSeq}`);
  }

  createOrders(apiKey: string, orders: OrderInput[]): OrderLine[][] {
    this.requireKey(apiKey);
    // Validate every referenced product first: bad input changes nothing.
    for (const order of orders) {
      for (const l of order.lines) {
        if (l.prdStckNo !== undefined && !this.findOption(apiKey, l.prdStckNo)) {
          throw new SandboxInputError(`unknown prdStckNo ${l.prdStckNo} for this apiKey`, 404);
        }
        if (l.prdNo !== undefined && !this.findProduct(apiKey, l.prdNo)) {
          throw new SandboxInputError(`unknown prdNo ${l.prdNo} for this apiKey`, 404);
        }
        if (l.prdNo !== undefined && l.prdStckNo !== undefined && this.findOption(apiKey, l.prdStckNo)?.product.prdNo !== l.prdNo) {
          throw new SandboxInputError(`prdStckNo ${l.prdStckNo} does not belong to prdNo ${l.prdNo}`);
        }
      }
      if (order.lines[0]?.addPrd) throw new SandboxInputError('the first line of an order cannot be an add-on (addPrd)');
      if (order.ordDt !== undefined && Number.isNaN(Date.parse(order.ordDt))) {
        throw new SandboxInputError(`ordDt is not an ISO date-time: ${order.ordDt}`);
      }
    }
    const created = orders.map((o) => this.createOrder(apiKey, o));
    this.onChange();
    return created;
  }

  /** `count` random paid orders spread over the last three days. */
  createRandomOrders(apiKey: string, count: number): OrderLine[][] {
    this.requireKey(apiKey);
    const catalogue = this.ensureCatalogue(apiKey);
    const nowMs = this.now().getTime();
    const created: OrderLine[][] = [];
    for (let i = 0; i < count; i++) {
      const r = this.rng();
      const mainCount = r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
      const lines: LineInput[] = [];
      for (let j = 0; j < mainCount; j++) {
        const product = pick(this.rng, catalogue);
        const option = pick(this.rng, product.options);
        lines.push({ prdNo: product.prdNo, prdStckNo: option.prdStckNo, qty: this.rng() < 0.8 ? 1 : intBetween(this.rng, 2, 3) });
        if (this.rng() < 0.15) lines.push({ addPrd: true });
      }
      const ordDt = new Date(nowMs - Math.floor(this.rng() * 3 * DAY_MS)).toISOString();
      created.push(this.createOrder(apiKey, { ordDt, lines, bundle: this.rng() < 0.85 }));
    }
    this.onChange();
    return created;
  }

  private createOrder(apiKey: string, input: OrderInput): OrderLine[] {
    const rng = this.rng;
    const ordDtMs = input.ordDt ? Date.parse(input.ordDt) : this.now().getTime();
    const ordDt = new Date(ordDtMs).toISOString();
    const ordStlEndDt = new Date(ordDtMs + intBetween(rng, 5, 90) * 1000).toISOString();
    const dlvSndDue = new Date(ordDtMs + 2 * DAY_MS).toISOString();
    const ordNo = kstDay(ordDtMs) + String(++this.data.counters.ordNo % 1_000_000_000).padStart(9, '0');
    const buyerName = input.ordNm ?? koreanName(rng);
    const address = koreanAddress(rng);
    const buyerPhone = mobilePhone(rng);
    const sameReceiver = rng() < 0.7;
    const receiver = {
      rcvrNm: input.rcvrNm ?? (sameReceiver ? buyerName : koreanName(rng)),
      rcvrPrtblNo: input.rcvrPrtblNo ?? (sameReceiver ? buyerPhone : mobilePhone(rng)),
      rcvrTlphn: rng() < 0.7 ? '' : landline(rng),
      rcvrBaseAddr: input.rcvrBaseAddr ?? address.base,
      rcvrDtlsAddr: input.rcvrDtlsAddr ?? address.detail,
      rcvrMailNo: input.rcvrMailNo ?? address.postalCode,
      typeBilNo: address.buildingNo,
    };
    const buyer = {
      memNo: randomDigits(rng, 8),
      memID: maskedMemberId(rng),
      custGrdNm: rng() < 0.3 ? '우수고객' : '일반고객',
      ordNm: buyerName,
      ordPrtblTel: buyerPhone,
      ordTlphnNo: landline(rng),
      ordBaseAddr: address.base,
      ordDtlsAddr: address.detail,
      ordMailNo: rng() < 0.3 ? null : address.postalCode,
    };
    const memo = input.ordDlvReqCont !== undefined ? input.ordDlvReqCont : deliveryMemo(rng);
    const bundled = input.bundle ?? true;
    const mainCount = input.lines.filter((l) => !l.addPrd).length;
    const bundleSeq = bundled && mainCount > 1 ? String(++this.data.counters.bundle) : '0';
    let dlvNo = String(++this.data.counters.dlvNo);
    let firstOfParcel = true;
    let main: OrderLine | undefined;
    const created: OrderLine[] = [];
    input.lines.forEach((l, i) => {
      if (!l.addPrd && i > 0 && !bundled) {
        dlvNo = String(++this.data.counters.dlvNo);
        firstOfParcel = true;
      }
      const qty = l.qty ?? 1;
      let item: Pick<OrderLine, 'prdNo' | 'prdStckNo' | 'prdNm' | 'sellerPrdCd' | 'sellerStockCd' | 'slctPrdOptNm' | 'selPrc' | 'optAmt' | 'addPrdYn' | 'addPrdNo'>;
      if (l.addPrd && main) {
        const addOn = pick(rng, ADD_ONS);
        const prdNm = l.prdNm ?? addOn.prdNm;
        item = {
          prdNo: String(++this.data.counters.prdNo),
          prdStckNo: String(++this.data.counters.prdStckNo),
          prdNm,
          sellerPrdCd: '',
          sellerStockCd: '',
          slctPrdOptNm: `추가구성상품:${prdNm}-${qty}개`,
          selPrc: l.selPrc ?? addOn.selPrc,
          optAmt: 0,
          addPrdYn: 'Y',
          addPrdNo: main.prdNo,
        };
      } else {
        const hit = l.prdStckNo !== undefined ? this.findOption(apiKey, l.prdStckNo) : undefined;
        const product = hit?.product ?? (l.prdNo !== undefined ? this.findProduct(apiKey, l.prdNo) : undefined) ?? pick(rng, this.ensureCatalogue(apiKey));
        const option = hit?.option ?? pick(rng, product.options);
        const optionText = option.mixOptNm ? `${option.mixOptNm}:${option.mixDtlOptNm}-${qty}개` : '';
        item = {
          prdNo: product.prdNo,
          prdStckNo: option.prdStckNo,
          prdNm: l.prdNm ?? product.prdNm,
          sellerPrdCd: product.sellerPrdCd,
          sellerStockCd: option.sellerStockCd,
          slctPrdOptNm: optionText,
          selPrc: l.selPrc ?? product.selPrc,
          optAmt: option.addPrc * qty,
          addPrdYn: 'N',
          addPrdNo: '0',
        };
        this.moveStock(option.prdStckNo, qty);
      }
      const line: OrderLine = {
        apiKey,
        ordNo,
        ordPrdSeq: String(i + 1),
        dlvNo,
        bndlDlvYN: bundleSeq === '0' ? 'N' : 'Y',
        bndlDlvSeq: bundleSeq,
        ...item,
        ordQty: qty,
        dlvCst: firstOfParcel && item.addPrdYn === 'N' && item.selPrc * qty < 30000 ? 3000 : 0,
        sellerDscPrc: item.addPrdYn === 'N' && rng() < 0.3 ? 1000 : 0,
        tmallDscPrc: item.addPrdYn === 'N' && rng() < 0.2 ? 500 : 0,
        ordDt,
        ordStlEndDt,
        dlvSndDue,
        ...buyer,
        ...receiver,
        ordDlvReqCont: memo,
        status: '202',
        plcodrCnfDt: null,
        sndEndDt: null,
        dlvMthdCd: null,
        dlvEtprsCd: null,
        invcNo: null,
        dlvEndDt: null,
        pocnfrmDt: null,
        cancel: null,
      };
      if (item.addPrdYn === 'N') {
        main = line;
        firstOfParcel = false;
      }
      this.data.lines.push(line);
      this.lineIndex.set(`${line.ordNo}:${line.ordPrdSeq}`, line);
      created.push(line);
    });
    return created;
  }

  /** Lines in `status` whose payment time falls in the window, oldest first, at most `cap`. */
  listByStatus(apiKey: string, status: LineStatus, startMs: number, endMs: number, cap: number): OrderLine[] {
    const rows = this.data.lines.filter(
      (l) => l.apiKey === apiKey && l.status === status && inWindow(Date.parse(l.ordStlEndDt), startMs, endMs),
    );
    return sortLines(rows).slice(0, cap);
  }

  linesOfOrders(apiKey: string, ordNos: readonly string[]): OrderLine[] {
    const wanted = new Set(ordNos);
    return this.data.lines
      .filter((l) => l.apiKey === apiKey && wanted.has(l.ordNo))
      .sort((a, b) => (a.ordNo < b.ordNo ? -1 : a.ordNo > b.ordNo ? 1 : Number(a.ordPrdSeq) - Number(b.ordPrdSeq)));
  }

  /** Claims with ordCnStatCd 01 (by request time) or 02 (by completion time) in the window. */
  listClaims(apiKey: string, claimStatus: '01' | '02', startMs: number, endMs: number, cap: number): OrderLine[] {
    const rows = this.data.lines.filter((l) => {
      if (l.apiKey !== apiKey || !l.cancel || l.cancel.status !== claimStatus) return false;
      const at = claimStatus === '01' ? l.cancel.createdAt : (l.cancel.doneAt ?? l.cancel.createdAt);
      return inWindow(Date.parse(at), startMs, endMs);
    });
    return sortLines(rows).slice(0, cap);
  }

  // ---- 발주확인 -----------------------------------------------------------------------------

  confirm(apiKey: string, p: { ordNo: string; ordPrdSeq: string; addPrdYn: string; addPrdNo: string; dlvNo: string }): ActionResult {
    if (p.addPrdYn !== 'Y' && p.addPrdYn !== 'N') return fail('-1', ERR('추가구성상품 여부(addPrdYn)는 Y 또는 N 이어야 합니다.'));
    if (p.addPrdYn === 'N' && p.addPrdNo !== 'null') {
      return fail('-1', ERR('추가구성상품이 없는 경우 addPrdNo 는 null 이어야 합니다.'));
    }
    const line = this.findLine(p.ordNo, p.ordPrdSeq);
    if (!line || line.apiKey !== apiKey || line.dlvNo !== p.dlvNo) {
      return fail('-1', ERR('주문정보가 존재하지 않습니다. 주문번호, 주문순번, 배송번호를 확인하세요.'));
    }
    if ((line.addPrdYn === 'Y') !== (p.addPrdYn === 'Y')) {
      return fail('-1', ERR('추가구성상품 여부(addPrdYn)가 주문정보와 다릅니다.'));
    }
    if (line.status === 'B01') return fail('-3211', '이미 취소된 주문입니다.');
    if (line.cancel?.status === '01') return fail('-3214', '취소신청이 진행중인 주문입니다. 취소신청 처리 후 발주확인 하세요.');
    if (nextStatus(line.status, 'confirm') === null) {
      return fail('-3206', '발주확인할 주문이 없거나 이미 발주확인 처리된 주문입니다.');
    }
    // 11st confirms every line of the same delivery number and product together, with add-ons.
    const mainPrdNo = line.addPrdYn === 'Y' ? line.addPrdNo : line.prdNo;
    const group = this.data.lines.filter(
      (l) =>
        l.apiKey === apiKey &&
        l.dlvNo === line.dlvNo &&
        l.status === '202' &&
        l.cancel?.status !== '01' &&
        (line.addPrdYn === 'Y' ? l === line : l.prdNo === mainPrdNo || (l.addPrdYn === 'Y' && l.addPrdNo === mainPrdNo)),
    );
    const at = this.nowIso();
    for (const l of group) {
      l.status = '301';
      l.plcodrCnfDt = at;
    }
    this.onChange();
    return ok(`전체 ${group.length}건이 정상적으로 발주처리가 되었습니다.`);
  }

  // ---- 발송처리 -----------------------------------------------------------------------------

  ship(apiKey: string, s: ShipInput): ActionResult {
    const responseMethod = DISPATCH_METHOD_TO_RESPONSE[s.method];
    if (!responseMethod) return fail('-1', ERR(`배송방식 코드(${s.method})가 올바르지 않습니다.`));
    const noShipment = s.method === '05';
    if (noShipment) {
      if (s.carrier !== 'null' || s.invcNo !== 'null') {
        return fail('-1', ERR('배송없음(05)인 경우 택배사코드와 송장번호는 null 이어야 합니다.'));
      }
    } else {
      if (!CARRIER_CODES.has(s.carrier)) return fail('-3307', `택배사 코드(${s.carrier})가 올바르지 않습니다.`);
      if (!/^[0-9A-Za-z]{8,20}$/.test(s.invcNo)) return fail('-3306', `송장번호(${s.invcNo})가 올바르지 않습니다.`);
      const usedBy = this.invcIndex.get(s.invcNo);
      if (usedBy !== undefined && usedBy !== s.dlvNo) return fail('-3320', '이미 사용된 송장번호 입니다.');
    }
    const parcel = this.data.lines.filter((l) => l.apiKey === apiKey && l.dlvNo === s.dlvNo);
    if (parcel.length === 0) return fail('-1', ERR(`배송번호(${s.dlvNo})에 해당하는 주문이 없습니다.`));
    let targets = parcel;
    if (s.partial) {
      const { ordNo, seqs } = s.partial;
      targets = parcel.filter((l) => l.ordNo === ordNo && seqs.includes(l.ordPrdSeq));
      if (targets.length !== seqs.length) return fail('-1', ERR('배송번호에 해당하지 않는 주문순번이 있습니다.'));
      for (const t of targets) {
        if (t.addPrdYn !== 'Y') continue;
        const mainLine = parcel.find((l) => l.addPrdYn === 'N' && l.prdNo === t.addPrdNo);
        if (mainLine && !targets.includes(mainLine) && mainLine.status !== '401') {
          return fail('-1', ERR('추가구성상품은 단독으로 발송처리할 수 없습니다.'));
        }
      }
    }
    if (targets.some((l) => l.cancel?.status === '01' && (l.status === '202' || l.status === '301'))) {
      return fail('-3310', '주문상태를 확인하세요. 취소신청이 접수된 주문입니다.');
    }
    const shippable = targets.filter((l) => nextStatus(l.status, 'ship') !== null);
    if (shippable.length === 0) {
      if (targets.some((l) => l.status === '401')) return fail('-3308', `이미 발송처리된 배송번호입니다. (배송번호 : ${s.dlvNo})`);
      if (targets.some((l) => l.status === '501' || l.status === '901')) return fail('-3309', '이미 배송완료된 주문입니다.');
      const state = STATUS_NAMES[targets[0]?.status ?? '202'];
      return fail('-3313', `발송처리할 주문이 없습니다. 주문상태 : ${state}`);
    }
    const sndEndDt = new Date(s.sendMs).toISOString();
    for (const l of shippable) {
      l.status = '401';
      l.sndEndDt = sndEndDt;
      l.dlvMthdCd = responseMethod;
      l.dlvEtprsCd = noShipment ? null : s.carrier;
      l.invcNo = noShipment ? null : s.invcNo;
    }
    if (!noShipment) this.invcIndex.set(s.invcNo, s.dlvNo);
    this.onChange();
    return ok(`전체 ${shippable.length}건이 정상적으로 발송처리가 되었습니다.`);
  }

  // ---- claims -------------------------------------------------------------------------------

  /** Control API: the buyer asks to cancel a line (ordCnStatCd 01). */
  requestCancel(ordNo: string, ordPrdSeq: string, reason?: { code?: string; text?: string }): OrderLine {
    const line = this.findLine(ordNo, ordPrdSeq);
    if (!line) throw new SandboxInputError(`no order line ${ordNo}/${ordPrdSeq}`, 404);
    if (line.cancel?.status === '01') throw new SandboxInputError('this line already has a pending cancel request', 409);
    if (nextStatus(line.status, 'cancel') === null) {
      throw new SandboxInputError(`a line in status ${line.status} (${STATUS_NAMES[line.status]}) cannot be cancelled`, 409);
    }
    line.cancel = {
      ordPrdCnSeq: String(++this.data.counters.ordPrdCnSeq),
      status: '01',
      reasonCode: reason?.code ?? '14',
      reasonText: reason?.text ?? '단순 변심으로 취소합니다.',
      requestedBy: '01',
      qty: line.ordQty,
      createdAt: this.nowIso(),
      doneAt: null,
    };
    this.onChange();
    return line;
  }

  approveCancel(apiKey: string, p: { ordPrdCnSeq: string; ordNo: string; ordPrdSeq: string }): ActionResult {
    if (!this.data.lines.some((l) => l.apiKey === apiKey && l.ordNo === p.ordNo)) return fail('-22002', '주문번호가 존재하지 않습니다.');
    const line = this.findLine(p.ordNo, p.ordPrdSeq);
    if (!line || line.apiKey !== apiKey) return fail('-22003', '주문순번이 존재하지 않습니다.');
    if (!line.cancel || line.cancel.ordPrdCnSeq !== p.ordPrdCnSeq || line.cancel.status === 'rejected') {
      return fail('-22004', '클레임번호가 존재하지 않습니다.');
    }
    if (line.cancel.status === '02') return fail('-1', ERR('이미 취소 완료된 신청건 입니다.'));
    this.completeCancel(line);
    this.onChange();
    return ok('전체 1건이 정상적으로 취소처리가 되었습니다.');
  }

  private completeCancel(line: OrderLine): void {
    if (!line.cancel) return;
    line.status = 'B01';
    line.cancel.status = '02';
    line.cancel.doneAt = this.nowIso();
    if (line.addPrdYn === 'N') this.moveStock(line.prdStckNo, -line.ordQty);
  }

  rejectCancel(
    apiKey: string,
    p: { ordNo: string; ordPrdSeq: string; ordPrdCnSeq: string; method: string; sendDtMs: number | null; carrier: string; invcNo: string },
  ): ActionResult {
    if (!this.data.lines.some((l) => l.apiKey === apiKey && l.ordNo === p.ordNo)) return fail('-23001', '주문번호가 존재하지 않습니다.');
    const line = this.findLine(p.ordNo, p.ordPrdSeq);
    if (!line || line.apiKey !== apiKey) return fail('-23002', '주문순번이 존재하지 않습니다.');
    if (!line.cancel || line.cancel.ordPrdCnSeq !== p.ordPrdCnSeq) return fail('-23003', '클레임번호가 존재하지 않습니다.');
    if (line.cancel.status !== '01') return fail('-23008', '취소신청 상태가 아닌 건은 거부할 수 없습니다.');
    const responseMethod = REJECT_METHOD_TO_RESPONSE[p.method];
    if (!responseMethod) return fail('-23007', `배송방식 코드(${p.method})가 올바르지 않습니다.`);
    if (p.sendDtMs === null) return fail('-23006', '발송일자 형식이 올바르지 않습니다. (YYYYMMDD)');
    const noShipment = p.method === '05';
    if (!noShipment) {
      if (!CARRIER_CODES.has(p.carrier)) return fail('-23004', `택배사 코드(${p.carrier})가 올바르지 않습니다.`);
      if (!/^[0-9A-Za-z]{11,20}$/.test(p.invcNo)) return fail('-23005', '송장번호는 10자리 이하로 입력할 수 없습니다.');
      const usedBy = this.invcIndex.get(p.invcNo);
      if (usedBy !== undefined && usedBy !== line.dlvNo) return fail('-3320', '이미 사용된 송장번호 입니다.');
    }
    if (nextStatus(line.status, 'shipAnyway') === null) return fail('-23008', '취소거부 할 수 없는 주문상태입니다.');
    line.cancel.status = 'rejected';
    line.cancel.doneAt = this.nowIso();
    line.status = '401';
    line.plcodrCnfDt ??= this.nowIso();
    line.sndEndDt = new Date(p.sendDtMs).toISOString();
    line.dlvMthdCd = responseMethod;
    line.dlvEtprsCd = noShipment ? null : p.carrier;
    line.invcNo = noShipment ? null : p.invcNo;
    if (!noShipment) this.invcIndex.set(p.invcNo, line.dlvNo);
    this.onChange();
    return ok('전체 1건이 정상적으로 취소거부 처리가 되었습니다.');
  }

  refuseSale(apiKey: string, p: { ordNo: string; ordPrdSeq: string; reasonCode: string; reasonText: string }): ActionResult {
    if (!['06', '07', '08', '09', '10', '18', '19', '20', '99'].includes(p.reasonCode)) {
      return fail('-1', ERR(`판매불가 사유코드(${p.reasonCode})가 올바르지 않습니다.`));
    }
    if (!this.data.lines.some((l) => l.apiKey === apiKey && l.ordNo === p.ordNo)) return fail('-21002', '주문번호가 존재하지 않습니다.');
    const line = this.findLine(p.ordNo, p.ordPrdSeq);
    if (!line || line.apiKey !== apiKey) return fail('-21003', '주문순번이 존재하지 않습니다.');
    if (line.cancel?.status === '01') return fail('-21005', '취소신청이 진행중인 주문은 판매불가 처리할 수 없습니다.');
    if (nextStatus(line.status, 'cancel') === null) {
      return fail('-21004', `판매불가 처리할 수 없는 주문상태입니다. 주문상태 : ${STATUS_NAMES[line.status]}`);
    }
    line.cancel = {
      ordPrdCnSeq: String(++this.data.counters.ordPrdCnSeq),
      status: '01',
      reasonCode: p.reasonCode,
      reasonText: p.reasonText,
      requestedBy: '02',
      qty: line.ordQty,
      createdAt: this.nowIso(),
      doneAt: null,
    };
    this.completeCancel(line);
    this.onChange();
    return ok('전체 1건이 정상적으로 판매불가 처리가 되었습니다.');
  }

  /** Control API: move a shipped line to delivered (501) or receipt confirmed (901). */
  advance(ordNo: string, ordPrdSeq: string, to: '501' | '901'): OrderLine {
    const line = this.findLine(ordNo, ordPrdSeq);
    if (!line) throw new SandboxInputError(`no order line ${ordNo}/${ordPrdSeq}`, 404);
    const event: LineEvent = to === '501' ? 'deliver' : 'receive';
    if (nextStatus(line.status, event) !== to) {
      throw new SandboxInputError(`cannot move a line from ${line.status} (${STATUS_NAMES[line.status]}) to ${to}`, 409);
    }
    const at = this.nowIso();
    line.status = to;
    line.dlvEndDt ??= at;
    if (to === '901') line.pocnfrmDt = at;
    this.onChange();
    return line;
  }
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortLines(rows: OrderLine[]): OrderLine[] {
  return rows.sort(
    (a, b) => compareText(a.ordStlEndDt, b.ordStlEndDt) || compareText(a.ordNo, b.ordNo) || Number(a.ordPrdSeq) - Number(b.ordPrdSeq),
  );
}
