// `flashsale serve` flags the bench passes, named by the server's own settings table (so a renamed
// flag fails here, at once, not in a service that will not start) and written in the forms its
// parsers read: durations in the protocol's grammar, null as `none`.
import { type ServerConfig, serverSettings } from '@flashsale/server';
import { durationFlag } from './duration-flag.js';

export type ServeValues = { [Key in keyof ServerConfig]?: ServerConfig[Key] };

/** The flags for `values`, in the order given. */
export function serveFlags(values: ServeValues): string[] {
  const flags: string[] = [];
  for (const key of Object.keys(values) as (keyof ServerConfig)[]) {
    const value = values[key];
    const setting = serverSettings.find((candidate) => candidate.key === key);
    if (value === undefined) continue;
    if (setting === undefined) throw new Error(`the server's settings table has no ${key}`);
    const text = value === null ? 'none' : key.endsWith('Ms') ? durationFlag(Number(value)) : String(value);
    flags.push(setting.flag, text);
  }
  return flags;
}
