// Exactly what the service does with a purchase before its Postgres write: the code consumed in
// Redis and the purchase left pending. Tests call it alone to stand for a process that died there.
import { createAdmission, type PurchaseDecision } from '../../src/admission/admission.js';
import { purchaseIdFor } from '../../src/sale/codes.js';
import type { World } from './server.js';

export async function admitPurchaseOnly(
  world: World,
  sale: { saleId: number; code: string; requestId: string },
): Promise<PurchaseDecision> {
  return createAdmission(world.redis.client).purchase({
    saleId: sale.saleId,
    code: sale.code,
    purchaseId: purchaseIdFor(sale.code),
    requestId: sale.requestId,
    nowMs: world.clock.now(),
  });
}
