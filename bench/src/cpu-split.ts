// Who used the CPU during a measured window of the service: the flashsale processes, the
// Postgres backends of the bench's database, Postgres' own background processes (WAL writer,
// checkpointer), redis-server, the load generator, the kernel's interrupt work (loopback TCP is
// processed there, charged to no process), hypervisor steal, and the rest of the machine (other
// users of this shared box), in cores (CPU seconds per second).
import {
  findProcesses,
  type ListPids,
  type ProcessUsage,
  processTree,
  sampleProcesses,
} from './proc-stats.js';
import type { UserKernelMicros } from './results.js';
import type { Service } from './service.js';
import type { BenchContext } from './session.js';
import { runWrk, type WrkOptions, type WrkRun } from './wrk.js';

/** Cores per sampled group, then the machine's share left to no group. */
export type CpuCores = Readonly<Record<string, number>> &
  Readonly<{
    kernel_interrupts: number;
    steal: number;
    other: number;
    idle: number;
    machine_busy: number;
    machine_cores: number;
  }>;

export type ServiceGroup =
  | 'server'
  | 'postgres_backends'
  | 'postgres_background'
  | 'redis'
  | 'load_generator'
  | 'bench_harness';

const postgresAuxiliary =
  /^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum|logical replication|archiver|startup|walsender|stats)/;

/** Whether a command line is redis-server's (`redis-server 127.0.0.1:6379`, `redis-server *:6379`) on `port`. */
export function isRedisServerOn(commandLine: string, port: string): boolean {
  return commandLine.startsWith('redis-server ') && commandLine.split(' ')[1]?.endsWith(`:${port}`) === true;
}

/** Process groups for sampleProcesses; `loadPid()` gives the load generator's pid, if running. */
export function serviceProcessGroups({
  serverPid,
  databaseName,
  redisPort,
  loadPid,
}: {
  serverPid: number;
  databaseName: string;
  /** The port of the redis-server the service uses: other redis-servers on the box are not its. */
  redisPort: string;
  loadPid: () => number | undefined;
}): Record<ServiceGroup, ListPids> {
  const isBackendOfBench = (commandLine: string) =>
    commandLine.startsWith('postgres: ') && commandLine.includes(` ${databaseName} `);
  return {
    server: () => processTree(serverPid),
    postgres_backends: () => findProcesses(isBackendOfBench),
    postgres_background: () => findProcesses((commandLine) => postgresAuxiliary.test(commandLine)),
    redis: () => findProcesses((commandLine) => isRedisServerOn(commandLine, redisPort)),
    load_generator: () => {
      const pid = loadPid();
      return pid === undefined ? [] : [pid];
    },
    bench_harness: () => [process.pid],
  };
}

/** Runs wrk against a service while sampling the CPU of the service, Postgres, Redis and wrk. */
export async function runWrkOnService(
  ctx: BenchContext,
  service: Service,
  wrkOptions: WrkOptions,
): Promise<{ wrk: WrkRun; usage: ProcessUsage<ServiceGroup> }> {
  let loadPid: number | undefined;
  const sampler = sampleProcesses(
    serviceProcessGroups({
      serverPid: service.pid,
      databaseName: ctx.world.databaseName,
      redisPort: new URL(ctx.world.redisUrl).port || '6379',
      loadPid: () => loadPid,
    }),
  );
  const wrk = await runWrk({
    ...wrkOptions,
    onStart: (started) => {
      loadPid = started.pid;
    },
  });
  return { wrk, usage: sampler.stop() };
}

const labels: Readonly<Record<string, string>> = {
  simulator: 'sim',
  server: 'server',
  postgres_backends: 'pg',
  postgres_background: 'pg bg',
  redis: 'redis',
  load_generator: 'wrk',
  kernel_interrupts: 'irq',
  other: 'other',
  idle: 'idle',
};

