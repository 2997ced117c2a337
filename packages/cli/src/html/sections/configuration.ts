// The run's configuration: the simulator's options as the report recorded them, and the sale's
// settings from the verify report when there is one.
import type { SimReport } from '@flashsale/sim';
import { type AnyVerifyJson, isBlackBoxJson } from '../../output/json.js';
import { formatCount, formatDurationMs, formatRate } from '../figures.js';
import { renderFacts } from './html-table.js';

export function renderConfiguration(sim: SimReport, verify: AnyVerifyJson | undefined): string {
  const config = sim.config;
  const stages = config.stages
    .map((stage) => `${formatDurationMs(stage.duration_ms)} at ${formatRate(stage.rps)}`)
    .join(', ');
  const mix = Object.entries(config.mix)
    .map(([behaviour, share]) => `${behaviour} ${share}%`)
    .join(', ');
  const facts: [string, string][] = [
    ['target', config.target],
    ['stages', (config.shards ?? 1) > 1 ? `${stages} over ${config.shards} shards` : stages],
    ['until sell-out', config.until_sellout ? 'yes' : 'no'],
    ['mix', mix],
    ['seed', String(config.seed)],
    ['users', formatCount(config.users)],
    ['sale size / user limit', `${formatCount(config.sale_size)} / ${config.user_limit}`],
    [
      'connections / max in flight',
      `${formatCount(config.connections)} / ${formatCount(config.max_in_flight)}`,
    ],
    [
      'timeout / late after',
      `${formatDurationMs(config.timeout_ms)} / ${formatDurationMs(config.late_after_ms)}`,
    ],
    ['warm-up', formatDurationMs(config.warm_up_ms)],
    ['workers', String(config.workers)],
    ['shard', sim.shard === null ? 'whole population' : `${sim.shard.index}/${sim.shard.count}`],
    ['thresholds', config.thresholds.length === 0 ? '–' : config.thresholds.join(', ')],
  ];
  if (verify !== undefined && !isBlackBoxJson(verify))
    facts.push(['hold TTL', formatDurationMs(verify.sale.hold_ttl_ms)]);
  if (verify !== undefined) facts.push(['verify grace', formatDurationMs(verify.grace_ms)]);
  if (config.profile !== undefined && config.profile !== 'default')
    facts.push(['target profile', config.profile]);
  return renderFacts(facts);
}
