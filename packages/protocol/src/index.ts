// @flashsale/protocol: what the service, the simulator and the verifier agree on, each owned
// once. This file is the package's whole surface; it depends on no other flashsale package.
export { formatDurationMs, type Milliseconds, parseDurationMs } from './duration.js';
export { type DecodedLine, decodeLedgerLine } from './ledger-decode.js';
export { decodeLedgerLineFast } from './ledger-fast-decode.js';
export {
  type Behaviour,
  behaviours,
  type Endpoint,
  endpoints,
  formatFaultLine,
  formatRequestLine,
  type LedgerFault,
  type LedgerFaultJson,
  type LedgerRequest,
  type LedgerRequestJson,
} from './ledger-line.js';
export {
  type LedgerEntry,
  LedgerReadError,
  type LedgerReadErrorCode,
  readLedgerFile,
} from './ledger-reader.js';
export {
  type ApiErrorCode,
  apiErrorCodes,
  apiErrorStatus,
  type LedgerOutcome,
  ledgerOutcomeOf,
  ledgerOutcomes,
  type NoAnswerError,
  noAnswerErrors,
} from './outcomes.js';
export { isSoldOut, readSaleAnswer, type SaleAnswer, type SaleSnapshot } from './sale-answer.js';
export {
  type ItemState,
  readSaleItemsAnswer,
  type SaleItemsAnswer,
  type SaleItemsPage,
} from './sale-items-answer.js';
export { nextSaleStartMs, type SaleWindow, saleIdAt, saleWindow } from './sale-period.js';
export {
  builtInProfiles,
  contestProfile,
  defaultProfile,
  ProfileError,
  parseTargetProfile,
  type RefusalOutcome,
  type RefusalRule,
  readTargetProfile,
  refusalOutcomes,
  type TargetProfile,
} from './target-profile.js';
