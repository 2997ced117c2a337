// Checkout codes: `<sale id>.<22 base64url chars>`, 128 bits from the OS CSPRNG. The sale id in
// front is not secret; it tells purchase which sale's keys to look in.
import { createHash, randomFillSync } from 'node:crypto';

const RANDOM_BYTES = 16;
const POOL_CODES = 256;

export const codePattern = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/;

// Random bytes are drawn 4 KiB at a time rather than one syscall per code.
const pool = Buffer.alloc(RANDOM_BYTES * POOL_CODES);
let offset = pool.length;

export function newCode(saleId: number): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  return `${saleId}.${token}`;
}

/** The sale a well-formed code belongs to, or undefined when the code is malformed. */
export function saleIdOfCode(code: string): number | undefined {
  const match = codePattern.exec(code);
  return match === null ? undefined : Number(match[1]);
}

/**
 * The purchase id of a code: derived, not drawn, so every path that makes the purchase durable
 * (the request, its retries, the reconciler) names it the same. SHA-256 does not reveal the code.
 */
export function purchaseIdFor(code: string): string {
  const h = createHash('sha256').update(code).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
