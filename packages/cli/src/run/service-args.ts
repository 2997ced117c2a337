import { type ServerConfig, serverSettings } from '@flashsale/server';

/** The `flashsale serve` flags that reproduce a parsed config. */
export function serveArgsOf(config: Readonly<ServerConfig>): string[] {
  const args: string[] = [];
  for (const setting of serverSettings) {
    const value = config[setting.key];
    // null is the "none" of an optional setting (the only kind that has one).
    const text = value === null ? 'none' : setting.key.endsWith('Ms') ? `${value}ms` : String(value);
    args.push(setting.flag, text);
  }
  return args;
}
