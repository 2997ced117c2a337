// CPU time and resident memory of processes, read from /proc (Linux), and a sampler that watches
// named groups of processes over a measured window: who used the CPU, and how much memory.
import { readdirSync, readFileSync } from 'node:fs';

const clockTicksPerS = 100; // USER_HZ: 100 on every Linux build Node supports

/** Lists the pids of a group now. */
export type ListPids = () => readonly number[];

export type ProcessRss = Readonly<{
  group: string;
  pid: number;
  maxBytes: number;
  meanBytes: number;
  samples: number;
}>;

/** What a sampler saw over its window; CPU seconds are summed over the processes of each group. */
export type ProcessUsage<Group extends string = string> = Readonly<{
  elapsedS: number;
  machineBusyS: number;
  machineTotalS: number;
  machineInterruptS: number;
  machineStealS: number;
  cpuByGroup: Readonly<Record<Group, number>>;
  /** The part of cpuByGroup spent in the kernel on the processes' behalf (system time: syscalls, the sockets' TCP work). */
  kernelCpuByGroup: Readonly<Record<Group, number>>;
  rss: readonly ProcessRss[];
  /** Each process's main thread (a node process's event loop) over the window, as seen by the scheduler. */
  mainThreads: readonly MainThreadShare[];
}>;

/**
 * Shares of the window a process's main thread spent on a core (`running`) and runnable but waiting
 * for one (`waiting`, every core busy with other work); the rest it slept, waiting for I/O. An event
 * loop that is rarely asleep is bound by CPU, and `waiting` is what the other processes on the box
 * cost it.
 */
export type MainThreadShare = Readonly<{ group: string; pid: number; running: number; waiting: number }>;

export type ProcessSampler<Group extends string> = Readonly<{ stop: () => ProcessUsage<Group> }>;

type MachineCpuSeconds = Readonly<{ busyS: number; totalS: number; interruptS: number; stealS: number }>;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process is gone
  }
}

/** Resident set size in bytes (VmRSS), or undefined when the process is gone. */
export function readRssBytes(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readText(`/proc/${pid}/status`) ?? '');
  return match === null ? undefined : Number(match[1]) * 1024;
}

type CpuTimes = Readonly<{ totalS: number; systemS: number }>;

/** CPU seconds a process has used so far: user + system, and system alone. */
function readCpuTimes(pid: number): CpuTimes | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Fields after the command name, which may hold spaces, start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const systemS = Number(fields[12]) / clockTicksPerS;
  return { totalS: Number(fields[11]) / clockTicksPerS + systemS, systemS };
}

type ThreadSchedule = Readonly<{ runS: number; waitS: number }>;

/**
 * Seconds the main thread of a process has run on a core and waited runnable on a run queue, from
 * the scheduler's own counters (/proc/<pid>/task/<pid>/schedstat, in ns); undefined when gone.
 */
export function readMainThreadSchedule(pid: number): ThreadSchedule | undefined {
  const [run, wait] = (readText(`/proc/${pid}/task/${pid}/schedstat`) ?? '').trim().split(' ').map(Number);
  if (run === undefined || wait === undefined || Number.isNaN(run) || Number.isNaN(wait)) return undefined;
  return { runS: run / 1e9, waitS: wait / 1e9 };
}

/** User + system CPU seconds a process has used so far. */
export function readCpuSeconds(pid: number): number | undefined {
  return readCpuTimes(pid)?.totalS;
}

/**
 * CPU seconds of the whole machine (all cores) from /proc/stat: busy and total, and apart the
 * interrupt time (irq + softirq: loopback networking lands there, charged to no process) and
 * steal (time the hypervisor gave to other guests).
 */
export function readMachineCpuSeconds(): MachineCpuSeconds {
  const line = (readText('/proc/stat') ?? '').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return {
    busyS: (total - idle - iowait) / clockTicksPerS,
    totalS: total / clockTicksPerS,
    interruptS: (irq + softirq) / clockTicksPerS,
    stealS: steal / clockTicksPerS,
  };
}

/** A process and all its descendants. */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    for (const task of readdirSafe(`/proc/${pids[i]}/task`)) {
      const children = readText(`/proc/${pids[i]}/task/${task}/children`) ?? '';
      for (const child of children.trim().split(/\s+/)) if (child !== '') pids.push(Number(child));
    }
  }
  return pids;
}

