/**
 * diffViews: which fields of a pod's view changed, with their previous values. Pure; allocates
 * nothing when the views are equal.
 */
import type { ChangedFields, ContainerView, Owner, PodView } from './types.ts';

const scalarFields = [
  'namespace',
  'name',
  'phase',
  'ready',
  'status',
  'restarts',
  'lastRestartAt',
  'createdAt',
  'deletedAt',
  'ip',
  'node',
  'nominatedNode',
  'readinessGates',
] as const satisfies readonly (keyof PodView)[];

function sameOwner(a: Owner | null, b: Owner | null): boolean {
  if (a === b) return true;
  return a !== null && b !== null && a.kind === b.kind && a.name === b.name;
}

/** Same keys with the same values; key order does not matter. */
export function sameLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k] || !Object.hasOwn(b, k)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * Every field of a ContainerView, spelled out (direct loads, no keyed load per field); a test
 * changes each key of a view's container and expects a diff.
 */
function sameContainer(x: ContainerView, y: ContainerView): boolean {
  return (
    x.name === y.name &&
    x.kind === y.kind &&
    x.state === y.state &&
    x.reason === y.reason &&
    x.message === y.message &&
    x.exitCode === y.exitCode &&
    x.signal === y.signal &&
    x.ready === y.ready &&
    x.restartCount === y.restartCount &&
    x.startedAt === y.startedAt &&
    x.lastTerminatedAt === y.lastTerminatedAt &&
    x.lastReason === y.lastReason &&
    x.lastExitCode === y.lastExitCode
  );
}

function sameContainers(a: readonly ContainerView[], b: readonly ContainerView[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ContainerView;
    const y = b[i] as ContainerView;
    if (x !== y && !sameContainer(x, y)) return false;
  }
  return true;
}

/** Whether every field of `scalarFields` is equal, spelled out: the fast answer for equal views. */
function sameScalars(prev: PodView, next: PodView): boolean {
  return (
    prev.namespace === next.namespace &&
    prev.name === next.name &&
    prev.phase === next.phase &&
    prev.ready === next.ready &&
    prev.status === next.status &&
    prev.restarts === next.restarts &&
    prev.lastRestartAt === next.lastRestartAt &&
    prev.createdAt === next.createdAt &&
    prev.deletedAt === next.deletedAt &&
    prev.ip === next.ip &&
    prev.node === next.node &&
    prev.nominatedNode === next.nominatedNode &&
    prev.readinessGates === next.readinessGates
  );
}

/**
 * The fields of `next` that differ from `prev`, each with its value in `prev`; null when the views
 * are equal. Scalars compare with ===; `owner`, `labels` and `containers` structurally (label key
 * order is ignored, container order is not). `uid` is identity, never a change. The previous
 * values are `prev`'s own objects, shared, not copied: treat both views as immutable.
 */
export function diffViews(prev: PodView, next: PodView): ChangedFields | null {
  let changed: ChangedFields | null = null;
  if (!sameScalars(prev, next)) {
    // Collected in scalarFields order, so `previous` keeps its key order.
    for (const f of scalarFields) {
      if (prev[f] !== next[f]) {
        changed ??= {};
        (changed as Record<string, unknown>)[f] = prev[f];
      }
    }
  }
  if (!sameOwner(prev.owner, next.owner)) (changed ??= {}).owner = prev.owner;
  if (!sameLabels(prev.labels, next.labels)) (changed ??= {}).labels = prev.labels;
  if (!sameContainers(prev.containers, next.containers))
    (changed ??= {}).containers = prev.containers;
  return changed;
}
