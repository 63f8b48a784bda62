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

const containerFields = [
  'name',
  'kind',
  'state',
  'reason',
  'message',
  'exitCode',
  'signal',
  'ready',
  'restartCount',
  'startedAt',
  'lastTerminatedAt',
  'lastReason',
  'lastExitCode',
] as const satisfies readonly (keyof ContainerView)[];

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

function sameContainers(a: readonly ContainerView[], b: readonly ContainerView[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as ContainerView;
    const y = b[i] as ContainerView;
    if (x === y) continue;
    for (const f of containerFields) if (x[f] !== y[f]) return false;
  }
  return true;
}

/**
 * The fields of `next` that differ from `prev`, each with its value in `prev`; null when the views
 * are equal. Scalars compare with ===; `owner`, `labels` and `containers` structurally (label key
 * order is ignored, container order is not). `uid` is identity, never a change. The previous
 * values are `prev`'s own objects, shared, not copied: treat both views as immutable.
 */
export function diffViews(prev: PodView, next: PodView): ChangedFields | null {
  let changed: ChangedFields | null = null;
  for (const f of scalarFields) {
    if (prev[f] !== next[f]) {
      changed ??= {};
      (changed as Record<string, unknown>)[f] = prev[f];
    }
  }
  if (!sameOwner(prev.owner, next.owner)) (changed ??= {}).owner = prev.owner;
  if (!sameLabels(prev.labels, next.labels)) (changed ??= {}).labels = prev.labels;
  if (!sameContainers(prev.containers, next.containers))
    (changed ??= {}).containers = prev.containers;
  return changed;
}
