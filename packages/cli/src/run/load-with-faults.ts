// The run's step under load: the simulator against the service until sell-out (or its duration),
// with the ledger and report in --out, and the --chaos faults injected meanwhile.
import type { SimReport } from '@flashsale/sim';
import { type FaultRecord, injectFaults } from '../chaos/injector.js';
import type { SaleCounts } from './holds.js';
import { startLoad } from './load.js';
import { aimLoad } from './load-options.js';
import type { PreparedStores } from './prepare-stores.js';
import type { RunContext } from './run-context.js';
import type { RunTarget } from './run-service.js';

export async function loadWithFaults(
  run: RunContext,
  { stores, target, sale }: { stores: PreparedStores; target: RunTarget; sale: SaleCounts },
): Promise<{ sim: SimReport; faults: FaultRecord[] }> {
  const { loadOptions, interruption, say } = run;
  const load = await startLoad(aimLoad(loadOptions, target.url()), run.options.output);
  run.load = load;
  interruption.loadStarted(() => load.simulation.stop('interrupted'));
  const { redis, postgres } = stores.connections;
  // Faults need a service run started (checked before anything started).
  const scheduled =
    target.control === undefined
      ? []
      : stores.chaos.schedule(
          { saleId: sale.saleId, redis, postgres, service: target.control },
          loadOptions.seed,
        );
  const faultsDone = injectFaults({
    faults: scheduled,
    seed: loadOptions.seed,
    mark: (kind, detail) => load.simulation.markFault(kind, detail),
    serviceUrl: target.url,
    isLoadRunning: load.isRunning,
    loadStarted: load.started,
    log: say,
    signal: interruption.signal,
  });
  faultsDone.catch(() => undefined); // an aborted run never awaits it (a restart it cut short rejects)
  const sim = await interruption.unlessAborted(load.finished);
  interruption.loadEnded();
  const faults = await interruption.unlessAborted(faultsDone);
  say(`load done: ${sim.requests} requests, ${sim.sale.purchases} purchases acknowledged`);
  return { sim, faults };
}