/** Processes whose command line matches a test (e.g. `postgres: … <database> …` backends). */
export function findProcesses(test: (commandLine: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = (readText(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ').trim();
    if (commandLine !== '' && test(commandLine)) pids.push(Number(entry));
  }
  return pids;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return []; // gone, or not Linux
  }
}

/**
 * Samples named process groups every `intervalMs` until stop(): CPU seconds each group used over
 * the window (processes that come and go are counted while seen), the machine's busy time, and
 * each process's resident memory. `groups` maps a name to a function listing its pids now.
 */
export function sampleProcesses<Group extends string>(
  groups: Readonly<Record<Group, ListPids>>,
  { intervalMs = 250, relistMs = 2000 }: { intervalMs?: number; relistMs?: number } = {},
): ProcessSampler<Group> {
  const groupNames = Object.keys(groups) as Group[];
  const cpuFirst = new Map<string, CpuTimes>(); // `group:pid` → CPU seconds when first seen
  const cpuLast = new Map<string, CpuTimes>();
  const rss = new Map<string, { group: Group; pid: number; samples: number[] }>();
  const schedules = new Map<
    string,
    { group: Group; pid: number; first: ThreadSchedule; last: ThreadSchedule }
  >();
  const machineStart = readMachineCpuSeconds();
  const startedMs = Date.now();
  // Listing pids may scan /proc: done every relistMs, not at every sample.
  let listed: ReadonlyArray<readonly [Group, readonly number[]]> = [];
  let listedAtMs = Number.NEGATIVE_INFINITY;
  const sample = () => {
    if (Date.now() - listedAtMs >= relistMs) {
      listed = groupNames.map((group) => [group, groups[group]()] as const);
      listedAtMs = Date.now();
    }
    for (const [group, pids] of listed) {
      for (const pid of pids) {
        const cpu = readCpuTimes(pid);
        if (cpu === undefined) continue;
        const key = `${group}:${pid}`;
        if (!cpuFirst.has(key)) cpuFirst.set(key, cpu);
        cpuLast.set(key, cpu);
        const schedule = readMainThreadSchedule(pid);
        if (schedule !== undefined) {
          const seen = schedules.get(key);
          if (seen === undefined) schedules.set(key, { group, pid, first: schedule, last: schedule });
          else seen.last = schedule;
        }
        const bytes = readRssBytes(pid);
        if (bytes === undefined) continue;
        let entry = rss.get(key);
        if (entry === undefined) {
          entry = { group, pid, samples: [] };
          rss.set(key, entry);
        }
        entry.samples.push(bytes);
      }
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      listedAtMs = Number.NEGATIVE_INFINITY;
      sample();
      const elapsedS = (Date.now() - startedMs) / 1000;
      const machineEnd = readMachineCpuSeconds();
      const zeros = () => Object.fromEntries(groupNames.map((group) => [group, 0])) as Record<Group, number>;
      const cpuByGroup = zeros();
      const kernelCpuByGroup = zeros();
      for (const [key, first] of cpuFirst) {
        const group = key.slice(0, key.lastIndexOf(':')) as Group;
        const last = cpuLast.get(key) ?? first;
        cpuByGroup[group] += last.totalS - first.totalS;
        kernelCpuByGroup[group] += last.systemS - first.systemS;
      }
      return {
        elapsedS,
        machineBusyS: machineEnd.busyS - machineStart.busyS,
        machineTotalS: machineEnd.totalS - machineStart.totalS,
        machineInterruptS: machineEnd.interruptS - machineStart.interruptS,
        machineStealS: machineEnd.stealS - machineStart.stealS,
        cpuByGroup,
        kernelCpuByGroup,
        rss: [...rss.values()].map(({ group, pid, samples }) => ({
          group,
          pid,
          maxBytes: Math.max(...samples),
          meanBytes: samples.reduce((sum, value) => sum + value, 0) / samples.length,
          samples: samples.length,
        })),
        mainThreads: [...schedules.values()].map(({ group, pid, first, last }) => {
          const share = (seconds: number) => Math.round((seconds / elapsedS) * 100) / 100;
          return {
            group,
            pid,
            running: share(last.runS - first.runS),
            waiting: share(last.waitS - first.waitS),
          };
        }),
      };
    },
  };
}