/** One line for the table: cores per group. */
export function formatCpuSplit(cores: CpuCores | null): string {
  return Object.entries(labels)
    .flatMap(([key, label]) => {
      const value = cores?.[key];
      return value === undefined ? [] : [`${label} ${value.toFixed(2)}`];
    })
    .join(', ');
}

/** Cores used by each group over the window, plus the machine's busy total and what is left. */
export function cpuSplit(usage: ProcessUsage): CpuCores {
  const perS = (seconds: number) => round(seconds / usage.elapsedS);
  const groups: Record<string, number> = {};
  let accountedS = 0;
  for (const [group, seconds] of Object.entries<number>(usage.cpuByGroup)) {
    groups[group] = perS(seconds);
    accountedS += seconds;
  }
  accountedS += usage.machineInterruptS + usage.machineStealS;
  return {
    ...groups,
    kernel_interrupts: perS(usage.machineInterruptS),
    steal: perS(usage.machineStealS),
    other: perS(Math.max(0, usage.machineBusyS - accountedS)),
    idle: perS(usage.machineTotalS - usage.machineBusyS),
    machine_busy: perS(usage.machineBusyS),
    machine_cores: Math.round(usage.machineTotalS / usage.elapsedS),
  };
}

/** CPU microseconds each group used per request completed in the window (null: no requests). */
export function cpuMicrosPerRequest(usage: ProcessUsage, requests: number): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries<number>(usage.cpuByGroup)
      .filter(([group]) => group !== 'bench_harness')
      .map(([group, seconds]) => [group, requests > 0 ? Math.round((seconds * 1e6) / requests) : null]),
  );
}

/**
 * The service's CPU µs per request split into its own code (user: JavaScript, V8, the parsers) and
 * the kernel's work on its behalf (system: syscalls, the sockets' TCP work on loopback).
 */
export function serverUserKernelMicros(usage: ProcessUsage, requests: number): UserKernelMicros {
  const total = usage.cpuByGroup.server;
  const kernel = usage.kernelCpuByGroup.server;
  if (total === undefined || kernel === undefined || requests === 0) return { user: null, kernel: null };
  const micros = (seconds: number) => Math.round((seconds * 1e6) / requests);
  return { user: micros(total - kernel), kernel: micros(kernel) };
}

export const formatUserKernel = ({ user, kernel }: UserKernelMicros): string =>
  user === null || kernel === null ? '-' : `user ${user}, kernel ${kernel}`;

/** A main thread that ran less than this share of the window is not one that carried the load (a cluster's primary). */
const loadCarryingShare = 0.05;

export type ThreadShares = Readonly<{ running: number; waiting: number }>;

/** The main threads of a group's processes that carried the load, busiest first. */
export function mainThreadsOf(usage: ProcessUsage, group: string): ThreadShares[] {
  return usage.mainThreads
    .filter((thread) => thread.group === group && thread.running >= loadCarryingShare)
    .sort((a, b) => b.running - a.running)
    .map(({ running, waiting }) => ({ running, waiting }));
}

/** One line, a process each: `62% on a core, 15% waiting for one`. */
export function formatMainThreads(threads: readonly ThreadShares[]): string {
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return threads.length === 0
    ? '-'
    : threads.map((t) => `${percent(t.running)} on a core, ${percent(t.waiting)} waiting for one`).join('; ');
}

const cpuLabels: Readonly<Record<string, string>> = {
  server: 'node',
  postgres_backends: 'pg',
  postgres_background: 'pg bg',
  redis: 'redis',
  load_generator: 'wrk',
};

/** One line: µs per request by group, e.g. `node 61, pg 19, pg bg 3, redis 11, wrk 22`. */
export function formatCpuMicros(micros: Readonly<Record<string, number | null>>): string {
  return Object.entries(cpuLabels)
    .flatMap(([key, label]) => {
      const value = micros[key];
      return value === undefined || value === null ? [] : [`${label} ${value}`];
    })
    .join(', ');
}

const round = (value: number) => Math.round(value * 100) / 100;
