// Copies the .lua and .sql files each package loads at run time next to its emitted .js.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = new URL('../packages/', import.meta.url).pathname;
const isAsset = (path) => statSync(path).isDirectory() || /\.(lua|sql)$/.test(path);

for (const name of readdirSync(packagesDir)) {
  const src = join(packagesDir, name, 'src');
  const dist = join(packagesDir, name, 'dist');
  if (existsSync(src) && existsSync(dist)) cpSync(src, dist, { recursive: true, filter: isAsset });
}
