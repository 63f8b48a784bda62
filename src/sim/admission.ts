/**
 * What the API server does to an object before storing it: defaulting (as the real registry
 * and defaulters do for the fields kubectl shows) and validation (names, labels, containers,
 * immutable pod spec). Pure: time and randomness are passed in.
 */
import { labelKeyProblem, labelValueProblem } from '../protocol/label-selector.ts';
import { invalid, StatusError } from './api-status.ts';
import type { KubeMeta, KubeObject } from './object-store.ts';
import type { ResourceDef } from './resources.ts';

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix generateName appends (same alphabet as apimachinery's rand.String). */
export function nameSuffix(random: () => number): string {
  let s = '';
  for (let i = 0; i < 5; i++)
    s += suffixAlphabet.charAt(Math.floor(random() * suffixAlphabet.length));
  return s;
}

type Cause = { field: string; message: string; reason?: string };

function metaCauses(meta: KubeMeta, namespaced: boolean, nameRe: RegExp): Cause[] {
  const causes: Cause[] = [];
  const name = meta.name ?? '';
  if (name === '') {
    causes.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
      reason: 'FieldValueRequired',
    });
  } else if (name.length > 253 || !nameRe.test(name)) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 ${nameRe === dns1123Label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (namespaced && !meta.namespace) {
    causes.push({
      field: 'metadata.namespace',
      message: 'Required value',
      reason: 'FieldValueRequired',
    });
  }
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    const kp = labelKeyProblem(k);
    if (kp !== null)
      causes.push({ field: 'metadata.labels', message: `Invalid value: "${k}": ${kp}` });
    if (typeof v !== 'string') {
      causes.push({
        field: `metadata.labels`,
        message: `Invalid value: label "${k}" must be a string`,
      });
    } else {
      const vp = labelValueProblem(v);
      if (vp !== null)
        causes.push({ field: 'metadata.labels', message: `Invalid value: "${v}": ${vp}` });
    }
  }
  return causes;
}

type Container = Record<string, unknown>;

function containerCauses(
  list: unknown,
  field: string,
  required: boolean,
  seen: Set<string>,
): Cause[] {
  const causes: Cause[] = [];
  if (list === undefined || list === null) {
    if (required) causes.push({ field, message: 'Required value', reason: 'FieldValueRequired' });
    return causes;
  }
  if (!Array.isArray(list)) return [{ field, message: 'Invalid value: must be a list' }];
  if (required && list.length === 0)
    causes.push({ field, message: 'Required value', reason: 'FieldValueRequired' });
  list.forEach((c: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof c !== 'object' || c === null) {
      causes.push({ field: at, message: 'Invalid value: must be an object' });
      return;
    }
    const name = (c as Container).name;
    if (typeof name !== 'string' || name === '') {
      causes.push({ field: `${at}.name`, message: 'Required value', reason: 'FieldValueRequired' });
    } else if (!dns1123Label.test(name) || name.length > 63) {
      causes.push({
        field: `${at}.name`,
        message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      });
    } else if (seen.has(name)) {
      causes.push({
        field: `${at}.name`,
        message: `Duplicate value: "${name}"`,
        reason: 'FieldValueDuplicate',
      });
    } else seen.add(name);
    const image = (c as Container).image;
    if (typeof image !== 'string' || image.trim() === '') {
      causes.push({
        field: `${at}.image`,
        message: 'Required value',
        reason: 'FieldValueRequired',
      });
    }
  });
  return causes;
}

function defaultContainers(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((c: unknown) => {
    if (typeof c !== 'object' || c === null) return c;
    const ctr = c as Container;
    const image = typeof ctr.image === 'string' ? ctr.image : '';
    const tagged = /:[^/]+$/.test(image) && !image.endsWith(':latest');
    return {
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: tagged || image.includes('@') ? 'IfNotPresent' : 'Always',
      resources: {},
      ...ctr,
    };
  });
}

/** Pod spec defaults the real defaulters apply (the ones visible in `kubectl get -o yaml`). */
export function defaultPodSpec(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    serviceAccountName: 'default',
    serviceAccount: 'default',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
    ...spec,
    containers: defaultContainers(spec.containers),
    ...(spec.initContainers === undefined
      ? {}
      : { initContainers: defaultContainers(spec.initContainers) }),
  };
}

/**
 * Validates `obj` for `def` and returns the causes; a pod additionally needs containers with
 * names and images. Names of namespaces and nodes follow their own rules.
 */
export function validateObject(def: ResourceDef, obj: KubeObject): void {
  const nameRe = def.name === 'namespaces' ? dns1123Label : dns1123Subdomain;
  const causes = metaCauses(obj.metadata, def.namespaced, nameRe);
  if (def.name === 'pods') {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const seen = new Set<string>();
    causes.push(...containerCauses(spec.containers, 'spec.containers', true, seen));
    causes.push(...containerCauses(spec.initContainers, 'spec.initContainers', false, seen));
    const rp = spec.restartPolicy;
    if (rp !== undefined && rp !== 'Always' && rp !== 'OnFailure' && rp !== 'Never') {
      causes.push({
        field: 'spec.restartPolicy',
        message: `Unsupported value: "${JSON.stringify(rp)}": supported values: "Always", "OnFailure", "Never"`,
        reason: 'FieldValueNotSupported',
      });
    }
  }
  if (causes.length > 0) throw invalid(def.kind, obj.metadata.name ?? '', causes, def.group);
}

