/**
 * A cheap fingerprint of a pod's status inputs: everything `podView` reads except labels (which
 * are compared on their own, so a label edit updates the view without a status recompute). The
 * resourceVersion is not an input: annotation and managedFields churn bump it without touching
 * status, so it would make every such update look like a change.
 */
import type { Pod } from '../status/types.ts';

/**
 * A 53-bit hash (cyrb53) of the status-relevant fields of a slim pod. Equal inputs give equal
 * fingerprints; different inputs collide with probability about 2^-53 per comparison.
 */
export function statusFingerprint(pod: Pod): number {
  const m = pod.metadata;
  const text = JSON.stringify([
    m?.uid,
    m?.name,
    m?.namespace,
    m?.creationTimestamp,
    m?.deletionTimestamp,
    m?.ownerReferences,
    pod.spec,
    pod.status,
  ]);
  return cyrb53(text);
}

/** cyrb53 by bryc (public domain): fast, well-mixed, 53 bits. */
function cyrb53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
