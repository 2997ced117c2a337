// The `flashsale` command of the workspace's @flashsale/cli, found as a package manager finds a
// dependency's executable: the `bin` field of its package.json. The bench runs it as a process
// (`node <node args> <bin> simulate …`), so it can pin it to CPUs and profile it.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliManifestPath = fileURLToPath(
  new URL('../node_modules/@flashsale/cli/package.json', import.meta.url),
);

let binPath: string | undefined;

/** The absolute path of the flashsale command's script (built by `pnpm build`). */
export function flashsaleBin(): string {
  if (binPath !== undefined) return binPath;
  const manifest = JSON.parse(readFileSync(cliManifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.flashsale;
  if (bin === undefined) throw new Error(`${cliManifestPath} declares no "flashsale" bin`);
  // Through the package's real folder (packages/cli), not the workspace link, so the command
  // lines in the results read as they did.
  binPath = join(realpathSync(dirname(cliManifestPath)), bin);
  return binPath;
}
