/**
 * The byte stream every throughput alternative reads: realistic pods (a Deployment's pods as a
 * kubelet reports them, with managedFields and annotations, about 4 KB of JSON each) and watch
 * bursts over them. Deterministic for a seed.
 *
 * A burst is a file of watch lines (`{"type":"MODIFIED","object":{…}}\n`). The `mixed` burst has a
 * share of status changes (a container restarts or becomes ready/unready: the view changes) and
 * the rest annotation-only noise (an annotation, managedFields time and resourceVersion change:
 * the view does not). The `noise` burst is noise only. The last `NAMESPACES` lines of every burst
 * file are the sentinels: a status change of pod `bench-sentinel` in each namespace, which nothing
 * else touches, so a subscriber (filtered by namespace or not) knows the burst is over when it has
 * seen that name once per namespace it watches.
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

export const SENTINEL = 'bench-sentinel';
export const NAMESPACES = 10;

export interface WorkloadSpec {
  pods: number;
  /** Events in the mixed burst (the sentinels come on top). */
  mixed: number;
  /** Share of status changes in the mixed burst, 0..1. */
  statusShare: number;
  /** Events in the noise burst. */
  noise: number;
  seed: number;
}

export interface WorkloadFiles {
  dir: string;
  /** The LIST body's items, one pod JSON per line (the feeder pages them). */
  items: string;
  /** Watch lines of the noise burst, then its sentinel. */
  noise: string;
  mixed: string;
  /** resourceVersion of the list. */
  listRv: number;
  /** Bytes of each burst (without the sentinel lines). */
  bytes: { noise: number; mixed: number; items: number };
  spec: WorkloadSpec;
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PodState {
  ns: string;
  name: string;
  uid: string;
  app: string;
  hash: string;
  node: string;
  ip: string;
  created: string;
  restarts: number;
  ready: boolean;
  tick: number;
}

const T0 = Date.parse('2026-11-01T08:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function uidOf(r: () => number): string {
  const h = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;
}

function podState(i: number, r: () => number): PodState {
  const app = `svc-${i % 997}`;
  return {
    ns: `bench-${i % NAMESPACES}`,
    name:
      i < 0
        ? SENTINEL
        : `${app}-7c9f8d${(i % 89).toString(36)}b-${i.toString(36).padStart(5, '0')}`,
    uid: uidOf(r),
    app,
    hash: `7c9f8d${(i % 89).toString(36)}b`,
    node: `sim-node-${(i % 50) + 1}`,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    created: iso(T0 + i * 37),
    restarts: 0,
    ready: true,
    tick: 0,
  };
}

/** The full pod JSON, as a kubelet-updated pod of a Deployment looks on the wire. */
export function podJson(s: PodState, rv: number): Record<string, unknown> {
  const at = iso(T0 + 3_600_000 + s.tick * 1000);
  const started = iso(Date.parse(s.created) + 4000 + s.restarts * 60_000);
  const cond = (type: string, status: boolean, t: string): Record<string, unknown> => ({
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: t,
  });
  const app = {
    name: 'app',
    image: `registry.example.com/team/${s.app}:v1.42.7`,
    imageID: `registry.example.com/team/${s.app}@sha256:9f2b5c4e1d0a7b3c6e8f1a2d4b6c8e0f1a3c5e7092b4d6f8a0c2e4f6a8b0c2d4`,
    containerID: `containerd://5e1f${s.uid.replace(/-/g, '')}${s.restarts}`,
    ready: s.ready,
    started: true,
    restartCount: s.restarts,
    state: { running: { startedAt: started } },
    lastState:
      s.restarts > 0
        ? {
            terminated: {
              exitCode: 137,
              reason: 'OOMKilled',
              startedAt: s.created,
              finishedAt: started,
              containerID: `containerd://4d0e${s.uid.replace(/-/g, '')}`,
            },
          }
        : {},
  };
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: s.name,
      generateName: `${s.app}-${s.hash}-`,
      namespace: s.ns,
      uid: s.uid,
      resourceVersion: String(rv),
      creationTimestamp: s.created,
      labels: {
        app: s.app,
        'app.kubernetes.io/name': s.app,
        'app.kubernetes.io/part-of': 'bench',
        'pod-template-hash': s.hash,
        tier: 'backend',
      },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': '2026-10-30T12:00:00Z',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
        'bench.podpulse.dev/tick': String(s.tick),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${s.app}-${s.hash}`,
          uid: 'b0c1d2e3-f405-4617-8829-3a4b5c6d7e8f',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: s.created,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:generateName': {},
              'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {}, 'f:tier': {} },
              'f:ownerReferences': { '.': {}, [`k:{"uid":"b0c1d2e3"}`]: {} },
            },
            'f:spec': {
              'f:containers': {
                'k:{"name":"app"}': {
                  '.': {},
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:ports': {},
                  'f:resources': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
            },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: at,
          fieldsType: 'FieldsV1',
          subresource: 'status',
          fieldsV1: {
            'f:status': {
              'f:conditions': {},
              'f:containerStatuses': {},
              'f:hostIP': {},
              'f:phase': {},
              'f:podIP': {},
              'f:startTime': {},
            },
          },
        },
      ],
    },
    spec: {
      volumes: [
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              {
                configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
              },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [
        {
          name: 'app',
          image: `registry.example.com/team/${s.app}:v1.42.7`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            {
              name: 'POD_NAME',
              valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
            },
          ],
          resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          readinessProbe: {
            httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          volumeMounts: [
            {
              name: 'kube-api-access-x7k2p',
              readOnly: true,
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            },
          ],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: s.node,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        cond('PodReadyToStartContainers', true, s.created),
        cond('Initialized', true, s.created),
        cond('Ready', s.ready, started),
        cond('ContainersReady', s.ready, started),
        cond('PodScheduled', true, s.created),
      ],
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      podIP: s.ip,
      podIPs: [{ ip: s.ip }],
      startTime: s.created,
      containerStatuses: [app],
      qosClass: 'Burstable',
    },
  };
}

function line(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (const l of lines) {
    bytes += Buffer.byteLength(l);
    if (!out.write(l)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** Writes the list items and both bursts under `dir`. */
export async function writeWorkload(dir: string, spec: WorkloadSpec): Promise<WorkloadFiles> {
  mkdirSync(dir, { recursive: true });
  const r = rng(spec.seed);
  const pods: PodState[] = [];
  for (let i = 0; i < spec.pods; i++) pods.push(podState(i, r));
  const sentinels: PodState[] = [];
  for (let k = 0; k < NAMESPACES; k++) {
    const s = podState(-1, r);
    s.ns = `bench-${k}`;
    sentinels.push(s);
  }
  let rv = 1000;
  const listed = function* (): Generator<string> {
    for (const p of pods) yield `${JSON.stringify(podJson(p, ++rv))}\n`;
    for (const s of sentinels) yield `${JSON.stringify(podJson(s, ++rv))}\n`;
  };
  const items = join(dir, 'items.jsonl');
  const itemBytes = await writeLines(items, listed());
  const listRv = rv;

  const sentinelLines = (): string =>
    sentinels
      .map((s) => {
        s.restarts++;
        s.tick++;
        return line('MODIFIED', podJson(s, ++rv));
      })
      .join('');
  const burst = function* (n: number, statusShare: number): Generator<string> {
    for (let i = 0; i < n; i++) {
      const p = pods[Math.floor(r() * pods.length)] as PodState;
      p.tick++;
      if (r() < statusShare) {
        // A restart (OOMKilled) or a readiness flip: READY/RESTARTS change, so the view does.
        if (r() < 0.5) p.restarts++;
        else p.ready = !p.ready;
      }
      yield line('MODIFIED', podJson(p, ++rv));
    }
  };
  const noise = join(dir, 'noise.jsonl');
  const noiseBytes = await writeLines(noise, burst(spec.noise, 0));
  writeFileSync(noise, sentinelLines(), { flag: 'a' });
  const mixed = join(dir, 'mixed.jsonl');
  const mixedBytes = await writeLines(mixed, burst(spec.mixed, spec.statusShare));
  writeFileSync(mixed, sentinelLines(), { flag: 'a' });
  return {
    dir,
    items,
    noise,
    mixed,
    listRv,
    bytes: { noise: noiseBytes, mixed: mixedBytes, items: itemBytes },
    spec,
  };
}
