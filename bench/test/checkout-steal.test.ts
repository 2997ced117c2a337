import { describe, expect, it } from 'vitest';
import { stealFlags } from '../src/checkout-result.js';
import type { ProcessUsage } from '../src/proc-stats.js';

const usageWithSteal = (stealS: number): ProcessUsage => ({
  elapsedS: 10,
  machineBusyS: 14,
  machineTotalS: 20,
  machineInterruptS: 1,
  machineStealS: stealS,
  cpuByGroup: { server: 8 },
  kernelCpuByGroup: { server: 3 },
  rss: [],
});

describe('the checkout rounds the hypervisor took CPU from', () => {
  const bare = (stealS: number) => ({ name: 'bare node:http, 1 process', usage: usageWithSteal(stealS) });

  it('flags each side of each round with a tenth of a core of steal or more, and no other', () => {
    const service = [
      { usage: usageWithSteal(7) },
      { usage: usageWithSteal(0.2) },
      { usage: usageWithSteal(0) },
    ];
    expect(stealFlags(service, [bare(0), bare(2.5), bare(1)])).toEqual([
      'round 1: the hypervisor took 0.7 cores (steal) while flashsale ran: its req/s that round are low for it',
      'round 2: the hypervisor took 0.25 cores (steal) while bare node:http, 1 process ran: its req/s that round are low for it',
      'round 3: the hypervisor took 0.1 cores (steal) while bare node:http, 1 process ran: its req/s that round are low for it',
    ]);
  });

  it('flags nothing on a quiet box', () => {
    expect(stealFlags([{ usage: usageWithSteal(0.9) }], [bare(0.3)])).toEqual([]);
  });
});
