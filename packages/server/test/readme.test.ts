import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { serverSettings } from '../src/config/settings.js';

it('the README configuration table lists every setting with its env, flag and default', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const rows = readme.split('\n').filter((line) => /^\| [A-Z_]+ \| `--/.test(line));
  const expected = serverSettings.map(
    (s) => `| ${s.env} | \`${s.flag}\` | ${s.defaultText} | ${s.description} |`,
  );
  expect(rows).toEqual(expected);
});
