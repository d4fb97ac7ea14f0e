import { describe, expect, it } from 'vitest';
import { decodeBody, decodeClaimList, decodeOrderList, decodeProductStocks, decodeProducts } from '../../src/marketplaces/elevenst/codec.ts';
import {
  kstToUtcIso,
  toChannelOrderLine,
  toClaim,
  toListing,
  toListingOption,
  utcIsoToKstDay,
  utcIsoToKstMinute,
  windowToKstMinutes,
} from '../../src/marketplaces/elevenst/mapper.ts';
import { fixtureBytes } from './fixtures.ts';

const text = (name: string) => decodeBody(fixtureBytes(name));

function lines(name: string) {
  const out = decodeOrderList(text(name));
  if (out.kind !== 'rows') throw new Error(`${name}: ${out.kind}`);
  return out.rows.map(toChannelOrderLine);
}

describe('11st mapper: time', () => {
  it('converts KST response times to UTC ISO', () => {
    expect(kstToUtcIso('2026-05-01 10:12:30')).toBe('2026-05-01T01:12:30.000Z');
    expect(kstToUtcIso('2026-05-01 00:00:00')).toBe('2026-04-30T15:00:00.000Z');
    expect(kstToUtcIso('20170420')).toBe('2017-04-19T15:00:00.000Z');
  });

  it('rejects impossible dates instead of rolling them over', () => {
    expect(() => kstToUtcIso('2026-02-30 10:00:00')).toThrow(/valid/);
    expect(() => kstToUtcIso('yesterday')).toThrow();
  });

  it('formats request times as KST YYYYMMDDhhmm and YYYYMMDD', () => {
    expect(utcIsoToKstMinute('2026-04-30T15:30:59Z')).toBe('202605010030');
    expect(utcIsoToKstDay('2026-04-30T15:30:00Z')).toBe('20260501');
  });

  it('widens a window to whole minutes, never narrowing it', () => {
    expect(windowToKstMinutes({ from: '2026-05-01T00:00:30Z', to: '2026-05-01T01:00:01Z' })).toEqual({
      start: '202605010900',
      end: '202605011001',
      spanMs: 61 * 60_000,
    });
    expect(() => windowToKstMinutes({ from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' })).toThrow(/before/);
  });
});

describe('11st mapper: order lines', () => {
  it('maps a paid bundle into the hub words with money as KRW integers and times in UTC', () => {
    const [first, mug, addOn, other] = lines('complete-rows.xml');
    expect(first).toMatchObject({
      mall: '11st',
      mallOrderNo: '20260501123456789',
      mallLineNo: '3',
      deliveryNo: '2600000001',
      productNo: '9000000001',
      productName: '햏복한 면 타월 세트',
      optionText: '색상/사이즈:아이보리/100cm-1개',
      optionStockNo: '40000000001',
      sellerProductCode: 'TOWEL-SET',
      sellerStockCode: 'TOWEL-SET-IVORY-100',
      quantity: 2,
      unitPrice: { amount: 10000, currency: 'KRW' },
      orderAmount: { amount: 20000, currency: 'KRW' },
      paidAmount: { amount: 23000, currency: 'KRW' },
      shippingFee: { amount: 3000, currency: 'KRW' },
      mallStatus: 'paid',
      mallStatusCode: '202',
      orderedAt: '2026-05-01T01:12:00.000Z',
      paidAt: '2026-05-01T01:12:30.000Z',
      shipBy: '2026-05-03T15:00:00.000Z',
      memo: '부재시 경비실에 맡겨주세요',
      buyer: { name: '김똠이', mobile: '010-1234-5678', address: { baseAddress: '서울특별시 강남구 테헤란로 152', detailAddress: '똠양빌딩 3층' } },
      receiver: { name: '박뷁순', mobile: '010-9876-5432', address: { postalCode: '13494', detailAddress: '샾하우스 101동 1001호' } },
    });
    expect(first?.addOnOfProductNo).toBeUndefined();
    expect(first?.confirmedAt).toBeUndefined();
    expect(first?.shipment).toBeUndefined();
    // "02--" is a placeholder, not a phone number.
    expect(first?.buyer.phone).toBeUndefined();
    expect(first?.raw['ordNo']).toBe('20260501123456789');

    expect(mug?.deliveryNo).toBe(first?.deliveryNo);
    expect(mug?.optionAmount).toEqual({ amount: 500, currency: 'KRW' });
    expect(addOn).toMatchObject({ mallLineNo: '8', addOnOfProductNo: '9000000002', productNo: '9000000003' });
    expect(addOn?.optionText).toBeUndefined();
    expect(addOn?.sellerProductCode).toBeUndefined();
    expect(other).toMatchObject({
      mallOrderNo: '20260501987654321',
      sellerDiscount: { amount: 1000, currency: 'KRW' },
      mallDiscount: { amount: 500, currency: 'KRW' },
      paidAt: '2026-05-01T15:00:05.000Z',
      buyer: { phone: '031-123-4567', address: { postalCode: '06236' } },
      receiver: { phone: '02-555-1234' },
    });
  });

  it('maps a confirmed (301) line with its confirmation time', () => {
    const [line] = lines('packaging-rows.xml');
    expect(line).toMatchObject({ mallStatus: 'preparing', confirmedAt: '2026-05-02T00:00:00.000Z' });
  });

  it('maps a shipped line with carrier, method and tracking number', () => {
    const [line] = lines('order-by-no-shipped.xml');
    expect(line).toMatchObject({
      mallStatus: 'shipped',
      shippedAt: '2026-04-26T00:30:00.000Z',
      shipment: { method: 'parcel', carrier: 'qxpress', carrierMallCode: '00108', trackingNo: '550012345678' },
    });
  });

  it('fails a row without an order number rather than inventing one', () => {
    expect(() => toChannelOrderLine({ ordPrdSeq: '1', dlvNo: '1', prdNo: '1', ordQty: '1' })).toThrow(/ordNo/);
    expect(() => toChannelOrderLine({ ordNo: '1', ordPrdSeq: '1', dlvNo: '1', prdNo: '1', ordQty: '1', selPrc: '9.5' })).toThrow(/KRW/);
  });
});

describe('11st mapper: claims, listings, options', () => {
  it('maps a cancel request', () => {
    const out = decodeClaimList(text('cancelorders-single.xml'));
    if (out.kind !== 'rows') throw new Error(out.kind);
    expect(toClaim(out.rows[0] ?? {}, 'requested')).toMatchObject({
      claimNo: '1',
      mallOrderNo: '20260501123456789',
      mallLineNo: '3',
      deliveryNo: '2600000001',
      quantity: 1,
      requestedBy: 'buyer',
      reasonCode: '15',
      reasonText: '색상을 잘못 골랐어요 똠',
      status: 'requested',
      requestedAt: '2026-05-01T23:15:00.000Z',
    });
  });

  it('maps completed cancels (seller-initiated, null reason text)', () => {
    const out = decodeClaimList(text('canceledorders-rows.xml'));
    if (out.kind !== 'rows') throw new Error(out.kind);
    const claims = out.rows.map((r) => toClaim(r, 'completed'));
    expect(claims.map((c) => [c.claimNo, c.status, c.requestedBy, c.quantity, c.reasonText])).toEqual([
      ['2', 'completed', 'seller', 2, undefined],
      ['1', 'completed', 'buyer', 1, '재고 부족'],
    ]);
  });

  it('maps a product listing', () => {
    const out = decodeProducts(text('sellerprodcode-single.xml'));
    if (out.kind !== 'rows') throw new Error(out.kind);
    expect(toListing(out.rows[0] ?? {})).toMatchObject({ productNo: '9000000001', sellerProductCode: 'TOWEL-SET', status: 'on_sale', price: { amount: 10000, currency: 'KRW' } });
  });

  it('maps option stocks with their stock numbers, codes, quantities and status', () => {
    const out = decodeProductStocks(text('stck-options.xml'));
    if (out.kind !== 'stocks') throw new Error(out.kind);
    const options = out.value.stocks.map((s) => toListingOption(s, out.value.productNo));
    expect(options.map((o) => [o.optionStockNo, o.sellerStockCode, o.quantity, o.soldQuantity, o.status, o.weight])).toEqual([
      ['40000000001', 'TOWEL-SET-IVORY-100', 30, 12, 'in_stock', '0'],
      ['40000000002', 'TOWEL-SET-GRAY-150', 27, 3, 'in_stock', '2'],
      ['40000000003', undefined, 0, 40, 'sold_out', '0'],
    ]);
    expect(options[1]).toMatchObject({ optionName: '색상,사이즈', optionValue: '그레이,150cm', addPrice: { amount: 2000, currency: 'KRW' } });
  });
});
