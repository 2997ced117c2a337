// The container files: the image runs on the Node version CI tests and checks its own liveness,
// and the compose file scales (`docker compose up --scale flashsale=3`): the service has no host
// port or container name of its own, and the proxy in front finds every replica.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoFile = (path: string) => new URL(`../../../${path}`, import.meta.url);
const readRepoFile = (path: string) => readFileSync(repoFile(path), 'utf8');

type ComposeService = {
  image?: string;
  build?: unknown;
  ports?: string[];
  expose?: string[];
  container_name?: string;
  volumes?: string[];
  environment?: Record<string, string>;
};
const compose = parseYaml(readRepoFile('docker-compose.yml')) as { services: Record<string, ComposeService> };
const dockerfile = readRepoFile('Dockerfile');
const haproxyConfig = readRepoFile('deploy/haproxy/haproxy.cfg');

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

describe('the Dockerfile', () => {
  it('builds and runs on the Node major version CI tests', () => {
    const ci = parseYaml(readRepoFile('.github/workflows/ci.yml')) as {
      jobs: { test: { steps: { uses?: string; with?: { 'node-version'?: number | string } }[] } };
    };
    const ciNode = ci.jobs.test.steps.find((step) => step.uses?.startsWith('actions/setup-node'))?.with?.[
      'node-version'
    ];
    const bases = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((match) => match[1]);
    expect(bases).toHaveLength(2);
    for (const major of bases) expect(major).toBe(String(ciNode));
  });

  it('has a HEALTHCHECK that asks /health/live with the node binary the image has', () => {
    const healthcheck = /^HEALTHCHECK .*\\\n\s*CMD (.*)$/m.exec(dockerfile);
    expect(healthcheck).not.toBeNull();
    const command = JSON.parse(healthcheck?.[1] ?? '[]') as string[];
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/health/live');
  });
});

describe('the compose file', () => {
  it('lets the service scale: no host port and no fixed container name', () => {
    const service = compose.services.flashsale;
    expect(service?.build).toBeDefined();
    expect(service?.ports).toBeUndefined();
    expect(service?.container_name).toBeUndefined();
    expect(service?.expose).toEqual(['8080']);
  });

  it('publishes port 8080 through a proxy that balances over every replica that is ready', () => {
    const proxy = compose.services.proxy;
    expect(proxy?.ports).toEqual(['8080:8080']);
    const mounted = proxy?.volumes?.map((volume) => volume.split(':')[0]) ?? [];
    expect(mounted).toEqual(['./deploy/haproxy/haproxy.cfg']);
    expect(haproxyConfig).toMatch(/^\s*server-template flashsale \d+ flashsale:8080 .*resolvers docker/m);
    expect(haproxyConfig).toMatch(/^\s*option httpchk GET \/health\/ready$/m);
    expect(haproxyConfig).toMatch(/^\s*bind :8080$/m);
  });

  const haproxy = findOnPath('haproxy');
  it.skipIf(haproxy === null)(
    haproxy === null
      ? 'the proxy configuration is valid (skipped: haproxy is not on PATH)'
      : 'the proxy configuration is valid (haproxy -c)',
    () => {
      const output = execFileSync(
        haproxy as string,
        ['-c', '-f', repoFile('deploy/haproxy/haproxy.cfg').pathname],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      expect(output).toMatch(/Configuration file is valid/);
    },
  );
});
