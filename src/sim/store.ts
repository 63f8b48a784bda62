/**
 * SimStore: the API server's registry semantics over the ObjectStore — create (generateName,
 * uid, defaults, validation), update (optimistic concurrency, immutable fields, the status
 * subresource), patch (merge, strategic merge, JSON patch), delete (graceful for pods,
 * finalizers, namespace termination). The HTTP layer and the kubelet both write through it, and
 * tests read the truth from it.
 *
 * Failures throw a StatusError carrying the Status the API would answer (404, 409, 422...);
 * a failed write changes nothing.
 */
import {
  checkKind,
  checkPodSpecUpdate,
  defaultPodSpec,
  dropFields,
  nameSuffix,
  unknownFields,
  validateObject,
} from './admission.ts';
import { alreadyExists, badRequest, conflict, notFound, StatusError } from './api-status.ts';
import { type Clock, rfc3339 } from './clock.ts';
import { type KubeObject, objectKey, ObjectStore, type StoreListener } from './object-store.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { randomUid } from './random.ts';
import { apiVersionOf, resourceDefs, type ResourceDef, type ResourceName } from './resources.ts';

export type PatchType = 'merge' | 'strategic' | 'json';
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  /** 'status' writes only `.status`; otherwise `.status` is kept as stored. */
  subresource?: 'status';
  fieldValidation?: FieldValidation;
  /** Validate and return the result without storing it. */
  dryRun?: boolean;
  /** Warnings for the caller (unknown fields under fieldValidation=Warn) are pushed here. */
  warnings?: string[];
}

