// Every simulate option can come from the environment, as SIM_ and the flag in upper snake case
// (--rps: SIM_RPS, --max-in-flight: SIM_MAX_IN_FLIGHT), so a Kubernetes Job or a compose file can
// configure a shard without a command line. A given flag wins over its variable.
import { SimError } from '../errors.js';
import type { OptionSpec, SimFlags } from './option-spec.js';

export type Environment = Readonly<Record<string, string | undefined>>;

const switchValues: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

/** `--max-in-flight <n>` → `SIM_MAX_IN_FLIGHT`. */
export function envNameOf(spec: OptionSpec): string {
  const flag = spec.flags.split(' ')[0] ?? '';
  return `SIM_${flag.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`;
}

/**
 * The flags, with each one not given filled from its variable when that is set and not empty.
 * `fromEnv` maps each flag so filled (`--rps`) to its variable, for error messages.
 */
export function flagsWithEnv(
  table: Readonly<Record<string, OptionSpec>>,
  flags: SimFlags,
  env: Environment,
): { flags: SimFlags; fromEnv: ReadonlyMap<string, string> } {
  const merged: Record<string, unknown> = { ...flags };
  const fromEnv = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) {
    const envName = envNameOf(spec);
    const text = env[envName];
    if (flags[name] !== undefined || text === undefined || text === '') continue;
    const isSwitch = !spec.flags.includes('<');
    if (isSwitch) {
      const value = switchValues[text.trim().toLowerCase()];
      if (value === undefined) {
        throw new SimError('invalid_option', `${envName}: accepts true, false, 1 or 0, got '${text}'`, {
          flag: spec.flags,
        });
      }
      merged[name] = value;
    } else merged[name] = spec.isRepeatable ? text.split(',').map((part) => part.trim()) : text;
    fromEnv.set(spec.flags.split(' ')[0] ?? name, envName);
  }
  return { flags: merged, fromEnv };
}
