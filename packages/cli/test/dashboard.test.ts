// The monitoring profile: the Grafana dashboard queries only metrics that a real service exposes
// on /metrics (with the labels it groups by), and the compose, Prometheus and Grafana files agree.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createWorld, type World } from '../../server/test/support/server.js';

const repoFile = (path: string) => new URL(`../../../${path}`, import.meta.url);
const readRepoFile = (path: string) => readFileSync(repoFile(path), 'utf8');

type Target = { expr: string; datasource?: { uid?: string } };
type Panel = {
  title?: string;
  type: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { uid?: string };
};
type Dashboard = { uid: string; title: string; panels: Panel[] };

function panelsOf(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);
}

/** Metric names an expression reads: identifiers of our namespace, outside quoted label values. */
function metricNamesIn(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(unquoted.match(/\bflashsale_[a-zA-Z0-9_:]+/g) ?? [])];
}

/** Labels an expression aggregates by: `by (le, route)`. */
function groupingLabelsIn(expr: string): string[] {
  return [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) =>
    (match[1] ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label.length > 0),
  );
}

type Exposition = {
  /** Family name → type, from the `# TYPE` lines. */
  types: Map<string, string>;
  /** Sample name → label names seen on its samples. */
  samples: Map<string, Set<string>>;
};

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types.set(type[1] as string, type[2] as string);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? /.exec(line);
    if (sample === null) continue;
    const labels = samples.get(sample[1] as string) ?? new Set<string>();
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      labels.add(pair[1] as string);
    samples.set(sample[1] as string, labels);
  }
  return { types, samples };
}

/**
 * The family a queried name belongs to: itself when declared; `x` for `x_bucket` of a histogram
 * and for `x_sum` / `x_count` of a histogram or summary; null when the service has no such metric.
 */
function familyOf(name: string, exposition: Exposition): string | null {
  if (exposition.types.has(name)) return name;
  const suffixes: Record<string, readonly string[]> = {
    _bucket: ['histogram'],
    _sum: ['histogram', 'summary'],
    _count: ['histogram', 'summary'],
  };
  for (const [suffix, familyTypes] of Object.entries(suffixes)) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    if (familyTypes.includes(exposition.types.get(family) ?? '')) return family;
  }
  return null;
}

describe('the Grafana dashboard against a real /metrics', () => {
  let world: World;
  let exposition: Exposition;
  const dashboard = JSON.parse(readRepoFile('deploy/grafana/dashboards/flashsale.json')) as Dashboard;
  const exprs = panelsOf(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => target.expr),
  );

  beforeAll(async () => {
    world = await createWorld();
    // Traffic on every route the dashboard splits by, with refusals, so labelled series exist.
    const held = await world.call('POST', '/checkout?user_id=dash.a&id=1');
    await world.call('POST', '/checkout?user_id=dash.b&id=1');
    await world.call('POST', `/purchase?code=${String(held.body.code)}`);
    await world.call('POST', '/checkout?user_id=dash.c&id=nope');
    await world.call('GET', '/sale');
    const scraped = await fetch(`${world.url}/metrics`);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    exposition = parseExposition(await scraped.text());
  });
  afterAll(async () => {
    await world?.close();
  });

  it('has panels and every query reads at least one flashsale metric', () => {
    expect(dashboard.uid).toBe('flashsale');
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) expect(metricNamesIn(expr), expr).not.toEqual([]);
  });

  it('queries only metrics the service declares, _bucket only of histograms', () => {
    const unknown = exprs.flatMap((expr) =>
      metricNamesIn(expr)
        .filter((name) => familyOf(name, exposition) === null)
        .map((name) => `${name} in ${expr}`),
    );
    expect(unknown).toEqual([]);
  });

  it('groups only by labels the metric has, on series that exist after traffic', () => {
    const core = [
      'flashsale_http_requests_total',
      'flashsale_http_request_duration_seconds_bucket',
      'flashsale_items_sold_total',
      'flashsale_holds_placed_total',
      'flashsale_group_commit_batch_rows_bucket',
      'flashsale_group_commit_duration_seconds_bucket',
      'flashsale_redis_call_inputs_bucket',
      'flashsale_redis_call_duration_seconds_bucket',
      'flashsale_pg_pool_connections',
      'flashsale_group_commit_queue_rows',
      'flashsale_http_requests_in_flight',
    ];
    for (const name of core) expect(exposition.samples.has(name), name).toBe(true);
    expect(exposition.samples.get('flashsale_http_requests_total')).toEqual(new Set(['route', 'outcome']));
    const mismatches: string[] = [];
    for (const expr of exprs) {
      const seen = metricNamesIn(expr).flatMap((name) => [...(exposition.samples.get(name) ?? [])]);
      // A labelled metric with no sample yet (no failure happened) shows no labels to check.
      if (seen.length === 0) continue;
      for (const label of groupingLabelsIn(expr))
        if (!seen.includes(label)) mismatches.push(`${label} in ${expr}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('the monitoring profile', () => {
  const compose = parseYaml(readRepoFile('docker-compose.yml')) as {
    services: Record<string, { profiles?: string[]; volumes?: string[]; ports?: string[] }>;
  };

  it('adds Prometheus and Grafana only under the monitoring profile, mounting files that exist', () => {
    const monitored = Object.entries(compose.services).filter(([, service]) =>
      service.profiles?.includes('monitoring'),
    );
    expect(monitored.map(([name]) => name).sort()).toEqual(['grafana', 'prometheus']);
    for (const [, service] of monitored) {
      for (const volume of service.volumes ?? []) {
        const hostPath = volume.split(':')[0] as string;
        expect(existsSync(repoFile(hostPath.replace(/^\.\//, ''))), volume).toBe(true);
      }
    }
    for (const name of ['postgres', 'redis', 'flashsale'])
      expect(compose.services[name]?.profiles).toBeUndefined();
  });

  it('scrapes every replica of the compose service, and the dashboard reads the provisioned datasource', () => {
    const prometheus = parseYaml(readRepoFile('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { metrics_path: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const scrape = prometheus.scrape_configs[0];
    expect(scrape?.metrics_path).toBe('/metrics');
    expect(scrape?.dns_sd_configs[0]).toMatchObject({ names: ['flashsale'], port: 8080 });
    expect(compose.services.flashsale).toBeDefined();
    const datasources = parseYaml(readRepoFile('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    const dashboard = JSON.parse(readRepoFile('deploy/grafana/dashboards/flashsale.json')) as Dashboard;
    const uids = panelsOf(dashboard.panels).flatMap((panel) => [
      ...(panel.datasource?.uid === undefined ? [] : [panel.datasource.uid]),
      ...(panel.targets ?? []).map((target) => target.datasource?.uid),
    ]);
    expect(new Set(uids)).toEqual(new Set(['prometheus']));
    const providers = parseYaml(readRepoFile('deploy/grafana/provisioning/dashboards/flashsale.yml')) as {
      providers: { options: { path: string } }[];
    };
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
  });
});
