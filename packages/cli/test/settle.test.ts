// After the load, `flashsale run` waits for purchases pending in Redis only as long as something
// can still settle them: their own request, and the reconciler's next rounds when it runs.
import { PENDING_GRACE_MS } from '@flashsale/server';
import { describe, expect, it } from 'vitest';
import { pendingSettleMs } from '../src/run/settle.js';

describe('pendingSettleMs', () => {
  it.each([
    ['the reconciler on, every 2 s', true, 2_000, PENDING_GRACE_MS + 3 * 2_000 + 5_000],
    ['the reconciler on, every minute', true, 60_000, PENDING_GRACE_MS + 3 * 60_000 + 5_000],
    ['the reconciler off, interval 2 s', false, 2_000, PENDING_GRACE_MS + 5_000],
    ['the reconciler off, interval a minute', false, 60_000, PENDING_GRACE_MS + 5_000],
  ])(
    'with %s, pending purchases are waited for their grace, the reconcile rounds that come and a margin',
    (_name, isReconcilerEnabled, reconcileIntervalMs, expectedMs) => {
      expect(pendingSettleMs({ isReconcilerEnabled, reconcileIntervalMs })).toBe(expectedMs);
    },
  );
});
