// The one place that decides whether a pg or ioredis error means "the dependency is gone"
// (503 unavailable) rather than a bug (500).

const connectionErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57 (operator
// intervention: admin shutdown, cannot connect now, statement timeout) and 3D000 (no database).
const unavailableSqlState = /^(08|53|57|3D000)/;

const connectionMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Command timed out',
  'connect ECONNREFUSED',
  'Cannot use a pool after calling end',
];

export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (connectionErrnos.has(code) || unavailableSqlState.test(code))) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return connectionMessages.some((text) => error.message.includes(text));
}
