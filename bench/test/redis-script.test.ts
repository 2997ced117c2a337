import { describe, expect, it } from 'vitest';
import { commandStats } from '../src/redis-script.js';

describe('commandStats', () => {
  it('reads calls and µs of each command from INFO commandstats, including commands a script ran', () => {
    const info = [
      '# Commandstats',
      'cmdstat_hset:calls=120,usec=96,usec_per_call=0.80,rejected_calls=0,failed_calls=0',
      'cmdstat_evalsha:calls=4,usec=1900,usec_per_call=475.00,rejected_calls=0,failed_calls=0',
      'cmdstat_config|resetstat:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0',
      '',
    ].join('\r\n');
    const stats = commandStats(info);
    expect(stats.get('hset')).toEqual({ calls: 120, usec: 96 });
    expect(stats.get('evalsha')).toEqual({ calls: 4, usec: 1900 });
    expect(stats.get('config|resetstat')).toEqual({ calls: 1, usec: 5 });
    expect(stats.size).toBe(3);
  });
});
