// The server's settings table, turned into commander options and back into a validated config.

import { ConfigError, loadServerConfig, type ServerConfig, serverSettings } from '@flashsale/server';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';

type SettingKey = keyof ServerConfig;

/**
 * Adds a flag for each setting (all of them, or those listed); returns the flag → key map.
 * `defaultsShown`: the default a command really uses where it is not the setting's own.
 */
export function addServerFlags(
  command: Command,
  only?: readonly SettingKey[],
  defaultsShown: Partial<Record<SettingKey, string>> = {},
): Map<string, SettingKey> {
  const attributes = new Map<string, SettingKey>();
  for (const setting of serverSettings) {
    if (only !== undefined && !only.includes(setting.key)) continue;
    const option = new Option(
      `${setting.flag} <value>`,
      `${setting.description} [env ${setting.env}, default ${defaultsShown[setting.key] ?? setting.defaultText}]`,
    );
    if (setting.isHidden === true) option.hideHelp();
    command.addOption(option);
    attributes.set(option.attributeName(), setting.key);
  }
  return attributes;
}

/**
 * Flags win over the environment, which wins over the defaults (the command's own, else the
 * settings table's); a bad value is a one-line usage error (exit 2).
 */
export function serverConfigFrom(
  options: Record<string, unknown>,
  attributes: Map<string, SettingKey>,
  defaults: Partial<Record<SettingKey, string>> = {},
): Readonly<ServerConfig> {
  const flags: Partial<Record<SettingKey, string>> = {};
  for (const [attribute, key] of attributes) {
    const value = options[attribute];
    if (typeof value === 'string') flags[key] = value;
  }
  try {
    return loadServerConfig({ flags, defaults });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.usageOrUnchecked);
    throw error;
  }
}
