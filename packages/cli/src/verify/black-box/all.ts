// Every black-box check, in the order. The Record makes a missing id a compile error.
import type { BlackBoxCheck, BlackBoxId } from './check.js';
import { issuedCodes } from './issued-codes.js';
import { noOversell } from './no-oversell.js';
import { sellOut } from './sell-out.js';
import { singleSale } from './single-sale.js';
import { uniqueCodes } from './unique-codes.js';
import { userLimit } from './user-limit.js';

export const blackBoxChecks: Readonly<Record<BlackBoxId, BlackBoxCheck>> = {
  'unique-codes': uniqueCodes,
  'single-sale': singleSale,
  'user-limit': userLimit,
  'issued-codes': issuedCodes,
  'no-oversell': noOversell,
  'sell-out': sellOut,
};
