// The top of the page: what ran, against what, and the figures a person looks for first.
import type { SimReport } from '@flashsale/sim';
import { type AnyVerifyJson, allInvariants, verdictScope } from '../../output/json.js';
import { formatCount, formatDurationMs, formatMs, formatRate, formatShare } from '../figures.js';
import { escapeHtml } from '../html-text.js';

type Card = Readonly<{
  name: string;
  value: string;
  /** Smaller text right after the value: ` / 10,000`. */
  valueSuffix?: string;
  detail: string;
  tone?: 'good' | 'bad' | 'warn';
}>;

export function renderHeadline(sim: SimReport, verify: AnyVerifyJson | undefined, title: string): string {
  const subtitle = [
    `run ${sim.run_id}`,
    `started ${sim.started_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`,
    `${formatDurationMs(sim.duration_ms)} of load`,
    `target ${sim.config.target}`,
    `seed ${sim.config.seed}`,
  ];
  if (sim.merged_from > 1) subtitle.push(`merged from ${sim.merged_from} reports`);
  if (isInterrupted(sim, verify)) subtitle.push('interrupted');
  const cards = [requestsCard(sim), latencyCard(sim), errorsCard(sim), soldCard(sim), scheduleCard(sim)];
  cards.push(verdictCard(verify, isInterrupted(sim, verify)));
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${subtitle.map(escapeHtml).join(' · ')}</p>
</header>
<section class="cards">
${cards.map(renderCard).join('\n')}
</section>`;
}

function renderCard(card: Card): string {
  const tone = card.tone === undefined ? '' : ` ${card.tone}`;
  const suffix = card.valueSuffix === undefined ? '' : `<small>${escapeHtml(card.valueSuffix)}</small>`;
  return `<div class="card${tone}"><div class="card-name">${escapeHtml(card.name)}</div><div class="card-value">${escapeHtml(card.value)}${suffix}</div><div class="card-detail">${escapeHtml(card.detail)}</div></div>`;
}

function requestsCard(sim: SimReport): Card {
  return {
    name: 'requests',
    value: formatCount(sim.requests),
    detail: `${formatRate(sim.achieved_rps)} achieved of ${formatRate(sim.target_rps)} target`,
  };
}

function latencyCard(sim: SimReport): Card {
  const latency = sim.latency_ms;
  return {
    name: 'response time p99',
    value: formatMs(latency.p99),
    detail: `p50 ${formatMs(latency.p50)} · max ${formatMs(latency.max)}`,
  };
}

function errorsCard(sim: SimReport): Card {
  return {
    name: 'errors',
    value: formatCount(sim.errors),
    detail: `${formatShare(sim.errors, sim.requests)} of requests: 5xx, timeouts, lost connections`,
    tone: sim.errors === 0 ? 'good' : 'bad',
  };
}

function soldCard(sim: SimReport): Card {
  const sale = sim.sale;
  const sold = sale.sold ?? sale.purchases;
  const isSoldOut = sale.sold_out_ms !== null;
  return {
    name: 'items sold',
    value: formatCount(sold),
    valueSuffix: ` / ${formatCount(sale.size)}`,
    detail: isSoldOut
      ? `sold out after ${formatDurationMs(sale.sold_out_ms ?? 0)}`
      : `not sold out · demand ${sale.demand_supply_ratio}× supply`,
    tone: isSoldOut ? 'good' : undefined,
  };
}

function scheduleCard(sim: SimReport): Card {
  const isOnSchedule = sim.late === 0 && sim.dropped === 0 && !sim.generator.is_saturated;
  return {
    name: 'late / dropped',
    value: formatCount(sim.late),
    valueSuffix: ` / ${formatCount(sim.dropped)}`,
    detail: sim.generator.is_saturated
      ? 'the generator was saturated: figures are suspect'
      : `max ${formatCount(sim.max_in_flight)} in flight`,
    tone: isOnSchedule ? undefined : 'warn',
  };
}

/** The run was cut short (Ctrl-C): said by the simulator's report or the verifier's. */
export function isInterrupted(sim: SimReport, verify: AnyVerifyJson | undefined): boolean {
  return sim.interrupted === true || verify?.interrupted === true;
}

function verdictCard(verify: AnyVerifyJson | undefined, isCutShort: boolean): Card {
  if (verify === undefined)
    return isCutShort
      ? {
          name: 'invariants',
          value: 'not verified',
          detail: 'the run was stopped before verifying',
          tone: 'warn',
        }
      : { name: 'invariants', value: 'not verified', detail: 'no verify report given' };
  const invariants = allInvariants(verify);
  const failed = invariants.filter((invariant) => invariant.status === 'FAIL');
  const passed = invariants.filter((invariant) => invariant.status === 'PASS');
  if (isCutShort && verify.verdict === 'pass') {
    return {
      name: 'invariants',
      value: 'INTERRUPTED',
      detail: `${passed.length} of ${invariants.length} pass, sell-out not applicable, ${verdictScope(verify)}`,
      tone: 'warn',
    };
  }
  return {
    name: 'invariants',
    value: verify.verdict === 'pass' ? 'PASS' : 'FAIL',
    detail:
      failed.length > 0
        ? `failed: ${failed.map((invariant) => (invariant.sale_id === undefined ? '' : `${invariant.sale_id} `) + invariant.id).join(', ')}`
        : `${passed.length} of ${invariants.length} pass, ${verdictScope(verify)}`,
    tone: verify.verdict === 'pass' ? 'good' : 'bad',
  };
}
