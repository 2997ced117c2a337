// Sets the chosen faults up before the service starts (arming them), and binds them to the run once
// the load runs. What a fault needs is its own file's business; this file only chains the setups.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { ArmedFault, FaultScene, RunConfigs } from './fault.js';
import { type FaultEvidence, faultDefinitions } from './faults.js';
import type { ScheduledFault } from './injector.js';
import { type FaultKind, faultKinds } from './kinds.js';

export type ArmedChaos = {
  /** The configs with what the faults need (a Redis of their own, a proxy, more workers). */
  configs: RunConfigs;
  /** The chosen faults in the order given, acting on the run; `seed` drives their random choices. */
  schedule: (scene: Omit<FaultScene, 'randomInt'>, seed: number) => ScheduledFault[];
  /** Stops what the setups started, last first. */
  close: () => Promise<void>;
};

export async function armFaults(
  kinds: readonly FaultKind[],
  configs: RunConfigs,
  say: (line: string) => void,
): Promise<ArmedChaos> {
  // Set up in the order of faultKinds, whatever order --chaos names them in: the same lines either way.
  const chosen = faultKinds.filter((kind) => kinds.includes(kind));
  const armed = new Map<FaultKind, ArmedFault<FaultEvidence[FaultKind]>>();
  const close = async () => {
    for (const fault of [...armed.values()].reverse()) await fault.close();
  };
  let current = configs;
  try {
    for (const kind of chosen) {
      const fault = await faultDefinitions[kind].arm(current, say);
      armed.set(kind, fault);
      current = fault.configs;
    }
  } catch (error) {
    await close();
    throw error;
  }
  for (const kind of chosen) {
    const { minServiceWorkers } = faultDefinitions[kind];
    if (minServiceWorkers !== undefined && current.service.workers < minServiceWorkers) {
      current = { ...current, service: { ...current.service, workers: minServiceWorkers } };
      say(`${kind}: running the service with --workers ${minServiceWorkers}`);
    }
  }
  return {
    configs: Object.freeze({
      service: Object.freeze(current.service),
      direct: Object.freeze(current.direct),
    }),
    schedule(scene, seed) {
      const random = xoroshiro128plus((seed ^ 0x5bd1e995) >>> 0);
      const withRandom: FaultScene = { ...scene, randomInt: (min, max) => uniformInt(random, min, max) };
      return kinds.map((kind) => ({ kind, inject: () => armed.get(kind)!.inject(withRandom) }));
    },
    close,
  };
}