/** Fields of a pod's spec an update may change (the rest is immutable, as in Kubernetes). */
export function checkPodSpecUpdate(name: string, oldSpec: unknown, newSpec: unknown): void {
  const strip = (spec: unknown): string => {
    const s = { ...(spec as Record<string, unknown>) };
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    delete s.schedulingGates;
    for (const f of ['containers', 'initContainers']) {
      const list = s[f];
      if (Array.isArray(list)) {
        s[f] = list.map((c: unknown) => ({ ...(c as Container), image: undefined }));
      }
    }
    return JSON.stringify(s);
  };
  if (strip(oldSpec) !== strip(newSpec)) {
    throw invalid('Pod', name, [
      {
        field: 'spec',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        reason: 'FieldValueForbidden',
      },
    ]);
  }
}

/** Known top-level fields per kind and of the pod's nested parts, for fieldValidation. */
const known: Record<string, readonly string[]> = {
  object: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  metadata: [
    'name',
    'generateName',
    'namespace',
    'selfLink',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
  ],
  'pod.spec': [
    'activeDeadlineSeconds',
    'affinity',
    'automountServiceAccountToken',
    'containers',
    'dnsConfig',
    'dnsPolicy',
    'enableServiceLinks',
    'ephemeralContainers',
    'hostAliases',
    'hostIPC',
    'hostNetwork',
    'hostPID',
    'hostUsers',
    'hostname',
    'imagePullSecrets',
    'initContainers',
    'nodeName',
    'nodeSelector',
    'os',
    'overhead',
    'preemptionPolicy',
    'priority',
    'priorityClassName',
    'readinessGates',
    'resourceClaims',
    'resources',
    'restartPolicy',
    'runtimeClassName',
    'schedulerName',
    'schedulingGates',
    'securityContext',
    'serviceAccount',
    'serviceAccountName',
    'setHostnameAsFQDN',
    'shareProcessNamespace',
    'subdomain',
    'terminationGracePeriodSeconds',
    'tolerations',
    'topologySpreadConstraints',
    'volumes',
  ],
  container: [
    'args',
    'command',
    'env',
    'envFrom',
    'image',
    'imagePullPolicy',
    'lifecycle',
    'livenessProbe',
    'name',
    'ports',
    'readinessProbe',
    'resizePolicy',
    'resources',
    'restartPolicy',
    'securityContext',
    'startupProbe',
    'stdin',
    'stdinOnce',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'tty',
    'volumeDevices',
    'volumeMounts',
    'workingDir',
  ],
};

/** Paths of fields the schema does not know (checked: object, metadata, pod spec, containers). */
export function unknownFields(def: ResourceDef, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  const check = (value: unknown, allowed: readonly string[] | undefined, path: string): void => {
    if (
      allowed === undefined ||
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value)
    )
      return;
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) out.push(path === '' ? k : `${path}.${k}`);
    }
  };
  const topLevel =
    def.name === 'events'
      ? undefined
      : def.name === 'leases'
        ? ['apiVersion', 'kind', 'metadata', 'spec']
        : known.object;
  check(obj, topLevel, '');
  check(obj.metadata, known.metadata, 'metadata');
  if (def.name === 'pods') {
    const spec = obj.spec as Record<string, unknown> | undefined;
    check(spec, known['pod.spec'], 'spec');
    for (const f of ['containers', 'initContainers']) {
      const list = spec?.[f];
      if (Array.isArray(list))
        list.forEach((c: unknown, i) => {
          check(c, known.container, `spec.${f}[${i}]`);
        });
    }
  }
  return out;
}

/** Removes the fields `unknownFields` reported (fieldValidation=Ignore/Warn drop them). */
export function dropFields(obj: Record<string, unknown>, paths: readonly string[]): void {
  for (const p of paths) {
    const parts = p.split('.');
    let cur: unknown = obj;
    for (const part of parts.slice(0, -1)) {
      const m = /^(.*)\[(\d+)\]$/.exec(part);
      if (m) cur = ((cur as Record<string, unknown>)[m[1] ?? ''] as unknown[])[Number(m[2])];
      else cur = (cur as Record<string, unknown>)[part];
      if (typeof cur !== 'object' || cur === null) break;
    }
    if (typeof cur === 'object' && cur !== null)
      Reflect.deleteProperty(cur, parts[parts.length - 1] ?? '');
  }
}

/** Status for an object created without a `kind`/`apiVersion` matching the endpoint. */
export function checkKind(
  def: ResourceDef,
  apiVersion: string,
  obj: Record<string, unknown>,
): void {
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw new StatusError(
      400,
      'BadRequest',
      `the object provided is unrecognized (must be of type ${def.kind}): kind "${JSON.stringify(obj.kind)}"`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw new StatusError(
      400,
      'BadRequest',
      `the API version in the data (${JSON.stringify(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
}
