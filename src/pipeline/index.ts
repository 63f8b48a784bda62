/**
 * pipeline/ — RxJS: the shared informer's pod events → one view per pod → `changes$`, emitted
 * only when a view really changes. `createPodSource` is what `serve` builds; the server and
 * alerts consume the `PodSource` interface.
 */
import type { Logger } from 'pino';
import { acquirePodInformer, type KubeConfig, type ReflectorKnobs } from '../kube/index.ts';
import { createPodSourceFrom, type PodSource } from './pod-source.ts';

export {
  createPodSourceFrom,
  informerSignals$,
  type InformerSignal,
  type PipelineStats,
  type PodEventSource,
  type PodSource,
  type PodSourceOptions,
  type SourceState,
} from './pod-source.ts';
export { sameStatusInputs } from './status-inputs.ts';

export interface CreatePodSourceOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespaces to watch (one list+watch each); empty or absent: all namespaces. */
  readonly namespaces?: readonly string[];
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
  /** Informer knobs (docs/informer.md): pageSize, watchTimeoutSeconds, backoff, staleAfterMs, … */
  readonly knobs?: Partial<ReflectorKnobs>;
}

/**
 * Watches pods with the shared informer for this cluster, scope and knobs (created on first use,
 * closed with its last user; `clock` and `random` are the creator's, see `acquirePodInformer`)
 * and runs the change pipeline over it. Never throws for API trouble: the
 * informer retries forever and `state$` reports it.
 */
export function createPodSource(opts: CreatePodSourceOptions): PodSource {
  const lease = acquirePodInformer({
    kubeConfig: opts.kubeConfig,
    logger: opts.logger,
    ...(opts.namespaces ? { namespaces: opts.namespaces } : {}),
    ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.knobs ? { knobs: opts.knobs } : {}),
  });
  const { informer } = lease;
  return createPodSourceFrom(
    {
      addListener: (l) => informer.addListener(l),
      stats: informer.stats,
      release: () => {
        lease.release();
      },
    },
    { logger: opts.logger, ...(opts.clock ? { clock: opts.clock } : {}) },
  );
}
