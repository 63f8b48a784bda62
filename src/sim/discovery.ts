/**
 * Discovery documents (`/version`, `/api`, `/api/v1`, `/apis`, `/apis/{group}[/{version}]`) in
 * the legacy (unaggregated) format: kubectl falls back to it when the server answers plain
 * `application/json` to its aggregated-discovery Accept header.
 */
import { resourceDefs, type ResourceDef } from './resources.ts';

/** Groups served besides the core group, with the virtual review resources they hold. */
const extraGroups: Record<
  string,
  { name: string; kind: string; namespaced: boolean; verbs: string[] }[]
> = {
  'coordination.k8s.io': [],
  'authentication.k8s.io': [
    { name: 'tokenreviews', kind: 'TokenReview', namespaced: false, verbs: ['create'] },
    { name: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] },
  ],
  'authorization.k8s.io': [
    {
      name: 'subjectaccessreviews',
      kind: 'SubjectAccessReview',
      namespaced: false,
      verbs: ['create'],
    },
    {
      name: 'selfsubjectaccessreviews',
      kind: 'SelfSubjectAccessReview',
      namespaced: false,
      verbs: ['create'],
    },
  ],
};

export const servedGroups: readonly string[] = Object.keys(extraGroups);

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-podpulse-sim',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string): unknown {
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups.map(groupEntry) };
}

/** The APIGroup document for `group`, or undefined when it is not served. */
export function apiGroup(group: string): unknown {
  if (!servedGroups.includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(group) as object) };
}

function resourceEntry(def: ResourceDef): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: def.name,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
  };
  if (def.shortNames.length > 0) main.shortNames = def.shortNames;
  if (def.categories.length > 0) main.categories = def.categories;
  const out = [main];
  if (def.statusSubresource) {
    out.push({
      name: `${def.name}/status`,
      singularName: '',
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (def.name === 'pods') {
    out.push(
      {
        name: 'pods/binding',
        singularName: '',
        namespaced: true,
        kind: 'Binding',
        verbs: ['create'],
      },
      {
        name: 'pods/eviction',
        singularName: '',
        namespaced: true,
        group: 'policy',
        version: 'v1',
        kind: 'Eviction',
        verbs: ['create'],
      },
      { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    );
  }
  return out;
}

/** The APIResourceList for `group`/`version` ('' is core), or undefined when not served. */
export function apiResourceList(group: string, version: string): unknown {
  if (version !== 'v1' || (group !== '' && !servedGroups.includes(group))) return undefined;
  const resources = Object.values(resourceDefs)
    .filter((d) => d.group === group)
    .flatMap(resourceEntry);
  for (const r of extraGroups[group] ?? [])
    resources.push({ ...r, singularName: r.name.replace(/s$/, '') });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? 'v1' : `${group}/v1`,
    resources,
  };
}

/**
 * `/openapi/v3`: the index of per-group-version documents. kubectl reads it to learn that the
 * server validates fields itself (`fieldValidation` on PATCH), and then skips client-side schema
 * validation, which would need the full schemas this simulator does not serve.
 */
export function openApiV3Index(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {
    'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=sim1' },
  };
  for (const g of servedGroups)
    paths[`apis/${g}/v1`] = { serverRelativeURL: `/openapi/v3/apis/${g}/v1?hash=sim1` };
  return { paths };
}

/** A minimal OpenAPI v3 document for one group-version: item paths with PATCH operations. */
export function openApiV3Doc(group: string, version: string): unknown {
  if (version !== 'v1' || (group !== '' && !servedGroups.includes(group))) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of Object.values(resourceDefs).filter((d) => d.group === group)) {
    const prefix = group === '' ? '/api/v1' : `/apis/${group}/v1`;
    const path = def.namespaced
      ? `${prefix}/namespaces/{namespace}/${def.name}/{name}`
      : `${prefix}/${def.name}/{name}`;
    const gvk = { group, version: 'v1', kind: def.kind };
    const params = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
      name,
      in: 'query',
      schema: { type: 'string', uniqueItems: true },
    }));
    const op = (verb: string): unknown => ({
      operationId: `${verb}${def.kind}`,
      parameters: params,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[path] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (podpulse sim)', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
