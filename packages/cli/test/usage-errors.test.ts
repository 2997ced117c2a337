// commander's usage errors (an unknown flag or command, a missing value) are the CLI's one line:
// `flashsale: ...; see flashsale <command> --help`, exit 2.
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('usage errors', () => {
  it.each([
    [
      ['run', '--rpss', '3'],
      "flashsale: unknown option '--rpss' (did you mean --rps?); see flashsale run --help",
    ],
    [['frob'], "flashsale: unknown command 'frob'; see flashsale --help"],
    [['report', 'frob'], "flashsale: unknown command 'frob'; see flashsale report --help"],
    [['simulate', '--rps'], "flashsale: option '--rps <n>' argument missing; see flashsale simulate --help"],
    [['report', 'merge'], "flashsale: missing required argument 'files'; see flashsale report merge --help"],
    [
      ['run', '--target', 'http://127.0.0.1:1,http://127.0.0.1:2'],
      'flashsale: --target: run loads one service; give one URL (simulate --target takes several)',
    ],
  ])('flashsale %j prints one line and exits 2', async (args, line) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe('');
  });
});
