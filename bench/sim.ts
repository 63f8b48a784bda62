/**
 * The simulated cluster in its own process, in scale mode (static pods, no kubelet), with the
 * benchmark's paced writer: `drive` writes `rate` events/s for `seconds`, `statusShare` of them
 * status changes that carry the write time (`t=<epoch ms>` in the first container's waiting
 * message, so the view changes and a subscriber can read the stamp from the frame) and the rest
 * annotation-only noise. The stamp is taken immediately before the store write.
 */
import { startSim, type SimCluster } from '../src/sim/index.ts';
import { procConfig, serveProc, wallMs } from './lib/proc.ts';
import { rng } from './lib/workload.ts';

const cfg = procConfig() as { pods: number; seed: number };
let sim: SimCluster | null = null;

const init = (async () => {
  sim = await startSim({ scenario: 'scale', pods: cfg.pods, seed: cfg.seed, kubelet: false });
  return { url: sim.url, kubeconfig: sim.kubeconfig() };
})();

interface Stored {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  status?: { containerStatuses?: Record<string, unknown>[] };
}

serveProc(
  init,
  {
    drive: async (arg: { rate: number; seconds: number; statusShare: number }) => {
      const s = sim;
      if (!s) throw new Error('sim not started');
      const pods = s.store.pods().map((p) => [p.metadata.namespace ?? '', p.metadata.name ?? '']);
      const r = rng(cfg.seed);
      const tickMs = 5;
      const end = wallMs() + arg.seconds * 1000;
      let written = 0;
      let status = 0;
      let tick = 0;
      const t0 = wallMs();
      while (wallMs() < end) {
        const due = Math.floor(((wallMs() - t0) / 1000) * arg.rate);
        for (; written < due; written++) {
          const [ns, name] = pods[Math.floor(r() * pods.length)] as [string, string];
          const isStatus = r() < arg.statusShare;
          if (isStatus) status++;
          tick++;
          s.store.mutate('pods', ns, name, (cur) => {
            const c = cur as unknown as Stored;
            if (!isStatus) {
              return {
                ...cur,
                metadata: {
                  ...cur.metadata,
                  annotations: {
                    ...c.metadata.annotations,
                    'bench.podpulse.dev/tick': String(tick),
                  },
                },
              };
            }
            const cs = c.status?.containerStatuses ?? [{ name: 'app' }];
            const first = {
              ...cs[0],
              ready: false,
              state: { waiting: { reason: 'CrashLoopBackOff', message: `t=${wallMs()}` } },
            };
            return {
              ...cur,
              status: { ...(cur.status as object), containerStatuses: [first, ...cs.slice(1)] },
            };
          });
        }
        await new Promise((res) => setTimeout(res, tickMs));
      }
      return { written, status, seconds: (wallMs() - t0) / 1000 };
    },
  },
  async () => {
    await sim?.close();
  },
);
