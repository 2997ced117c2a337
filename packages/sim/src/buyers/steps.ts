// Builds the requests buyers send. Ids of well-behaved buyers are URL-safe by construction, so
// only the deliberately bad values of invalid buyers go through encodeURIComponent.
import type { Step } from './session.js';

const integerPattern = /^-?\d+$/;

export function checkoutStep(userId: string, itemId: number): Step {
  return {
    endpoint: 'checkout',
    path: `/checkout?user_id=${userId}&id=${itemId}`,
    userId,
    itemId,
    code: null,
  };
}

export function purchaseStep(code: string): Step {
  return { endpoint: 'purchase', path: `/purchase?code=${code}`, userId: null, itemId: null, code };
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
  };
}

/** A purchase with a raw code text; null leaves the parameter out. */
export function rawPurchaseStep(codeText: string | null): Step {
  return {
    endpoint: 'purchase',
    path: codeText === null ? '/purchase' : `/purchase?code=${encodeURIComponent(codeText)}`,
    userId: null,
    itemId: null,
    code: codeText,
  };
}
