/**
 * Convergence: seeded churn (creates, status and label changes, graceful and forced deletes)
 * through the real server to several PodpulseClients with namespace, label-selector and status
 * filters, while connections are cut, resumed or reset and a subscription is replaced under the
 * same id. Afterwards every subscription's pods are exactly the filter applied to the truth.
 */
import { BehaviorSubject, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { PodpulseClient, type ClientSubscription } from '../../src/client/index.ts';
import { compileFilter, filterMatches, type FilterSpec } from '../../src/protocol/filter.ts';
import type { SourceInfo } from '../../src/protocol/messages.ts';
import type { FeedStats, PodFeed } from '../../src/server/feed.ts';
import { seededRandom } from '../../src/sim/random.ts';
import { diffViews, podView } from '../../src/status/index.ts';
import type { ChangeType, Pod, PodChange, PodView } from '../../src/status/types.ts';
import { startServer } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

type Life = 'pending' | 'running' | 'crash' | 'error' | 'completed';
const lives: readonly Life[] = ['pending', 'running', 'crash', 'error', 'completed'];
const namespaces = ['default', 'prod', 'dev'];
const apps = ['api', 'web', 'db', 'batch'];
const tiers = [null, 'cache', 'front'];

interface PodState {
  uid: string;
  name: string;
  namespace: string;
  app: string;
  tier: string | null;
  life: Life;
  restarts: number;
  deleting: boolean;
}

const t0 = Date.UTC(2026, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A core/v1 Pod whose kubectl STATUS follows `life` (Terminating once deleting). */
function pod(s: PodState): Pod {
  const state =
    s.life === 'pending'
      ? { waiting: { reason: 'ContainerCreating' } }
      : s.life === 'running'
        ? { running: { startedAt: iso(t0) } }
        : s.life === 'crash'
          ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }
          : s.life === 'error'
            ? { terminated: { reason: 'Error', exitCode: 1, finishedAt: iso(t0 + 1000) } }
            : { terminated: { reason: 'Completed', exitCode: 0, finishedAt: iso(t0 + 1000) } };
  const labels: Record<string, string> = { app: s.app };
  if (s.tier !== null) labels['tier'] = s.tier;
  return {
    metadata: {
      name: s.name,
      namespace: s.namespace,
      uid: s.uid,
      creationTimestamp: iso(t0),
      deletionTimestamp: s.deleting ? iso(t0 + 5000) : null,
      labels,
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
    status: {
      phase: s.life === 'pending' ? 'Pending' : s.life === 'completed' ? 'Succeeded' : 'Running',
      podIP: s.life === 'pending' ? '' : '10.0.0.9',
      containerStatuses: [
        {
          name: 'app',
          ready: s.life === 'running',
          restartCount: s.restarts,
          state,
        },
      ],
    },
  };
}

/** The truth: pods by uid, their views, and the change stream a pipeline would emit. */
class TruthFeed implements PodFeed {
  readonly views = new Map<string, PodView>();
  readonly changes$ = new Subject<PodChange>();
  readonly state$ = new BehaviorSubject<SourceInfo>({ state: 'synced', since: 0, message: null });
  lastSeq = 0;
  stats(): FeedStats {
    return { events: this.lastSeq, recomputes: this.lastSeq, watchRestarts: 0 };
  }
  snapshot(): Iterable<PodView> {
    return this.views.values();
  }
  /** Emits what the pipeline would for this pod's new state; `deleted` ends its life. */
  set(s: PodState, deleted = false): void {
    const next = podView(pod(s));
    const before = this.views.get(s.uid);
    let type: ChangeType;
    let previous = {};
    if (before === undefined) {
      if (deleted) return;
      type = 'ADDED';
    } else {
      previous = diffViews(before, next) ?? {};
      if (!deleted && Object.keys(previous).length === 0) return;
      type = deleted ? 'DELETED' : 'MODIFIED';
    }
    if (deleted) this.views.delete(s.uid);
    else this.views.set(s.uid, next);
    this.changes$.next({ type, seq: ++this.lastSeq, time: t0, view: next, previous });
  }
}

function matcher(spec: FilterSpec): (v: PodView) => boolean {
  const f = compileFilter(spec);
  if (!f.ok) throw new Error(f.error.message);
  return (v) => filterMatches(f.value, v);
}

/** Differences between a subscription's pods and the filtered truth ('' when equal). */
function mismatch(sub: ClientSubscription, truth: Map<string, PodView>): string {
  if (!sub.live) return `${sub.id}: not live`;
  const want = [...truth.values()].filter(matcher(sub.filter));
  const problems: string[] = [];
  for (const v of want) {
    const got = sub.pods.get(v.uid);
    if (got === undefined) problems.push(`missing ${v.namespace}/${v.name} (${v.status})`);
    else if (JSON.stringify(got) !== JSON.stringify(v))
      problems.push(`stale ${v.namespace}/${v.name}: ${got.status} instead of ${v.status}`);
  }
  const wanted = new Set(want.map((v) => v.uid));
  for (const v of sub.pods.values())
    if (!wanted.has(v.uid)) problems.push(`extra ${v.namespace}/${v.name} (${v.status})`);
  return problems.length === 0
    ? ''
    : `${sub.id} ${JSON.stringify(sub.filter)}: ${problems.join('; ')}`;
}

/** Resolves once `cond()` returns '' (checked as events arrive and every few ms), else rejects. */
async function until(cond: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = cond();
    if (why === '') return;
    if (Date.now() > deadline) throw new Error(`did not converge:\n${why}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('convergence', () => {
  it.each([1, 2, 3])(
    'seed %i: every subscription ends equal to its filter over the truth',
    async (seed) => {
      const random = seededRandom(seed);
      const pick = <T>(list: readonly T[]): T => {
        const x = list[Math.floor(random() * list.length)];
        if (x === undefined) throw new Error('empty list');
        return x;
      };
      const feed = new TruthFeed();
      const { server, base } = await startServer(feed, {
        replayDepth: 60, // long disconnects expire: reset + snapshot
        outboxSoftBytes: 8 * 1024, // clients lag now and then: coalescing
        snapshotChunk: 7,
      });
      cleanup.push(() => server.close());

      const clients: PodpulseClient[] = [];
      const subs: ClientSubscription[] = [];
      const filters: FilterSpec[][] = [
        [{}, { namespaces: ['prod'] }, { status: ['Running'] }],
        [
          { labelSelector: 'app in (api,web)' },
          { status: ['CrashLoopBackOff', 'Error'] },
          { namespaces: ['prod', 'dev'], labelSelector: 'tier!=cache', status: ['Running'] },
        ],
        [
          { namespaces: ['default'], status: ['Running', 'Terminating'] },
          { labelSelector: '!tier' },
        ],
      ];
      for (const list of filters) {
        const c = new PodpulseClient({
          url: base,
          reconnect: { initialDelayMs: 2, maxDelayMs: 20 },
          random,
          pingIntervalMs: 0,
        });
        cleanup.push(() => {
          c.close();
        });
        clients.push(c);
        for (const f of list) subs.push(c.subscribe(f));
      }
      // One subscription is replaced under the same id with another filter now and then.
      const swapFilters: FilterSpec[] = [{ status: ['Running'] }, { namespaces: ['dev'] }];
      const swapper = clients[2];
      if (swapper === undefined) throw new Error('no client');
      let swap = swapper.subscribe(swapFilters[0], 'swap');

      const live = new Map<string, PodState>();
      let created = 0;
      let forcedDeletes = 0;
      let disconnects = 0;
      for (let step = 0; step < 800; step++) {
        const r = random();
        const existing = [...live.values()];
        if (existing.length < 8 || r < 0.2) {
          const s: PodState = {
            uid: `uid-${seed}-${created}`,
            name: `${pick(apps)}-${created++}`,
            namespace: pick(namespaces),
            app: pick(apps),
            tier: pick(tiers),
            life: pick(lives),
            restarts: 0,
            deleting: false,
          };
          live.set(s.uid, s);
          feed.set(s);
        } else {
          const s = pick(existing);
          if (r < 0.55) {
            s.life = pick(lives);
            if (s.life === 'crash' || s.life === 'error') s.restarts++;
            feed.set(s);
          } else if (r < 0.65) {
            s.app = pick(apps);
            s.tier = pick(tiers);
            feed.set(s);
          } else if (r < 0.75) {
            // Graceful: Terminating first, gone later.
            if (!s.deleting) {
              s.deleting = true;
              feed.set(s);
            } else {
              live.delete(s.uid);
              feed.set(s, true);
            }
          } else if (r < 0.85) {
            // kubectl delete --force --grace-period=0: the last view is already Terminating.
            s.deleting = true;
            live.delete(s.uid);
            forcedDeletes++;
            feed.set(s, true);
          } else if (r < 0.9) {
            s.life = 'running';
            feed.set(s);
          } else if (r < 0.95) {
            const conns = [...server.hub.connections];
            if (conns.length > 0) {
              pick(conns).close(1012, 'test: forced disconnect');
              disconnects++;
            }
          } else {
            swap.unsubscribe();
            swap = swapper.subscribe(pick(swapFilters), 'swap');
          }
        }
        // Let sockets move between bursts, as a real watch would.
        if (step % 9 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(forcedDeletes).toBeGreaterThan(10);
      expect(disconnects).toBeGreaterThan(5);
      await until(() => {
        for (const c of clients) if (c.state !== 'open') return `a client is ${c.state}`;
        return [...subs, swap]
          .map((s) => mismatch(s, feed.views))
          .filter((m) => m !== '')
          .join('\n');
      }, 15_000);
    },
  );
});
