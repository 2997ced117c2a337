// The simulator's option table, turned into commander options (shared by `simulate` and `run`).
import type { OptionSpec } from '@flashsale/sim';
import { Option } from 'commander';

export function simOption(spec: OptionSpec, flags = spec.flags): Option {
  const withEnv = spec.env === undefined ? spec.description : `${spec.description} [env ${spec.env}]`;
  const description = spec.defaultValue === undefined ? withEnv : `${withEnv} (default ${spec.defaultValue})`;
  const option = new Option(flags, description);
  // Defaults stay in the table: parseSimOptions must see which flags were actually given.
  if (spec.isRepeatable) {
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  }
  return option;
}
