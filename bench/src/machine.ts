// The facts a figure depends on: cores, CPU model, memory, Node, the service versions, the
// commit measured, and how busy the box was before the run (it is shared), and how much its
// vCPUs were taken away then (vcpu-stalls.ts).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { StallFigures } from './vcpu-stalls.js';

export type MachineFacts = Readonly<{
  cores: number;
  cpu_model: string | null;
  memory_gb: number;
  os: string;
  node: string;
  postgres: string | null;
  redis: string | null;
  wrk: string;
  git_commit: string | null;
  git_dirty: boolean | null;
  load_average_at_start: readonly number[];
  /** How much the vCPUs were taken away just before the benchmarks (absent in older results). */
  vcpu_stalls_at_start?: StallFigures;
  /** ISO 8601. */
  date: string;
}>;

function commandOutput(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not installed or not a git checkout
  }
}

export function machineFacts({ wrkVersion }: { wrkVersion: string }): MachineFacts {
  const cpus = os.cpus();
  const dirty = commandOutput('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model ?? null,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: commandOutput('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'SHOW server_version']),
    redis:
      commandOutput('redis-cli', ['-h', '127.0.0.1', 'INFO', 'server'])?.match(/redis_version:(\S+)/)?.[1] ??
      null,
    wrk: wrkVersion,
    git_commit: commandOutput('git', ['rev-parse', '--short', 'HEAD']),
    git_dirty: dirty === null ? null : dirty !== '',
    load_average_at_start: os.loadavg().map((load) => Math.round(load * 100) / 100),
    date: new Date().toISOString(),
  };
}
