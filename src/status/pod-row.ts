/**
 * PodView → PodRow: the view rendered at an instant, as `kubectl get pods -o wide` prints it.
 */
import { translateTimestampSince } from './human-duration.ts';
import type { PodRow, PodView } from './types.ts';

const none = '<none>';

/**
 * Renders `view` at `now` (epoch ms). RESTARTS is `"5"` or, when a counted container has a last
 * termination time, `"5 (10s ago)"`; AGE is `<unknown>` without a creationTimestamp; absent IP,
 * NODE, NOMINATED NODE and READINESS GATES are `<none>`. Keys are always in the documented order
 * (the `podpulse status -o json` contract). Pure; never throws.
 */
export function podRow(view: PodView, now: number): PodRow {
  const restarts =
    view.restarts !== 0 && view.lastRestartAt !== null
      ? `${view.restarts} (${translateTimestampSince(view.lastRestartAt, now)} ago)`
      : String(view.restarts);
  return {
    namespace: view.namespace,
    name: view.name,
    ready: view.ready,
    status: view.status,
    restarts,
    age: translateTimestampSince(view.createdAt, now),
    ip: view.ip ?? none,
    node: view.node ?? none,
    nominatedNode: view.nominatedNode ?? none,
    readinessGates: view.readinessGates ?? none,
  };
}
