// The run's step that verifies the sale at rest with the run's ledger.
import type { ServerConfig } from '@flashsale/server';
import type { SimReport } from '@flashsale/sim';
import type { VerifyReport } from '../verify/report.js';
import { verifySale } from '../verify/run-verify.js';
import type { RunContext } from './run-context.js';

export async function verifyRun(
  { options, paths, interruption }: RunContext,
  { config, saleId, sim }: { config: Readonly<ServerConfig>; saleId: number; sim: SimReport },
): Promise<VerifyReport> {
  const verified = await interruption.unlessAborted(
    verifySale({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisClusterNodes: config.redisClusterNodes,
      redisKeyPrefix: config.redisKeyPrefix,
      sale: saleId,
      ledgerPaths: [paths.ledger],
      isSelloutExpected: sim.sellout_expected,
      isRunInterrupted: interruption.isInterrupted,
      graceMs: options.graceMs,
    }),
  );
  // A Ctrl-C during the verification still marks its outputs.
  return interruption.isInterrupted ? { ...verified, isRunInterrupted: true } : verified;
}
