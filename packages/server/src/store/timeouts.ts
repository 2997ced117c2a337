// Statements that take longer than this fail, so a request never waits on Postgres forever and
// the reconciler's grace period can assume an admitted write has either landed or failed.
export const STATEMENT_TIMEOUT_MS = 5000;
export const CONNECT_TIMEOUT_MS = 2000;
