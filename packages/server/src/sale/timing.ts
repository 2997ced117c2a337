// Time spans other tools (the verifier) must agree with the service on.
import { STATEMENT_TIMEOUT_MS } from '../store/timeouts.js';

/** A pending purchase younger than this may still have its own request writing it. */
export const PENDING_GRACE_MS = 2 * STATEMENT_TIMEOUT_MS;