export interface CreateOptions extends WriteOptions {
  /** Keep a `.status` given on create (the real API resets it); for tests and scale mode. */
  keepStatus?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface SimStoreOptions {
  clock: Clock;
  random: () => number;
  historyLimit?: number;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class SimStore {
  /** The raw versioned store (events, history, snapshots) the watch and list code reads. */
  readonly objects: ObjectStore;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #removals = new Map<string, { cancel(): void }>();
  #closed = false;

  constructor(opts: SimStoreOptions) {
    this.#clock = opts.clock;
    this.#random = opts.random;
    this.objects = new ObjectStore(
      opts.historyLimit === undefined ? {} : { historyLimit: opts.historyLimit },
    );
  }

  /** The current resourceVersion, as the API reports it. */
  get resourceVersion(): string {
    return String(this.objects.resourceVersion);
  }

  now(): number {
    return this.#clock.now();
  }

  subscribe(listener: StoreListener): () => void {
    return this.objects.subscribe(listener);
  }

  /** Forgets watch history: every resume from an earlier version gets 410 Expired. */
  compact(): void {
    this.objects.compact();
  }

  find(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const def = resourceDefs[resource];
    return this.objects.get(resource, objectKey(def.namespaced ? namespace : undefined, name));
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject {
    const obj = this.find(resource, namespace, name);
    if (obj === undefined) throw notFound(resource, name, resourceDefs[resource].group);
    return obj;
  }

  /** Current objects of a resource (optionally one namespace), in etcd key order. */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.objects.sortedKeys(resource)) {
      const o = this.objects.get(resource, key);
      if (o !== undefined && (namespace === undefined || o.metadata.namespace === namespace))
        out.push(o);
    }
    return out;
  }

  #checkNamespace(def: ResourceDef, namespace: string | undefined): void {
    if (!def.namespaced || namespace === undefined) return;
    const ns = this.objects.get('namespaces', namespace);
    if (ns === undefined) throw notFound('namespaces', namespace);
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw new StatusError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  #fieldValidation(def: ResourceDef, body: Record<string, unknown>, opts: WriteOptions): void {
    const unknown = unknownFields(def, body);
    if (unknown.length === 0) return;
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Strict') {
      throw badRequest(
        `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
      );
    }
    if (mode === 'Warn') for (const f of unknown) opts.warnings?.push(`unknown field "${f}"`);
    dropFields(body, unknown);
  }

  /** Creates an object; `namespace` (from the URL) wins when the body has none. */
  create(
    resource: ResourceName,
    body: unknown,
    namespace?: string,
    opts: CreateOptions = {},
  ): KubeObject {
    const def = resourceDefs[resource];
    const apiVersion = apiVersionOf(def);
    if (!isObj(body)) throw badRequest(`the body of the request must be a ${def.kind} object`);
    const obj = structuredClone(body);
    checkKind(def, apiVersion, obj);
    this.#fieldValidation(def, obj, opts);
    const meta = isObj(obj.metadata) ? { ...obj.metadata } : {};
    if (def.namespaced) {
      const ns =
        typeof meta.namespace === 'string' && meta.namespace !== ''
          ? meta.namespace
          : (namespace ?? 'default');
      if (namespace !== undefined && ns !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    if (
      (meta.name === undefined || meta.name === '') &&
      typeof meta.generateName === 'string' &&
      meta.generateName !== ''
    ) {
      meta.name = `${meta.generateName}${nameSuffix(this.#random)}`;
    }
    const now = this.#clock.now();
    const ts = rfc3339(now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = randomUid(this.#random);
    meta.creationTimestamp = ts;
    let created: KubeObject = { ...obj, apiVersion, kind: def.kind, metadata: meta };
    validateObject(def, created);
    this.#checkNamespace(def, created.metadata.namespace);
    const name = created.metadata.name ?? '';
    if (this.find(resource, created.metadata.namespace, name) !== undefined) {
      throw alreadyExists(resource, name, def.group);
    }
    created = this.#defaults(def, created, opts.keepStatus === true);
    if (opts.dryRun === true) return created;
    return this.objects.put(resource, objectKey(created.metadata.namespace, name), created);
  }

  #defaults(def: ResourceDef, obj: KubeObject, keepStatus: boolean): KubeObject {
    switch (def.name) {
      case 'pods': {
        const spec = defaultPodSpec(isObj(obj.spec) ? obj.spec : {});
        const status =
          keepStatus && isObj(obj.status)
            ? obj.status
            : { phase: 'Pending', qosClass: 'BestEffort' };
        return { ...obj, spec, status };
      }
      case 'namespaces':
        return { ...obj, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
      case 'nodes':
        return {
          ...obj,
          spec: isObj(obj.spec) ? obj.spec : {},
          status: isObj(obj.status) ? obj.status : {},
        };
      case 'leases':
      case 'events':
        return obj;
    }
  }

  /**
   * Replaces an object (PUT). A `metadata.resourceVersion` that is not the stored one is a 409;
   * an absent one updates unconditionally. A no-op update stores nothing and emits nothing.
   */
  update(
    resource: ResourceName,
    body: unknown,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions = {},
  ): KubeObject {
    const def = resourceDefs[resource];
    if (!isObj(body)) throw badRequest(`the body of the request must be a ${def.kind} object`);
    const obj = structuredClone(body);
    checkKind(def, apiVersionOf(def), obj);
    this.#fieldValidation(def, obj, opts);
    const current = this.get(resource, namespace, name);
    const meta = isObj(obj.metadata) ? obj.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(
        `the name of the object (${JSON.stringify(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (def.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) {
      throw conflict(resource, name, def.group);
    }
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...current, status: obj.status };
    } else {
      const m: KubeObject['metadata'] = { ...(meta as KubeObject['metadata']), name };
      const cm = current.metadata;
      // Identity and deletion state are the server's: a client cannot change them by update.
      for (const k of [
        'namespace',
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
      ] as const) {
        if (cm[k] === undefined) Reflect.deleteProperty(m, k);
        else m[k] = cm[k] as never;
      }
      next = { ...obj, apiVersion: current.apiVersion, kind: current.kind, metadata: m };
      if (def.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
      if (def.name === 'pods') {
        next.spec = defaultPodSpec(isObj(next.spec) ? next.spec : {});
        checkPodSpecUpdate(name, current.spec, next.spec);
      }
    }
    validateObject(def, next);
    return this.#write(def, current, next, opts.dryRun === true);
  }

  #write(def: ResourceDef, current: KubeObject, next: KubeObject, dryRun: boolean): KubeObject {
    const { resourceVersion: _a, ...curMeta } = current.metadata;
    const { resourceVersion: _b, ...nextMeta } = next.metadata;
    const unchanged =
      JSON.stringify({ ...current, metadata: curMeta }) ===
      JSON.stringify({ ...next, metadata: nextMeta });
    if (unchanged || dryRun) return unchanged ? current : next;
    const key = objectKey(
      def.namespaced ? current.metadata.namespace : undefined,
      current.metadata.name ?? '',
    );
    const stored = this.objects.put(def.name, key, next);
    this.#maybeFinishDeletion(def, stored);
    return stored;
  }

  /** Applies a patch of `type` to the stored object (or its status) and stores the result. */
  patch(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions = {},
  ): KubeObject {
    const current = this.get(resource, namespace, name);
    const patched =
      type === 'json'
        ? jsonPatch(current, patch)
        : type === 'merge'
          ? mergePatch(current, patch)
          : strategicMergePatch(current, patch);
    if (!isObj(patched)) throw badRequest('the patch did not produce an object');
    const meta = isObj(patched.metadata) ? patched.metadata : {};
    // A patch that names a resourceVersion is a precondition, like an update's; none means "latest".
    const patchRv =
      isObj(patch) && isObj(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    const body = {
      ...patched,
      metadata: {
        ...meta,
        resourceVersion: typeof patchRv === 'string' ? patchRv : current.metadata.resourceVersion,
      },
    };
    if (opts.subresource === 'status')
      return this.update(resource, body, namespace, name, { ...opts, fieldValidation: 'Ignore' });
    // Patching the main resource keeps status as stored, except where a patch sets it on a kind without a status subresource.
    return this.update(resource, body, namespace, name, {
      ...opts,
      fieldValidation: opts.fieldValidation ?? 'Ignore',
    });
  }

  /**
   * Deletes an object. Pods bound to a node get a graceful deletion (deletionTimestamp now +
   * grace, removal when the grace period ends or the kubelet confirms); gracePeriodSeconds=0 or
   * an unscheduled pod is removed at once. Finalizers keep any object until they are cleared.
   * Returns the object as the API answers (the marked object, or the last state when removed).
   */
  delete(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): KubeObject {
    const def = resourceDefs[resource];
    const current = this.get(resource, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
      throw new StatusError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    if (
      pre?.resourceVersion !== undefined &&
      pre.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw new StatusError(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
      );
    }
    if (opts.dryRun === true) return current;
    const key = objectKey(def.namespaced ? current.metadata.namespace : undefined, name);
    const now = this.#clock.now();
    const finalizers = current.metadata.finalizers ?? [];
    if (def.name === 'pods') {
      const spec = isObj(current.spec) ? current.spec : {};
      const specGrace =
        typeof spec.terminationGracePeriodSeconds === 'number'
          ? spec.terminationGracePeriodSeconds
          : 30;
      const phase = isObj(current.status) ? current.status.phase : undefined;
      const done = phase === 'Succeeded' || phase === 'Failed';
      let grace = Math.max(0, opts.gracePeriodSeconds ?? specGrace);
      if (!spec.nodeName || done) grace = 0;
      const prevGrace = current.metadata.deletionGracePeriodSeconds;
      if (prevGrace !== undefined && prevGrace <= grace) return current;
      if (grace === 0 && finalizers.length === 0) return this.#remove(def, key) ?? current;
      const marked = this.objects.put(resource, key, {
        ...current,
        metadata: {
          ...current.metadata,
          deletionTimestamp: rfc3339(now + grace * 1000),
          deletionGracePeriodSeconds: grace,
        },
      });
      this.#scheduleRemoval(def, key, marked, grace * 1000);
      return marked;
    }
    if (def.name === 'namespaces') {
      if (current.metadata.deletionTimestamp !== undefined) return current;
      const marked = this.objects.put(resource, key, {
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: rfc3339(now) },
        status: { phase: 'Terminating' },
      });
      this.#scheduleRemoval(def, key, marked, 0);
      return marked;
    }
    if (finalizers.length > 0) {
      if (current.metadata.deletionTimestamp !== undefined) return current;
      return this.objects.put(resource, key, {
        ...current,
        metadata: {
          ...current.metadata,
          deletionTimestamp: rfc3339(now),
          deletionGracePeriodSeconds: 0,
        },
      });
    }
    return this.#remove(def, key) ?? current;
  }

  #remove(def: ResourceDef, key: string): KubeObject | undefined {
    this.#removals.get(`${def.name}/${key}`)?.cancel();
    this.#removals.delete(`${def.name}/${key}`);
    return this.objects.remove(def.name, key);
  }

  #scheduleRemoval(def: ResourceDef, key: string, obj: KubeObject, ms: number): void {
    if (this.#closed) return;
    const id = `${def.name}/${key}`;
    this.#removals.get(id)?.cancel();
    const uid = obj.metadata.uid;
    this.#removals.set(
      id,
      this.#clock.setTimer(() => {
        this.#removals.delete(id);
        const cur = this.objects.get(def.name, key);
        if (cur === undefined || cur.metadata.uid !== uid) return;
        if (def.name === 'namespaces') {
          for (const r of ['pods', 'leases', 'events'] as const) {
            for (const o of this.list(r, cur.metadata.name))
              this.objects.remove(r, objectKey(o.metadata.namespace, o.metadata.name ?? ''));
          }
          this.objects.remove(def.name, key);
          return;
        }
        if ((cur.metadata.finalizers ?? []).length === 0) this.objects.remove(def.name, key);
      }, ms),
    );
  }

  /** After an update: an object marked for deletion whose finalizers are gone and whose grace has passed is removed. */
  #maybeFinishDeletion(def: ResourceDef, obj: KubeObject): void {
    const ts = obj.metadata.deletionTimestamp;
    if (ts === undefined || (obj.metadata.finalizers ?? []).length > 0 || def.name === 'namespaces')
      return;
    if (Date.parse(ts) <= this.#clock.now() || obj.metadata.deletionGracePeriodSeconds === 0) {
      this.#remove(
        def,
        objectKey(def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name ?? ''),
      );
    }
  }

  /**
   * The kubelet's confirmation that a terminating pod's containers are gone: removes it now
   * (unless finalizers hold it), as the kubelet's delete with gracePeriodSeconds=0 does.
   */
  confirmPodTermination(namespace: string, name: string): void {
    const key = objectKey(namespace, name);
    const cur = this.objects.get('pods', key);
    if (cur?.metadata.deletionTimestamp === undefined) return;
    if ((cur.metadata.finalizers ?? []).length > 0) return;
    this.#remove(resourceDefs.pods, key);
  }

  /**
   * A simulator-internal write (scheduler, kubelet, scale driver): `fn` maps the stored object to
   * its successor, without admission. No-op when `fn` returns an equal object.
   */
  mutate(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    fn: (cur: KubeObject) => KubeObject,
  ): KubeObject {
    const cur = this.get(resource, namespace, name);
    return this.#write(resourceDefs[resource], cur, fn(cur), false);
  }

  /** Binds a pod to a node (what the scheduler's binding does): spec.nodeName and PodScheduled. */
  bindPod(namespace: string, name: string, node: string): KubeObject {
    return this.mutate('pods', namespace, name, (cur) => {
      const status = isObj(cur.status) ? cur.status : {};
      const conditions = Array.isArray(status.conditions)
        ? (status.conditions as Record<string, unknown>[]).filter((c) => c.type !== 'PodScheduled')
        : [];
      conditions.push({
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: rfc3339(this.#clock.now()),
      });
      return {
        ...cur,
        spec: { ...(isObj(cur.spec) ? cur.spec : {}), nodeName: node },
        status: { ...status, conditions },
      };
    });
  }

  // Pod conveniences for tests and the scenario engine.

  /** Every pod (all namespaces, or one), in key order. Read-only: do not mutate. */
  pods(namespace?: string): KubeObject[] {
    return this.list('pods', namespace);
  }
  pod(namespace: string, name: string): KubeObject | undefined {
    return this.find('pods', namespace, name);
  }
  createPod(pod: unknown, opts: CreateOptions = {}): KubeObject {
    return this.create('pods', pod, undefined, opts);
  }
  updatePod(pod: KubeObject, opts: WriteOptions = {}): KubeObject {
    return this.update('pods', pod, pod.metadata.namespace, pod.metadata.name ?? '', opts);
  }
  patchPod(
    namespace: string,
    name: string,
    patch: unknown,
    type: PatchType = 'strategic',
    opts: WriteOptions = {},
  ): KubeObject {
    return this.patch('pods', namespace, name, type, patch, opts);
  }
  /** Replaces a pod's status unconditionally (what the kubelet does). No-op when unchanged. */
  setPodStatus(namespace: string, name: string, status: unknown): KubeObject {
    const cur = this.get('pods', namespace, name);
    return this.#write(resourceDefs.pods, cur, { ...cur, status }, false);
  }
  deletePod(namespace: string, name: string, opts: DeleteOptions = {}): KubeObject {
    return this.delete('pods', namespace, name, opts);
  }

  /** Cancels pending removals; the store stays readable. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const t of this.#removals.values()) t.cancel();
    this.#removals.clear();
  }
}
