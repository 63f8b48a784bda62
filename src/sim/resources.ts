/**
 * The resources the simulated API server serves, as data: discovery, routing and the store all
 * read this one table.
 */

export type ResourceName = 'pods' | 'namespaces' | 'nodes' | 'leases' | 'events';

export interface ResourceDef {
  readonly name: ResourceName;
  readonly singular: string;
  /** '' for the core group. */
  readonly group: string;
  readonly version: 'v1';
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly verbs: readonly string[];
  readonly categories: readonly string[];
  readonly statusSubresource: boolean;
}

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resourceDefs: Readonly<Record<ResourceName, ResourceDef>> = {
  pods: {
    name: 'pods',
    singular: 'pod',
    group: '',
    version: 'v1',
    kind: 'Pod',
    listKind: 'PodList',
    namespaced: true,
    shortNames: ['po'],
    verbs: crud,
    categories: ['all'],
    statusSubresource: true,
  },
  namespaces: {
    name: 'namespaces',
    singular: 'namespace',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    categories: [],
    statusSubresource: true,
  },
  nodes: {
    name: 'nodes',
    singular: 'node',
    group: '',
    version: 'v1',
    kind: 'Node',
    listKind: 'NodeList',
    namespaced: false,
    shortNames: ['no'],
    verbs: crud,
    categories: [],
    statusSubresource: true,
  },
  events: {
    name: 'events',
    singular: 'event',
    group: '',
    version: 'v1',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    shortNames: ['ev'],
    verbs: crud,
    categories: [],
    statusSubresource: false,
  },
  leases: {
    name: 'leases',
    singular: 'lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    listKind: 'LeaseList',
    namespaced: true,
    shortNames: [],
    verbs: crud,
    categories: [],
    statusSubresource: false,
  },
};

export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** Finds the resource served at `group`/`version` under the plural `name`. */
export function findResource(
  group: string,
  version: string,
  name: string,
): ResourceDef | undefined {
  const def = (resourceDefs as Record<string, ResourceDef | undefined>)[name];
  if (def === undefined || def.group !== group || def.version !== version) return undefined;
  return def;
}
