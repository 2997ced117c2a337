// deploy/kubernetes: every manifest is valid against the Kubernetes schemas (offline, unknown
// fields rejected), the kustomizations list what is there, the manifests name real settings and
// simulate options, and both the base and the Redis Cluster overlay render (with kubectl when it
// is on PATH; the project itself never needs kubectl).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverSettings } from '@flashsale/server';
import { envNameOf, type OptionSpec, simOptionTable } from '@flashsale/sim';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubernetesProblemsOf, schemaNameOf } from './support/kubernetes-schema.js';

const root = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};
type Container = {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = { containers: Container[]; initContainers?: Container[] };
type Kustomization = { resources?: string[]; patches?: { path?: string }[] };

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

function documentsOf(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as unknown)
    .filter((value) => value !== null);
}

const files = yamlFilesUnder(root);
const kustomizationFiles = files.filter((path) => path.endsWith('kustomization.yaml'));
const kustomizations = kustomizationFiles.map((path) => ({
  dir: dirname(path),
  document: documentsOf(readFileSync(path, 'utf8'))[0] as Kustomization,
}));
const patchFiles = new Set(
  kustomizations.flatMap(({ dir, document }) =>
    (document.patches ?? []).flatMap((patch) => (patch.path === undefined ? [] : [join(dir, patch.path)])),
  ),
);
const manifestFiles = files.filter((path) => !kustomizationFiles.includes(path) && !patchFiles.has(path));
const base = manifestFiles
  .filter((path) => path.includes('/base/'))
  .flatMap((path) => documentsOf(readFileSync(path, 'utf8')) as K8sObject[]);

