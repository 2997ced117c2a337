// Instances that disagree on the sale settings would work on different sales (another
// --sale-duration gives other sale ids) or on the first opener's size. So every instance
// registers the settings it runs with in Redis (admission's instance registry) and refreshes them
// every HEARTBEAT_MS; a new instance whose settings differ from a live one's (seen within
// STALE_AFTER_MS) is refused at start with a SaleMismatchError naming the setting. A graceful
// stop leaves the registry; a killed instance drops out of it after STALE_AFTER_MS. A start that
// finds only instances of this host whose process is gone (killed, then restarted with other
// settings) waits for them to drop out instead of refusing.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Milliseconds } from '@flashsale/protocol';
import ms from 'ms';
import type { Admission, InstanceSettings, RegisteredInstance } from '../admission/admission.js';
import type { SaleMismatchError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { Clock } from './clock.js';
import { mismatch } from './open.js';

export const HEARTBEAT_MS: Milliseconds = 3_000;
export const STALE_AFTER_MS: Milliseconds = 15_000;

export type InstanceRegistration = { instanceId: string; stop: () => Promise<void> };

/** Registers this instance; rejects with SaleMismatchError when a live one runs with other settings. */
export async function registerInstance(deps: {
  admission: Admission;
  settings: InstanceSettings;
  clock: Clock;
  log: Logger;
}): Promise<InstanceRegistration> {
  const instanceId = randomUUID();
  const label = labelOf(process.pid, hostname());
  const register = () => {
    const nowMs = deps.clock();
    return deps.admission.registerInstance({
      instanceId,
      settings: deps.settings,
      label,
      nowMs,
      staleBeforeMs: nowMs - STALE_AFTER_MS,
    });
  };
  let others = await register();
  const waitedFromMs = deps.clock();
  while (others.length > 0 && others.every(isGoneFromThisHost)) {
    if (deps.clock() - waitedFromMs > STALE_AFTER_MS + HEARTBEAT_MS) break;
    deps.log.info('instance_waiting_for_dead', { others });
    await new Promise((resolve) => setTimeout(resolve, DEAD_RECHECK_MS));
    others = await register();
  }
  if (others.length > 0) throw disagreementWith(deps.settings, others[0]!);
  const timer = setInterval(() => {
    register().then(
      (found) => {
        if (found.length > 0) deps.log.error('instances_disagree', { others: found });
      },
      (error: unknown) => deps.log.warn('instance_heartbeat_failed', { error }),
    );
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    instanceId,
    async stop() {
      clearInterval(timer);
      await deps.admission.unregisterInstance(instanceId).catch(() => undefined); // it lapses anyway
    },
  };
}

const DEAD_RECHECK_MS: Milliseconds = 500;

export function labelOf(pid: number, host: string): string {
  return `pid ${pid} on ${host}`;
}

/** A registered instance of this host whose process no longer exists. */
function isGoneFromThisHost(other: RegisteredInstance): boolean {
  const match = /^pid (\d+) on (.+)$/.exec(other.label);
  if (match === null || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function disagreementWith(mine: InstanceSettings, other: RegisteredInstance): SaleMismatchError {
  const by = `another instance (${other.label}) runs with`;
  if (other.saleDurationMs !== mine.saleDurationMs)
    return mismatch('--sale-duration', ms(mine.saleDurationMs), `${by} ${ms(other.saleDurationMs)}`);
  if (other.saleSize !== mine.saleSize)
    return mismatch('--sale-size', String(mine.saleSize), `${by} ${other.saleSize}`);
  if (other.userLimit !== mine.userLimit)
    return mismatch('--user-limit', String(mine.userLimit), `${by} ${other.userLimit}`);
  return mismatch('--hold-ttl', ms(mine.holdTtlMs), `${by} ${ms(other.holdTtlMs)}`);
}
