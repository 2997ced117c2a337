// undici, loaded on first use, so importing the package (for its option table, say) stays cheap.
import { createRequire } from 'node:module';

type UndiciLibrary = typeof import('undici');

let library: UndiciLibrary | null = null;

export function undici(): UndiciLibrary {
  library ??= createRequire(import.meta.url)('undici') as UndiciLibrary;
  return library;
}
