// What a fault kind is: what it sets up before the service starts, what it does while the load
// runs, and the evidence that shows it really happened. Each kind implements this in a file of its
// own (kill-worker.ts ...); faults.ts lists them, and the rest of chaos/ never names a kind.
import type { RedisClient, ServerConfig } from '@flashsale/server';
import type pg from 'pg';

/** The two configs of a run; a fault's setup may change either. */
export type RunConfigs = Readonly<{
  /** What the service runs with (its Redis, Postgres perhaps through a proxy). */
  service: Readonly<ServerConfig>;
  /** What the run and the verifier use: the same stores, Postgres reached directly. */
  direct: Readonly<ServerConfig>;
}>;

/** The service a run started, as a fault may treat it. */
export type ServiceControl = {
  /** Worker pids seen in its log so far (with --workers > 1). */
  workerPids: () => number[];
  /** SIGKILLs the whole service; resolves with its pid once it is gone. */
  kill: () => Promise<number>;
  /** Starts the service again on the same address; resolves with the new pid. */
  restart: () => Promise<number>;
};

/** What a fault acts on once the load runs. */
export type FaultScene = {
  saleId: number;
  /** The run's own connections to the direct stores (not the service's). */
  redis: RedisClient;
  postgres: pg.Client;
  service: ServiceControl;
  /** A seeded integer in [min, max]: a fault's choices repeat with the run's --seed. */
  randomInt: (min: number, max: number) => number;
};

/** What an injected fault did: a line for people, and its evidence (null when it found nothing to act on). */
export type FaultResult<Evidence> = { detail: string; evidence: Evidence | null };

/** A fault set up for one run. */
export type ArmedFault<Evidence> = {
  /** The configs, changed to use what the setup started. */
  configs: RunConfigs;
  inject: (scene: FaultScene) => Promise<FaultResult<Evidence>>;
  /** Stops what the setup started; called once the service is gone. */
  close: () => Promise<void>;
};

export type FaultDefinition<Evidence> = {
  /** One line for people: what the fault does. */
  description: string;
  /** The fewest service workers the fault needs; run raises --workers to it and says so. */
  minServiceWorkers?: number;
  /** Before the service starts: what must exist for the fault (a Redis of its own, a proxy). */
  arm: (configs: RunConfigs, say: (line: string) => void) => Promise<ArmedFault<Evidence>>;
};

/** The evidence type a definition's action returns. */
export type EvidenceOf<D> = D extends FaultDefinition<infer Evidence> ? Evidence : never;

/** The setup of a fault that needs nothing before the load. */
export function armedAsIs<Evidence>(
  inject: ArmedFault<Evidence>['inject'],
): FaultDefinition<Evidence>['arm'] {
  return async (configs) => ({ configs, inject, close: async () => undefined });
}
