/**
 * Convergence under faults, over real loopback HTTP against the simulated cluster: seeded churn
 * of create/update/delete over 1,000+ pods while watches are dropped, stalled, fed a malformed
 * line, 410'd (history compacted) and the server restarts. Afterwards the pipeline's view of every
 * pod equals podView of the simulator's object, with no phantom pods, no duplicate ADDED, and the
 * last emitted change of every pod matching its final state. The seed decides the churn; each
 * fault is followed by a wait for its observable effect (stale, relist, reconnecting, ...), never
 * by a fixed sleep, so the outcome does not depend on how fast the machine is.
 */
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPodSource, type PodSource } from '../../src/pipeline/index.ts';
import { startSim, type SimCluster } from '../../src/sim/index.ts';
import { podView } from '../../src/status/index.ts';
import type { Pod, PodChange } from '../../src/status/types.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env['PODPULSE_SEED'] ?? 4242);
const namespaces = ['shop', 'batch', 'infra', 'other'];

const variants = [
  { name: 'all namespaces, streaming list', scope: undefined, streamingList: true },
  {
    name: 'three namespaces (one list+watch each), paginated LIST',
    scope: ['shop', 'batch', 'infra'],
    streamingList: false,
  },
] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function statusVariant(r: () => number, restarts: number): Record<string, unknown> {
  const at = '2026-11-01T10:00:00Z';
  const variants = [
    { phase: 'Pending' },
    {
      phase: 'Running',
      podIP: `10.1.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          started: true,
          restartCount: restarts,
          state: { running: { startedAt: at } },
        },
      ],
    },
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: restarts,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: 'back-off restarting failed container',
            },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at } },
        },
      ],
    },
    {
      phase: 'Succeeded',
      containerStatuses: [
        {
          name: 'app',
          restartCount: restarts,
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at } },
        },
      ],
    },
    {
      phase: 'Failed',
      containerStatuses: [
        {
          name: 'app',
          restartCount: restarts,
          state: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: at } },
        },
      ],
    },
  ];
  return variants[Math.floor(r() * variants.length)] as Record<string, unknown>;
}

describe.each(variants)('pipeline convergence under faults: $name', ({ scope, streamingList }) => {
  let sim: SimCluster;
  let source: PodSource;
  const changes: PodChange[] = [];
  const states: string[] = [];

  beforeAll(async () => {
    sim = await startSim({
      scenario: 'empty',
      kubelet: false,
      seed,
      bookmarkIntervalMs: 300,
      historyLimit: 100_000,
    });
    for (const ns of namespaces) sim.store.create('namespaces', { metadata: { name: ns } });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    source = createPodSource({
      kubeConfig: kc,
      ...(scope ? { namespaces: scope } : {}),
      logger: pino({ level: process.env['PODPULSE_TEST_LOG'] ?? 'silent' }),
      random: mulberry32(seed + 1),
      knobs: {
        pageSize: 100,
        backoff: { initialMs: 20, maxMs: 200, jitter: 0.2 },
        staleAfterMs: 600,
        minWatchMs: 20,
        initialEventsTimeoutMs: 5000,
        streamingList,
      },
    });
    source.changes$.subscribe((c) => changes.push(c));
    source.state$.subscribe((s) => states.push(s.state));
  });

  afterAll(async () => {
    source.close();
    await sim.close();
  });

  it('ends with every view equal to the truth, no phantoms, no duplicate ADDED, last transitions emitted', async () => {
    const r = mulberry32(seed);
    const live: { ns: string; name: string }[] = [];
    let created = 0;
    const restarts = new Map<string, number>();
    const pick = () => live[Math.floor(r() * live.length)];

    const create = () => {
      const ns = namespaces[Math.floor(r() * namespaces.length)] as string;
      const name = `pod-${created++}`;
      sim.store.createPod(
        {
          metadata: { name, namespace: ns, labels: { app: `app-${Math.floor(r() * 5)}` } },
          spec: {
            nodeName: 'node-0',
            containers: [{ name: 'app', image: 'registry.local/app:1' }],
          },
          status: statusVariant(r, 0),
        },
        { keepStatus: true },
      );
      live.push({ ns, name });
    };
    const apply = (op: number) => {
      const target = pick();
      if (op < 0.3 || !target) {
        create();
        return;
      }
      const key = `${target.ns}/${target.name}`;
      const cur = sim.store.pod(target.ns, target.name);
      if (!cur) return;
      if (op < 0.55) {
        const n = (restarts.get(key) ?? 0) + Math.floor(r() * 2);
        restarts.set(key, n);
        sim.store.setPodStatus(target.ns, target.name, statusVariant(r, n));
      } else if (op < 0.65) {
        sim.store.updatePod({
          ...cur,
          metadata: {
            ...cur.metadata,
            labels: { app: `app-${Math.floor(r() * 5)}`, tier: r() < 0.5 ? 'fe' : 'be' },
          },
        });
      } else if (op < 0.8) {
        sim.store.updatePod({
          ...cur,
          metadata: { ...cur.metadata, annotations: { touched: String(r()) } },
        });
      } else if (op < 0.85 && cur.metadata.deletionTimestamp === undefined) {
        sim.store.deletePod(target.ns, target.name, { gracePeriodSeconds: 30 }); // Terminating
      } else {
        sim.store.deletePod(target.ns, target.name, { gracePeriodSeconds: 0 });
        live.splice(live.indexOf(target), 1);
      }
    };

    for (let i = 0; i < 1000; i++) create();

    // Each fault is followed by a wait for its observable effect (generous deadline), so the
    // outcome does not depend on machine speed; the churn itself is decided by the seed alone.
    const until = async (what: string, done: () => boolean): Promise<void> => {
      for (let waited = 0; !done(); waited += 10) {
        if (waited >= 8000) throw new Error(`fault had no effect within 8 s: ${what}`);
        await sleep(10);
      }
    };
    const count = (state: string) => states.filter((s) => s === state).length;
    type Fault = { inject: () => unknown; effect: string; seen: () => () => boolean };
    const increases = (read: () => number) => () => {
      const before = read();
      return () => read() > before;
    };
    // A stall far longer than the watchdog (600 ms): it ends only when the reflector gives up on
    // the silent watch and re-watches, whatever the load.
    const stall: Fault = {
      inject: () => sim.faults.stallWatches(600_000),
      effect: 'the watchdog reports stale',
      seen: increases(() => count('stale')),
    };
    const faults: Record<number, Fault> = {
      10: {
        inject: () => sim.faults.dropWatches(),
        effect: 'the dropped watches are restarted',
        seen: increases(() => source.stats.watchRestarts),
      },
      25: stall,
      40: {
        inject: () => {
          sim.faults.compact();
          return sim.faults.dropWatches();
        },
        effect: 'a relist after 410 Gone',
        seen: increases(() => source.stats.relists),
      },
      55: {
        inject: () => sim.faults.malformedLine(),
        effect: 'the malformed line fails the watch',
        seen: increases(() => source.stats.apiErrors),
      },
      70: {
        // Retries every 20–200 ms meet refused connections for a whole second.
        inject: () => sim.faults.restart(1000),
        effect: 'reconnecting while the server is down',
        seen: increases(() => count('reconnecting')),
      },
      90: {
        inject: () => {
          sim.faults.compact();
          return sim.faults.malformedLine();
        },
        effect: 'a relist after the malformed line meets compacted history',
        seen: increases(() => source.stats.relists),
      },
      105: stall,
    };
    let restarting: Promise<unknown> = Promise.resolve();
    for (let round = 0; round < 120; round++) {
      // The churn first, then the fault in the same tick: the client is still behind, so a
      // compaction is sure to expire its resourceVersion.
      for (let i = 0; i < 30; i++) apply(r());
      const fault = faults[round];
      const seen = fault?.seen();
      const result = fault?.inject();
      if (result instanceof Promise) restarting = result;
      if (fault && seen) await until(fault.effect, seen);
      else await sleep(5);
    }
    await restarting;

    const truth = () =>
      new Map(
        sim.store
          .pods()
          .filter(
            (p) => !scope || (scope as readonly string[]).includes(p.metadata.namespace ?? ''),
          )
          .map((p) => [p.metadata.uid ?? '', p]),
      );
    const converged = () => {
      const t = truth();
      if (source.size !== t.size) return false;
      for (const [uid, p] of t) {
        const v = source.get(uid);
        if (!v || JSON.stringify(v) !== JSON.stringify(podView(p))) return false;
      }
      return true;
    };
    for (let waited = 0; waited < 15_000 && !converged(); waited += 50) await sleep(50);

    const t = truth();
    expect(t.size).toBeGreaterThan(1000);
    // every view equals the truth, and nothing else is there
    expect(new Set([...source.snapshot()].map((v) => v.uid))).toEqual(new Set(t.keys()));
    for (const [uid, p] of t) expect(source.get(uid)).toEqual(podView(p as Pod));

    // per pod: one ADDED first, DELETED only last, and the last change is the final state
    const byUid = new Map<string, PodChange[]>();
    for (const c of changes) {
      let list = byUid.get(c.view.uid);
      if (!list) byUid.set(c.view.uid, (list = []));
      list.push(c);
    }
    const problems: string[] = [];
    for (const [uid, list] of byUid) {
      const types = list.map((c) => c.type);
      if (types[0] !== 'ADDED' || types.indexOf('ADDED', 1) !== -1)
        problems.push(`${uid}: ${types.join(',')}`);
      const del = types.indexOf('DELETED');
      if (del !== -1 && del !== types.length - 1) problems.push(`${uid}: change after DELETED`);
      const last = list.at(-1) as PodChange;
      const p = t.get(uid);
      if (p) {
        if (last.type === 'DELETED' || JSON.stringify(last.view) !== JSON.stringify(podView(p)))
          problems.push(`${uid}: last change is not the final state`);
      } else if (last.type !== 'DELETED') {
        problems.push(`${uid}: deleted, but its last change is ${last.type}`);
      }
    }
    for (const uid of t.keys()) if (!byUid.has(uid)) problems.push(`${uid}: never emitted`);
    expect(problems).toEqual([]);
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_c, i) => i + 1));

    // the faults really happened, and annotation-only updates cost nothing
    expect(source.stats.relists).toBeGreaterThanOrEqual(1);
    expect(source.stats.watchRestarts).toBeGreaterThanOrEqual(3);
    expect(source.stats.recomputesSkipped).toBeGreaterThan(0);
    expect(states).toContain('stale'); // the watchdog restarted a stalled watch
    expect(states).toContain('reconnecting'); // the restart refused connections
    expect(states.at(-1)).toBe('synced');
  });
});
