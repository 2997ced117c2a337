// How examples name a ledger file: its base name, or the full path when two files share one.
import { basename } from 'node:path';

export function ledgerFileLabels(paths: readonly string[]): string[] {
  const names = paths.map((path) => basename(path));
  return names.map((name, i) => (names.indexOf(name) === names.lastIndexOf(name) ? name : paths[i]!));
}
