// Who used the CPU during a measured window of the service: the flashsale processes, the
// Postgres backends of the bench's database, Postgres' own background processes (WAL writer,
// checkpointer), redis-server, the load generator, the kernel's interrupt work (loopback TCP is
// processed there, charged to no process), hypervisor steal, and the rest of the machine (other
// users of this shared box), in cores (CPU seconds per second).
import { findProcesses, processTree, sampleProcesses } from './proc-stats.mjs';
import { runWrk } from './wrk.mjs';

const postgresAuxiliary =
  /^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum|logical replication|archiver|startup|walsender|stats)/;

/** Process groups for sampleProcesses; `loadPid()` gives the load generator's pid, if running. */
export function serviceProcessGroups({ serverPid, databaseName, loadPid }) {
  const backendOfBench = (commandLine) =>
    commandLine.startsWith('postgres: ') && commandLine.includes(` ${databaseName} `);
  return {
    server: () => processTree(serverPid),
    postgres_backends: () => findProcesses(backendOfBench),
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
export async function runWrkOnService(ctx, service, wrkOptions) {
  let loadPid;
  const sampler = sampleProcesses(
    serviceProcessGroups({
      serverPid: service.process.pid,
      databaseName: ctx.world.databaseName,
      loadPid: () => loadPid,
    }),
  );
  const wrk = await runWrk({ ...wrkOptions, onStart: (started) => (loadPid = started.pid) });
  return { wrk, usage: sampler.stop() };
}

/** One line for the table: cores per group. */
export function formatCpuSplit(cores) {
  const names = {
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
  return Object.entries(names)
    .filter(([key]) => cores[key] !== undefined)
    .map(([key, label]) => `${label} ${cores[key].toFixed(2)}`)
    .join(', ');
}

/** Cores used by each group over the window, plus the machine's busy total and what is left. */
export function cpuSplit(usage) {
  const cores = {};
  let accounted = 0;
  for (const [group, seconds] of Object.entries(usage.cpuByGroup)) {
    cores[group] = round(seconds / usage.elapsedS);
    accounted += seconds;
  }
  const machineCores = usage.machineTotalS / usage.elapsedS;
  cores.kernel_interrupts = round(usage.machineInterruptS / usage.elapsedS);
  cores.steal = round(usage.machineStealS / usage.elapsedS);
  accounted += usage.machineInterruptS + usage.machineStealS;
  cores.other = round(Math.max(0, usage.machineBusyS - accounted) / usage.elapsedS);
  cores.idle = round((usage.machineTotalS - usage.machineBusyS) / usage.elapsedS);
  cores.machine_busy = round(usage.machineBusyS / usage.elapsedS);
  cores.machine_cores = Math.round(machineCores);
  return cores;
}

const round = (value) => Math.round(value * 100) / 100;
