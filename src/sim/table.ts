/**
 * Server-side printing: `meta.k8s.io/v1` Table responses, as kubectl asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Pod rows come from podpulse's status
 * engine (podView → podRow), so `kubectl get pods` against the simulator shows READY, STATUS and
 * RESTARTS as against a real server; the other kinds follow the upstream printers' columns.
 */
import { translateTimestampSince } from '../status/human-duration.ts';
import { parseInstant } from '../status/instant.ts';
import { podRow } from '../status/pod-row.ts';
import { podView } from '../status/pod-view.ts';
import type { KubeObject } from './object-store.ts';
import type { ResourceName } from './resources.ts';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: (string | number)[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

const col = (
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});

const nameCol = col(
  'Name',
  'string',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'name',
);
const ageCol = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

const columns: Partial<Record<ResourceName, ColumnDefinition[]>> = {
  pods: [
    nameCol,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageCol,
    col(
      'IP',
      'string',
      'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    col(
      'Node',
      'string',
      'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.',
      1,
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  nodes: [
    nameCol,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col(
      'Internal-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'External-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      'string',
      'Kernel Version reported by the node from `uname -r` (e.g. 3.16.0-0.bpo.4-amd64).',
      1,
    ),
    col(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  namespaces: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
  leases: [nameCol, col('Holder', 'string', 'The holder of the lease'), ageCol],
};

/** Whether the simulator can print `resource` as a Table. */
export function hasTable(resource: ResourceName): boolean {
  return columns[resource] !== undefined;
}

function age(obj: KubeObject, now: number): string {
  return translateTimestampSince(parseInstant(obj.metadata.creationTimestamp), now);
}

type Dict = Record<string, unknown>;
const asDict = (v: unknown): Dict => (typeof v === 'object' && v !== null ? (v as Dict) : {});

function nodeCells(obj: KubeObject, now: number): (string | number)[] {
  const status = asDict(obj.status);
  const spec = asDict(obj.spec);
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Dict[]) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const states: string[] = [
    ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady',
  ];
  if (spec.unschedulable === true) states.push('SchedulingDisabled');
  const labels = obj.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  const info = asDict(status.nodeInfo);
  const addresses = Array.isArray(status.addresses) ? (status.addresses as Dict[]) : [];
  const addr = (type: string): string => {
    const a = addresses.find((x) => x.type === type);
    return typeof a?.address === 'string' ? a.address : '<none>';
  };
  const str = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : '<unknown>');
  return [
    obj.metadata.name ?? '',
    states.join(','),
    roles.length > 0 ? roles.join(',') : '<none>',
    age(obj, now),
    str(info.kubeletVersion),
    addr('InternalIP'),
    addr('ExternalIP'),
    str(info.osImage),
    str(info.kernelVersion),
    str(info.containerRuntimeVersion),
  ];
}

/** The cells of one object's row, in `columnsFor` order. */
export function rowCells(
  resource: ResourceName,
  obj: KubeObject,
  now: number,
): (string | number)[] {
  switch (resource) {
    case 'pods': {
      const r = podRow(podView(obj), now);
      return [
        r.name,
        r.ready,
        r.status,
        r.restarts,
        r.age,
        r.ip,
        r.node,
        r.nominatedNode,
        r.readinessGates,
      ];
    }
    case 'nodes':
      return nodeCells(obj, now);
    case 'namespaces': {
      const phase = asDict(obj.status).phase;
      return [obj.metadata.name ?? '', typeof phase === 'string' ? phase : '', age(obj, now)];
    }
    case 'leases': {
      const holder = asDict(obj.spec).holderIdentity;
      return [obj.metadata.name ?? '', typeof holder === 'string' ? holder : '', age(obj, now)];
    }
    case 'events':
      return [obj.metadata.name ?? '', age(obj, now)];
  }
}

function rowObject(obj: KubeObject, include: IncludeObject, tableApiVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: tableApiVersion, metadata };
}

/**
 * A Table of `objects`. `withColumns` false omits the column definitions (watch events after the
 * first, as the real server sends them).
 */
export function toTable(
  resource: ResourceName,
  objects: readonly KubeObject[],
  opts: {
    now: number;
    include: IncludeObject;
    apiVersion: string;
    withColumns: boolean;
    metadata: Table['metadata'];
  },
): Table {
  const defs = columns[resource] ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: opts.metadata,
    columnDefinitions: opts.withColumns ? defs : [],
    rows: objects.map((obj) => {
      const row: TableRow = { cells: rowCells(resource, obj, opts.now) };
      if (resource === 'pods') {
        const phase = asDict(obj.status).phase;
        if (phase === 'Succeeded' || phase === 'Failed') {
          row.conditions = [
            phase === 'Succeeded'
              ? {
                  type: 'Completed',
                  status: 'True',
                  reason: 'Succeeded',
                  message: 'The pod has completed successfully.',
                }
              : { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
          ];
        }
      }
      const o = rowObject(obj, opts.include, opts.apiVersion);
      if (o !== undefined) row.object = o;
      return row;
    }),
  };
}
