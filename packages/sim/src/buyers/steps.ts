// Builds the requests buyers send. Ids of well-behaved buyers are URL-safe by construction; codes
// are whatever the target issued (not every service keeps to URL-safe ones), so they are encoded,
// as are the deliberately bad values of invalid buyers.
import type { IssuedCode } from './code-book.js';
import type { Step } from './session.js';

const integerPattern = /^-?\d+$/;

export function checkoutStep(userId: string, itemId: number): Step {
  return {
    endpoint: 'checkout',
    path: `/checkout?user_id=${userId}&id=${itemId}`,
    userId,
    itemId,
    code: null,
    issuedUserId: null,
    issuedItemId: null,
  };
}

/** A purchase with a code a checkout returned to `issuedUserId` for `issuedItemId`. */
export function purchaseStep(code: string, issuedUserId: string, issuedItemId: number): Step {
  return {
    endpoint: 'purchase',
    path: `/purchase?code=${encodeURIComponent(code)}`,
    userId: null,
    itemId: null,
    code,
    issuedUserId,
    issuedItemId,
  };
}

/** A checkout with raw parameter texts; null leaves the parameter out. */
export function rawCheckoutStep(userText: string | null, itemText: string | null): Step {
  const params: string[] = [];
  if (userText !== null) params.push(`user_id=${encodeURIComponent(userText)}`);
  if (itemText !== null) params.push(`id=${encodeURIComponent(itemText)}`);
  const itemId = itemText !== null && integerPattern.test(itemText) ? Number(itemText) : null;
  return {
    endpoint: 'checkout',
    path: params.length === 0 ? '/checkout' : `/checkout?${params.join('&')}`,
    userId: userText,
    itemId,
    code: null,
    issuedUserId: null,
    issuedItemId: null,
  };
}

/** A purchase with a raw code text; null leaves the parameter out. `issued`: what the code book knows of it. */
export function rawPurchaseStep(codeText: string | null, issued: IssuedCode | null = null): Step {
  return {
    endpoint: 'purchase',
    path: codeText === null ? '/purchase' : `/purchase?code=${encodeURIComponent(codeText)}`,
    userId: null,
    itemId: null,
    code: codeText,
    issuedUserId: issued?.userId ?? null,
    issuedItemId: issued?.itemId ?? null,
  };
}
