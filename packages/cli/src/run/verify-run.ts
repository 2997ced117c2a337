// The run's step that verifies, at rest and with the run's ledger, every sale the load touched.
// Sell-out is expected of a sale the simulator saw sold out; of the only sale a load touched when
// its demand exceeded supply (the simulator's rule); and otherwise only of a sale whose demand
// exceeded its supply within its own window, judged from the ledger (verify/sellout-expectation.ts):
// a load that goes on into the next sale does not make the last one's unsold items a failure.
import type { ServerConfig } from '@flashsale/server';
import type { SimReport } from '@flashsale/sim';
import type { VerifyReport } from '../verify/report.js';
import type { VerifyOptions } from '../verify/run-verify.js';
import { verifySales } from '../verify/verify-sales.js';
import type { RunContext } from './run-context.js';

export async function verifyRun(
  { options, paths, interruption }: RunContext,
  { config, saleIds, sim }: { config: Readonly<ServerConfig>; saleIds: readonly number[]; sim: SimReport },
): Promise<VerifyReport[]> {
  const verified = await interruption.unlessAborted(
    verifySales({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisClusterNodes: config.redisClusterNodes,
      redisKeyPrefix: config.redisKeyPrefix,
      sale: 'ledger',
      ledgerPaths: [paths.ledger],
      isSelloutExpected: (saleId) => selloutExpectation(sim, saleId, saleIds),
      isRunInterrupted: interruption.isInterrupted,
      graceMs: options.graceMs,
    }),
  );
  // A Ctrl-C during the verification still marks its outputs.
  return interruption.isInterrupted
    ? verified.map((each) => ({ ...each, isRunInterrupted: true }))
    : verified;
}

function selloutExpectation(
  sim: SimReport,
  saleId: number | 'latest',
  saleIds: readonly number[],
): VerifyOptions['isSelloutExpected'] {
  const seen = (sim.sales ?? []).find((sale) => sale.sale_id === saleId);
  if (seen?.sold_out_ms !== null && seen?.sold_out_ms !== undefined) return true;
  if (saleIds.length <= 1) return sim.sellout_expected;
  return 'from-ledger';
}
