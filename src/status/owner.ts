/**
 * The workload that owns a pod, as a person would name it.
 */
import type { Owner, Pod } from './types.ts';

/**
 * The pod's controller (the ownerReference with `controller: true`), or null when it has none.
 * A ReplicaSet named `<deployment>-<hash>` whose pod carries the label `pod-template-hash: <hash>`
 * is reported as `Deployment <deployment>`: the Deployment controller names its ReplicaSets that
 * way, so no ReplicaSet lookup is needed. Never throws on missing or malformed fields.
 */
export function podOwner(pod: Pod): Owner | null {
  const refs = pod.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return null;
  for (const ref of refs) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- input is unchecked JSON
    if (ref === null || typeof ref !== 'object' || ref.controller !== true) continue;
    const kind = typeof ref.kind === 'string' ? ref.kind : '';
    const name = typeof ref.name === 'string' ? ref.name : '';
    if (kind === 'ReplicaSet') {
      const hash = pod.metadata?.labels?.['pod-template-hash'];
      if (typeof hash === 'string' && hash !== '' && name.endsWith(`-${hash}`)) {
        const deployment = name.slice(0, name.length - hash.length - 1);
        if (deployment !== '') return { kind: 'Deployment', name: deployment };
      }
    }
    return { kind, name };
  }
  return null;
}
