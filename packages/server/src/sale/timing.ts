// Time spans other tools (the verifier) must agree with the service on.
import { STATEMENT_TIMEOUT_MS } from '../store/timeouts.js';

/** A pending purchase younger than this may still have its own request writing it. */
export const PENDING_GRACE_MS = 2 * STATEMENT_TIMEOUT_MS;

/** How long a sale's Redis keys are kept after its last hold can lapse. */
export const RETENTION_AFTER_SALE_MS = 24 * 3_600_000;
