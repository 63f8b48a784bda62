import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { acquirePodInformer } from '../../src/kube/pod-informer.ts';

const logger = pino({ level: 'silent' });

function kubeConfig(user: string): KubeConfig {
  const kc = new KubeConfig();
  // Nothing listens on port 1: the informers just back off until released.
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: user }],
    contexts: [{ name: 'x', cluster: 'c', user }],
    currentContext: 'x',
  });
  return kc;
}

describe('acquirePodInformer', () => {
  it('shares one informer per cluster, user and scope, and closes it with its last user', () => {
    const a = acquirePodInformer({ kubeConfig: kubeConfig('u'), logger, namespaces: ['b', 'a'] });
    const b = acquirePodInformer({
      kubeConfig: kubeConfig('u'),
      logger,
      namespaces: ['a', 'b', 'a'],
    });
    const otherScope = acquirePodInformer({
      kubeConfig: kubeConfig('u'),
      logger,
      labelSelector: 'app=web',
    });
    const otherUser = acquirePodInformer({
      kubeConfig: kubeConfig('v'),
      logger,
      namespaces: ['a', 'b'],
    });
    expect(b.informer).toBe(a.informer);
    expect(otherScope.informer).not.toBe(a.informer);
    expect(otherUser.informer).not.toBe(a.informer);

    a.release();
    a.release(); // idempotent: does not drop b's reference
    const c = acquirePodInformer({ kubeConfig: kubeConfig('u'), logger, namespaces: ['a', 'b'] });
    expect(c.informer).toBe(b.informer);
    b.release();
    c.release();
    const d = acquirePodInformer({ kubeConfig: kubeConfig('u'), logger, namespaces: ['a', 'b'] });
    expect(d.informer).not.toBe(a.informer);
    for (const lease of [d, otherScope, otherUser]) lease.release();
  });

  it('shares only between callers asking for the same knobs (absent, {} and the defaults alike)', () => {
    const plain = acquirePodInformer({ kubeConfig: kubeConfig('u'), logger });
    const empty = acquirePodInformer({ kubeConfig: kubeConfig('u'), logger, knobs: {} });
    const spelled = acquirePodInformer({
      kubeConfig: kubeConfig('u'),
      logger,
      knobs: { pageSize: 500, staleAfterMs: 120_000 },
    });
    const tuned = acquirePodInformer({
      kubeConfig: kubeConfig('u'),
      logger,
      knobs: { staleAfterMs: 5000 },
    });
    expect(empty.informer).toBe(plain.informer);
    expect(spelled.informer).toBe(plain.informer);
    expect(tuned.informer).not.toBe(plain.informer);
    for (const lease of [plain, empty, spelled, tuned]) lease.release();
  });
});
