/**
 * Workload summaries (`api (Deployment) 3/4 Running, 1 CrashLoopBackOff`) and status count
 * ordering: pure, DOM-free.
 */
import type { WorkloadGroup } from './pod-store.ts';
import { statusClass, type StatusClass } from './status-class.ts';

const classRank: Record<StatusClass, number> = {
  failing: 0,
  unknown: 1,
  terminating: 2,
  progressing: 3,
  healthy: 4,
};

/** The workload's display name: `api (Deployment)`, or `(no controller)`. */
export function workloadName(g: WorkloadGroup): string {
  return g.owner === null ? '(no controller)' : `${g.owner.name} (${g.owner.kind})`;
}

/**
 * STATUS counts, worst first (failing, unknown, terminating, progressing, healthy), then by
 * count descending, then by name: what needs attention comes first.
 */
export function orderedCounts(byStatus: ReadonlyMap<string, number>): [string, number][] {
  return [...byStatus].sort(
    ([a, na], [b, nb]) =>
      classRank[statusClass(a)] - classRank[statusClass(b)] || nb - na || (a < b ? -1 : 1),
  );
}

/**
 * `3/4 Running, 1 CrashLoopBackOff`: Running first as a fraction of the total (the number people
 * look for), then the other statuses, worst first. Deliberately Running, not Completed: a Job
 * shows `0/3 Running, 3 Completed`.
 */
export function workloadSummary(g: WorkloadGroup): string {
  const running = g.byStatus.get('Running') ?? 0;
  const parts = [`${running}/${g.total} Running`];
  for (const [status, n] of orderedCounts(g.byStatus)) {
    if (status !== 'Running') parts.push(`${n} ${status}`);
  }
  return parts.join(', ');
}

/** The worst class among a group's pods, for colouring its summary. */
export function workloadClass(g: WorkloadGroup): StatusClass {
  let worst: StatusClass = 'healthy';
  for (const status of g.byStatus.keys()) {
    const c = statusClass(status);
    if (classRank[c] < classRank[worst]) worst = c;
  }
  return worst;
}

/** Groups worst first, then by namespace and workload name. */
export function orderedWorkloads(groups: Iterable<WorkloadGroup>): WorkloadGroup[] {
  const withClass = [...groups].map((g) => ({ g, rank: classRank[workloadClass(g)] }));
  withClass.sort((x, y) => x.rank - y.rank || (x.g.key < y.g.key ? -1 : 1));
  return withClass.map((x) => x.g);
}
