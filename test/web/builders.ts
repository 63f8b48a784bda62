import type { ContainerView, PodChange, PodView } from '../../src/status/types.ts';

/** A PodView with only what a case is about stated. */
export function view(over: Partial<PodView> & { name: string }): PodView {
  return {
    uid: `uid-${over.namespace ?? 'default'}-${over.name}`,
    namespace: 'default',
    phase: 'Running',
    ready: '1/1',
    status: 'Running',
    restarts: 0,
    lastRestartAt: null,
    createdAt: 0,
    deletedAt: null,
    ip: null,
    node: null,
    nominatedNode: null,
    readinessGates: null,
    owner: null,
    labels: {},
    containers: [],
    ...over,
  };
}

export function container(over: Partial<ContainerView> & { name: string }): ContainerView {
  return {
    kind: 'regular',
    state: 'running',
    reason: null,
    message: null,
    exitCode: null,
    signal: null,
    ready: true,
    restartCount: 0,
    startedAt: null,
    lastTerminatedAt: null,
    lastReason: null,
    lastExitCode: null,
    ...over,
  };
}

let seq = 0;
export function change(
  type: PodChange['type'],
  v: PodView,
  previous: PodChange['previous'] = {},
): PodChange {
  seq++;
  return { type, seq, time: 1_000 * seq, view: v, previous };
}
