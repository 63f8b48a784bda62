/**
 * The deployment manifests stay in step with the code they deploy: the container's args are a
 * valid `podpulse serve` configuration listening on the declared port, the probes hit the
 * server's health routes, RBAC grants exactly what the informer uses, and the demo crash-loop pod
 * asks the simulator for a scenario it knows.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseServeConfig } from '../src/cli/serve.ts';
import { scenarioAnnotation, scenarioNames } from '../src/sim/index.ts';

interface Doc {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  spec?: {
    template?: { spec: { serviceAccountName: string; containers: Container[] } };
  };
}
interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
}

function docs(file: string): Doc[] {
  const text = readFileSync(new URL(`../manifests/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

describe('manifests/podpulse.yaml', () => {
  const all = docs('podpulse.yaml');
  const deployment = all.find((d) => d.kind === 'Deployment');
  const container = deployment?.spec?.template?.spec.containers[0];

  it('runs a valid serve configuration on the declared container port', () => {
    expect(container?.args[0]).toBe('serve');
    const config = parseServeConfig(container?.args.slice(1) ?? [], {});
    expect(config.host).toBe('0.0.0.0');
    expect(container?.ports).toEqual([{ name: 'http', containerPort: config.port }]);
  });

  it('probes the readiness and health routes', () => {
    expect(container?.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container?.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  it('grants read-only access to pods and nothing else', () => {
    const role = all.find((d) => d.kind === 'ClusterRole');
    expect(role?.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    const account = all.find((d) => d.kind === 'ServiceAccount')?.metadata.name;
    expect(deployment?.spec?.template?.spec.serviceAccountName).toBe(account);
  });
});

describe('manifests/crashloop-pod.yaml', () => {
  it('asks the simulator for a scenario it knows', () => {
    const [pod] = docs('crashloop-pod.yaml');
    const scenario = pod?.metadata.annotations?.[scenarioAnnotation];
    expect(scenarioNames).toContain(scenario);
  });
});