function objectNamed(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

const podSpecOf = (object: K8sObject) => (object.spec as { template: { spec: PodSpec } }).template.spec;
const envOf = (container: Container) =>
  new Map((container.env ?? []).map((variable) => [variable.name, variable.value]));

/** `kubectl` on PATH, or null. */
function findKubectl(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return null;
}

describe('the Kubernetes manifests', () => {
  it('names each schema file as kubernetes-models does', () => {
    expect(schemaNameOf('apps/v1', 'Deployment')).toBe('IoK8sApiAppsV1Deployment');
    expect(schemaNameOf('v1', 'ConfigMap')).toBe('IoK8sApiCoreV1ConfigMap');
    expect(schemaNameOf('autoscaling/v2', 'HorizontalPodAutoscaler')).toBe(
      'IoK8sApiAutoscalingV2HorizontalPodAutoscaler',
    );
  });

  it.each(manifestFiles.map((path) => [relative(root, path), path]))(
    '%s is valid against the Kubernetes schemas, with no unknown field',
    async (_name, path) => {
      const documents = documentsOf(readFileSync(path, 'utf8'));
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) expect(await kubernetesProblemsOf(document)).toEqual([]);
    },
  );

  it('the validation rejects an unknown field, a wrong type and a kind it has no schema for', async () => {
    const deployment = structuredClone(objectNamed(base, 'Deployment', 'flashsale'));
    (podSpecOf(deployment).containers[0] as unknown as Record<string, unknown>).livenessprobe = {};
    (deployment.spec as Record<string, unknown>).replicas = 'two';
    expect(await kubernetesProblemsOf(deployment)).toEqual([
      '/spec/replicas: {"type":"integer"}',
      '/spec/template/spec/containers/0/livenessprobe: unknown field',
    ]);
    expect(await kubernetesProblemsOf({ apiVersion: 'v1', kind: 'Gadget' })).toEqual([
      'no schema for v1 Gadget',
    ]);
  });

  it('every kustomization lists files that exist, and the base lists every manifest in it', () => {
    for (const { dir, document } of kustomizations) {
      for (const resource of document.resources ?? []) expect(existsSync(join(dir, resource))).toBe(true);
    }
    const baseDir = join(root, 'base');
    const listed = kustomizations.find(({ dir }) => dir === baseDir)?.document.resources ?? [];
    const present = manifestFiles
      .filter((path) => dirname(path) === baseDir)
      .map((path) => relative(baseDir, path));
    expect([...listed].sort()).toEqual(present.sort());
  });

  it('the service has liveness and readiness probes, resources, a budget and an autoscaler', () => {
    const deployment = objectNamed(base, 'Deployment', 'flashsale');
    const [container] = podSpecOf(deployment).containers;
    expect(container?.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container?.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container?.resources?.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container?.resources?.limits?.memory).toEqual(expect.any(String));
    type Selecting = { selector: { matchLabels?: Record<string, string> } };
    const labels = (deployment.spec as Selecting).selector.matchLabels;
    expect(
      (objectNamed(base, 'PodDisruptionBudget', 'flashsale').spec as Selecting).selector.matchLabels,
    ).toEqual(labels);
    expect(objectNamed(base, 'Service', 'flashsale').spec?.selector as unknown).toEqual(labels);
    expect(objectNamed(base, 'HorizontalPodAutoscaler', 'flashsale').spec?.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: 'flashsale',
    });
  });

  it('config comes from a ConfigMap of real settings, the database URL from a Secret', () => {
    const settingNames = new Set(serverSettings.map((setting) => setting.env));
    const config = objectNamed(base, 'ConfigMap', 'flashsale-config');
    for (const name of Object.keys(config.data ?? {})) expect(settingNames).toContain(name);
    expect(Object.keys(config.data ?? {})).not.toContain('DATABASE_URL');
    expect(Object.keys(objectNamed(base, 'Secret', 'flashsale-database').stringData ?? {})).toEqual([
      'DATABASE_URL',
    ]);
    for (const name of ['flashsale', 'flashsale-migrate', 'flashsale-verify']) {
      const object = objectNamed(base, name === 'flashsale' ? 'Deployment' : 'Job', name);
      const sources = podSpecOf(object).containers.flatMap((container) => container.envFrom ?? []);
      expect(sources).toEqual([
        { configMapRef: { name: 'flashsale-config' } },
        { secretRef: { name: 'flashsale-database' } },
      ]);
    }
    expect(podSpecOf(objectNamed(base, 'Job', 'flashsale-migrate')).containers[0]?.args).toEqual(['migrate']);
  });

  it('the simulator is an Indexed Job, one shard per index, configured only through SIM_ variables', () => {
    const job = objectNamed(base, 'Job', 'flashsale-sim');
    expect(job.spec?.completionMode).toBe('Indexed');
    const shards = job.spec?.completions as number;
    expect(job.spec?.parallelism).toBe(shards);
    const [container] = podSpecOf(job).containers;
    expect(container?.args).toEqual(['simulate']);
    // Applied together with the service, the shards wait for it to be ready.
    expect(JSON.stringify(podSpecOf(job).initContainers)).toContain('http://flashsale/health/ready');
    const env = envOf(container as Container);
    expect(env.get('SIM_SHARD')).toBe(`$(JOB_COMPLETION_INDEX)/${shards}`);
    expect(env.get('SIM_REPORT')).toMatch(/^\/reports\/shard-\$\(JOB_COMPLETION_INDEX\)\.json$/);
    const simNames = new Set((Object.values(simOptionTable) as OptionSpec[]).map(envNameOf));
    // SIM_START_AT is --start-at (issue 19), read once that option exists.
    const names = [...env.keys()].filter((name) => name.startsWith('SIM_') && name !== 'SIM_START_AT');
    for (const name of names) expect(simNames).toContain(name);
    const verify = objectNamed(base, 'Job', 'flashsale-verify');
    expect(envOf((podSpecOf(verify).initContainers ?? [])[0] as Container).get('SHARDS')).toBe(
      String(shards),
    );
    const script = (podSpecOf(verify).containers[0]?.args ?? []).join(' ');
    expect(script).toContain('report merge /reports/shard-*.json');
    expect(script).toContain('verify --expect-sellout');
  });

  const kubectl = findKubectl();
  const renderName =
    kubectl === null
      ? 'renders the base and the Redis Cluster overlay (skipped: kubectl is not on PATH)'
      : 'renders the base and the Redis Cluster overlay with kubectl kustomize, every object valid';
  it.skipIf(kubectl === null)(renderName, async () => {
    const render = (dir: string) =>
      documentsOf(
        execFileSync(kubectl as string, ['kustomize', join(root, dir)], { encoding: 'utf8' }),
      ) as K8sObject[];
    const rendered = render('.');
    const overlay = render('overlays/redis-cluster');
    for (const object of [...rendered, ...overlay]) expect(await kubernetesProblemsOf(object)).toEqual([]);
    expect(rendered.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(
      base.map((object) => `${object.kind}/${object.metadata.name}`).sort(),
    );
    const clusterConfig = objectNamed(overlay, 'ConfigMap', 'flashsale-config');
    expect(clusterConfig.data?.REDIS_CLUSTER_NODES).toMatch(/^[^,:]+:\d+(,[^,:]+:\d+)+$/);
    expect(clusterConfig.data?.SALE_SIZE).toBe(
      objectNamed(base, 'ConfigMap', 'flashsale-config').data?.SALE_SIZE,
    );
  });
});
