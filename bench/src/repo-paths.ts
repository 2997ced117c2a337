// Command lines in the results are written from the repository's root, so they can be run again
// from there: absolute paths of this checkout are cut down to repository-relative ones.
import { fileURLToPath } from 'node:url';

/** The repository's root, with its trailing slash (the same from src/ and dist/). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function repoRelative(text: string): string {
  return text.replaceAll(repoRoot, '');
}
