import { type ServerConfig, serverSettings } from '@flashsale/server';

/** The `flashsale serve` flags that reproduce a parsed config. */
export function serveArgsOf(config: Readonly<ServerConfig>): string[] {
  const args: string[] = [];
  for (const setting of serverSettings) {
    const value = config[setting.key];
    args.push(setting.flag, setting.key.endsWith('Ms') ? `${value}ms` : String(value));
  }
  return args;
}
