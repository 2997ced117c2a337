// Instances that disagree on the sale settings would work on different sales (another
// --sale-duration gives other sale ids) or on the first opener's size. So every instance
// registers the settings it runs with in Redis (admission's instance registry) and refreshes them
// every HEARTBEAT_MS; a new instance whose settings differ from a live one's (seen within
// STALE_AFTER_MS) is refused at start with a SaleMismatchError naming the setting. A graceful
// stop leaves the registry; a killed instance drops out of it after STALE_AFTER_MS.
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
  const label = `pid ${process.pid} on ${hostname()}`;
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
  const others = await register();
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
