import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/platform/db/dialect.ts';
import { createOrderRepo, type OrdersTable } from '../../../src/modules/orders/repo.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';

describe.each(testDialects)('order repo on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await create();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  const order = (mallOrderNo: string, buyer: string): OrdersTable => ({
    id: newId(),
    seller_id: 'seller-1',
    connection_id: 'connection-1',
    mall: '11st',
    mall_order_no: mallOrderNo,
    buyer_name: buyer,
    buyer_member_id: null,
    buyer_mobile: null,
    buyer_phone: null,
    ordered_at: null,
    paid_at: null,
    created_at: '2026-11-28T00:00:00.000Z',
    updated_at: '2026-11-28T00:00:00.000Z',
  });

  it('inserts new orders with the ids given, and answers the stored id of an order that already exists', async () => {
    const repo = createOrderRepo();
    const db = scratch.database.db;
    const first = order('20261128000000001', '김똠이');
    expect(await repo.insertNewOrders(db, [first])).toEqual(new Map([[first.mall_order_no, first.id]]));

    const again = order('20261128000000001', '김똠이');
    const other = order('20261128000000002', '박뷁순');
    const ids = await repo.insertNewOrders(db, [again, other]);
    expect(ids.get(again.mall_order_no)).toBe(first.id);
    expect(ids.get(other.mall_order_no)).toBe(other.id);
    const stored = await db.selectFrom('orders').select(['id', 'mall_order_no']).orderBy('mall_order_no').execute();
    expect(stored).toEqual([
      { id: first.id, mall_order_no: first.mall_order_no },
      { id: other.id, mall_order_no: other.mall_order_no },
    ]);
  });
});
