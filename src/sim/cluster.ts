/**
 * The cluster's fixed furniture: system namespaces and simulated nodes with the conditions,
 * addresses and node info `kubectl get nodes -o wide` prints; and the node-health switch the
 * NotReady/NodeLost scenarios use.
 */
import { rfc3339 } from './clock.ts';
import type { KubeObject } from './object-store.ts';
import type { SimStore } from './store.ts';

export function nodeName(i: number): string {
  return `sim-node-${i + 1}`;
}

function nodeConditions(ready: boolean, at: string): Record<string, unknown>[] {
  const c = (
    type: string,
    status: string,
    reason: string,
    message: string,
  ): Record<string, unknown> => ({
    type,
    status,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
    reason,
    message,
  });
  if (!ready) {
    const unknown = (type: string): Record<string, unknown> =>
      c(type, 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.');
    return [
      unknown('MemoryPressure'),
      unknown('DiskPressure'),
      unknown('PIDPressure'),
      unknown('Ready'),
    ];
  }
  return [
    c(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** Creates the system namespaces and `nodes` Ready nodes (idempotent for existing ones). */
export function seedCluster(
  store: SimStore,
  nodes: number,
  namespaces: readonly string[] = [],
): void {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...namespaces]) {
    if (store.find('namespaces', undefined, ns) === undefined) {
      store.create('namespaces', {
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
      });
    }
  }
  const at = rfc3339(store.now());
  for (let i = 0; i < nodes; i++) {
    const name = nodeName(i);
    if (store.find('nodes', undefined, name) !== undefined) continue;
    const labels: Record<string, string> = {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'topology.kubernetes.io/zone': `sim-zone-${String.fromCharCode(97 + (i % 3))}`,
    };
    if (i === 0) labels['node-role.kubernetes.io/control-plane'] = '';
    store.create('nodes', {
      metadata: { name, labels },
      spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
      status: {
        conditions: nodeConditions(true, at),
        addresses: [
          { type: 'InternalIP', address: `172.18.0.${i + 2}` },
          { type: 'Hostname', address: name },
        ],
        capacity: {
          cpu: '8',
          memory: '32863204Ki',
          pods: '110',
          'ephemeral-storage': '102626232Ki',
        },
        allocatable: {
          cpu: '8',
          memory: '32760804Ki',
          pods: '110',
          'ephemeral-storage': '102626232Ki',
        },
        nodeInfo: {
          machineID: `sim${String(i).padStart(29, '0')}`,
          systemUUID: `sim-${i}`,
          bootID: `sim-boot-${i}`,
          kernelVersion: '6.8.0-sim',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: 'v1.32.0',
          kubeProxyVersion: 'v1.32.0',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    });
  }
}

/** Whether a node object's Ready condition is True. */
export function isNodeReady(node: KubeObject): boolean {
  const status = (node.status ?? {}) as { conditions?: { type?: string; status?: string }[] };
  return (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Flips a node's conditions to Ready (kubelet posting) or Unknown (kubelet stopped posting). */
export function setNodeReady(store: SimStore, name: string, ready: boolean): KubeObject {
  const at = rfc3339(store.now());
  return store.mutate('nodes', undefined, name, (cur) => ({
    ...cur,
    spec: ready
      ? { ...(cur.spec as object), taints: undefined }
      : {
          ...(cur.spec as object),
          taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at }],
        },
    status: { ...(cur.status as object), conditions: nodeConditions(ready, at) },
  }));
}
