import { describe, expect, it } from 'vitest';
import { sharedBoxFlags } from '../src/checkout-result.js';
import type { ProcessUsage } from '../src/proc-stats.js';

/** A 10 s round on 2 cores: the server used 8 s, interrupts 1 s, then steal and other work as given. */
const usageWith = (stealS: number, otherS = 0): ProcessUsage => ({
  elapsedS: 10,
  machineBusyS: 9 + stealS + otherS,
  machineTotalS: 20,
  machineInterruptS: 1,
  machineStealS: stealS,
  cpuByGroup: { server: 8 },
  kernelCpuByGroup: { server: 3 },
  rss: [],
  mainThreads: [],
});

describe('the checkout rounds that ran on less than the box', () => {
  const bare = (stealS: number, otherS = 0) => ({
    name: 'bare node:http, 1 process',
    usage: usageWith(stealS, otherS),
  });

  it('flags each side of each round with a tenth of a core of steal or more, and no other', () => {
    const service = [{ usage: usageWith(7) }, { usage: usageWith(0.2) }, { usage: usageWith(0) }];
    expect(sharedBoxFlags(service, [bare(0), bare(2.5), bare(1)])).toEqual([
      'round 1: the hypervisor took 0.7 cores (steal) while flashsale ran: its req/s that round are low for it',
      'round 2: the hypervisor took 0.25 cores (steal) while bare node:http, 1 process ran: its req/s that round are low for it',
      'round 3: the hypervisor took 0.1 cores (steal) while bare node:http, 1 process ran: its req/s that round are low for it',
    ]);
  });

  it('flags each side with a tenth of a core or more used by processes not of the benchmark', () => {
    const service = [{ usage: usageWith(0, 5.2) }, { usage: usageWith(0, 0.5) }];
    expect(sharedBoxFlags(service, [bare(0, 0.4), bare(0, 1.5)])).toEqual([
      'round 1: other processes used 0.52 cores while flashsale ran: its req/s that round are low for it',
      'round 2: other processes used 0.15 cores while bare node:http, 1 process ran: its req/s that round are low for it',
    ]);
  });

  it('flags nothing on a quiet box', () => {
    expect(sharedBoxFlags([{ usage: usageWith(0.9, 0.9) }], [bare(0.3, 0.5)])).toEqual([]);
  });
});
