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

/** Process groups for sampleProcesses; `loadPid()` gives the load generator's pid, if running. */
export function serviceProcessGroups({
  serverPid,
  databaseName,
  loadPid,
}: {
  serverPid: number;
  databaseName: string;
  loadPid: () => number | undefined;
}): Record<ServiceGroup, ListPids> {
  const isBackendOfBench = (commandLine: string) =>
    commandLine.startsWith('postgres: ') && commandLine.includes(` ${databaseName} `);
  return {
    server: () => processTree(serverPid),
    postgres_backends: () => findProcesses(isBackendOfBench),
    postgres_background: () => findProcesses((commandLine) => postgresAuxiliary.test(commandLine)),
    redis: () => findProcesses((commandLine) => commandLine.startsWith('redis-server ')),
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

const round = (value: number) => Math.round(value * 100) / 100;
