/**
 * The three patch formats the API server accepts, pure: JSON merge patch (RFC 7386), strategic
 * merge patch (lists of the common pod fields merge by key, `$patch` directives) and JSON patch
 * (RFC 6902). Inputs are never mutated; a bad patch is a 4xx StatusError.
 */
import { StatusError } from './api-status.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

/**
 * Lists that merge by a key in strategic merge patch, by the field's path (array indices
 * dropped). Lists not named here are replaced, as for types without a patchMergeKey.
 */
const mergeKeys: Record<string, string> = {
  'metadata.ownerReferences': 'uid',
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.ephemeralContainers': 'name',
  'spec.volumes': 'name',
  'spec.containers.env': 'name',
  'spec.initContainers.env': 'name',
  'spec.containers.ports': 'containerPort',
  'spec.initContainers.ports': 'containerPort',
  'spec.containers.volumeMounts': 'mountPath',
  'spec.initContainers.volumeMounts': 'mountPath',
  'spec.imagePullSecrets': 'name',
  'spec.readinessGates': 'conditionType',
  'spec.schedulingGates': 'name',
  'status.conditions': 'type',
  'status.containerStatuses': 'name',
  'status.initContainerStatuses': 'name',
  'status.ephemeralContainerStatuses': 'name',
  'status.podIPs': 'ip',
  'status.hostIPs': 'ip',
  'status.addresses': 'type',
};
/** Lists of scalars that merge as sets. */
const setLists = new Set(['metadata.finalizers']);

function smpList(path: string, target: Json[], patch: Json[]): Json[] {
  const key = mergeKeys[path];
  if (setLists.has(path)) {
    const out = [...target];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  if (key === undefined) {
    return patch.filter((v) => !(isObject(v) && v.$patch !== undefined));
  }
  if (patch.some((v) => isObject(v) && v.$patch === 'replace')) {
    return patch.filter((v) => !(isObject(v) && v.$patch === 'replace'));
  }
  const out: Json[] = [...target];
  for (const item of patch) {
    if (!isObject(item)) {
      throw new StatusError(
        400,
        'BadRequest',
        `strategic merge patch: ${path}: expected objects with merge key '${key}'`,
      );
    }
    const id = item[key];
    const idx = out.findIndex((t) => isObject(t) && t[key] === id);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(path, out[idx], item);
    else out.push(smpObject(path, undefined, item));
  }
  return out;
}

function smpObject(path: string, target: Json | undefined, patch: JsonObject): Json {
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const list = out[field];
      if (Array.isArray(list) && Array.isArray(v)) out[field] = list.filter((x) => !v.includes(x));
      continue;
    }
    const childPath = path === '' ? k : `${path}.${k}`;
    if (v === null) {
      Reflect.deleteProperty(out, k);
    } else if (Array.isArray(v)) {
      const cur = out[k];
      out[k] = smpList(childPath, Array.isArray(cur) ? cur : [], v);
    } else if (isObject(v)) {
      const merged = smpObject(childPath, out[k], v);
      if (merged === null) Reflect.deleteProperty(out, k);
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Strategic merge patch for the built-in kinds the simulator serves. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    throw new StatusError(
      400,
      'BadRequest',
      'strategic merge patch: the patch must be a JSON object',
    );
  }
  return smpObject('', isObject(target) ? target : {}, patch);
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new StatusError(400, 'BadRequest', `json patch: invalid path '${pointer}'`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function getAt(doc: Json, tokens: string[], pointer: string): Json {
  let cur: Json = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!/^\d+$/.test(t) || i >= cur.length) {
        throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
      }
      cur = cur[i] as Json;
    } else if (isObject(cur) && Object.hasOwn(cur, t)) {
      cur = cur[t] as Json;
    } else {
      throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
    }
  }
  return cur;
}

function parentOf(doc: Json, tokens: string[], pointer: string): { parent: Json; last: string } {
  if (tokens.length === 0) {
    throw new StatusError(422, 'Invalid', `json patch: cannot operate on the document root`);
  }
  return {
    parent: getAt(doc, tokens.slice(0, -1), pointer),
    last: tokens[tokens.length - 1] ?? '',
  };
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean): void {
  const { parent, last } = parentOf(doc, parsePointer(pointer), pointer);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!/^(\d+|-)$/.test(last) || i > parent.length || (replace && i >= parent.length)) {
      throw new StatusError(422, 'Invalid', `json patch: index out of range in '${pointer}'`);
    }
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else if (isObject(parent)) {
    if (replace && !Object.hasOwn(parent, last)) {
      throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
    }
    parent[last] = value;
  } else {
    throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
  }
}

function removeAt(doc: Json, pointer: string): Json {
  const { parent, last } = parentOf(doc, parsePointer(pointer), pointer);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) {
      throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
    }
    return parent.splice(i, 1)[0] as Json;
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const v = parent[last] as Json;
    Reflect.deleteProperty(parent, last);
    return v;
  }
  throw new StatusError(422, 'Invalid', `json patch: path '${pointer}' does not exist`);
}

/** RFC 6902 JSON patch; a failed `test` is 422, as kube-apiserver answers. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw new StatusError(
      400,
      'BadRequest',
      'json patch: the patch must be a JSON array of operations',
    );
  }
  const doc = clone(target) as Json;
  for (const raw of ops as unknown[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new StatusError(400, 'BadRequest', 'json patch: every operation needs "op" and "path"');
    }
    const op = raw as unknown as JsonPatchOp;
    switch (op.op) {
      case 'add':
      case 'replace':
        if (op.value === undefined) {
          throw new StatusError(400, 'BadRequest', `json patch: '${op.op}' needs a "value"`);
        }
        addAt(doc, op.path, clone(op.value), op.op === 'replace');
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') {
          throw new StatusError(400, 'BadRequest', `json patch: '${op.op}' needs a "from"`);
        }
        const v =
          op.op === 'move'
            ? removeAt(doc, op.from)
            : clone(getAt(doc, parsePointer(op.from), op.from));
        addAt(doc, op.path, v, false);
        break;
      }
      case 'test': {
        const v = getAt(doc, parsePointer(op.path), op.path);
        if (JSON.stringify(v) !== JSON.stringify(op.value ?? null)) {
          throw new StatusError(422, 'Invalid', `json patch: test failed at '${op.path}'`);
        }
        break;
      }
      default:
        throw new StatusError(400, 'BadRequest', `json patch: unknown operation '${op.op}'`);
    }
  }
  return doc;
}
