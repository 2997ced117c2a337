// `pnpm bench:readme [results.json]`: writes the README's Performance section from a full bench
// run's results (bench/results.json by default). Touches nothing else in README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPerformanceSection, replaceBetweenMarkers } from './performance-section.js';
import { repoRoot } from './repo-paths.js';
import { readResultsDocument } from './results.js';

function main(): void {
  const resultsPath = process.argv[2] ?? join(repoRoot, 'bench', 'results.json');
  const read = readResultsDocument(readFileSync(resultsPath, 'utf8'), resultsPath);
  if (!read.ok) {
    console.error(read.message);
    process.exitCode = 2;
    return;
  }
  const { document } = read;
  if (document.mode !== 'full') {
    console.error(`${resultsPath} is from a ${document.mode} run; the README shows a full run (pnpm bench)`);
    process.exitCode = 2;
    return;
  }
  const readmePath = join(repoRoot, 'README.md');
  writeFileSync(
    readmePath,
    replaceBetweenMarkers(readFileSync(readmePath, 'utf8'), renderPerformanceSection(document)),
  );
  console.log(`README.md: Performance section written from ${resultsPath}`);
}

main();
