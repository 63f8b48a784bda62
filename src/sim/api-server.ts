/**
 * The simulated kube-apiserver's HTTP surface: routing, authentication, content negotiation,
 * body decoding and the verbs (get, list, watch, create, update, patch, delete,
 * deletecollection) over SimStore, plus the review APIs and the `/sim/` control endpoints.
 *
 * Every failure is answered with a Kubernetes `Status` (400, 401, 404, 405, 409, 410, 413, 415,
 * 422...); a bad request never changes state and never escapes as an exception.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { everything, parseLabelSelector, type LabelSelector } from '../protocol/label-selector.ts';
import {
  badRequest,
  methodNotAllowed,
  notFound,
  StatusError,
  successStatus,
  type KubeStatus,
} from './api-status.ts';
import { reviewAccess, reviewToken, type SimAuthConfig } from './auth.ts';
import type { Clock } from './clock.ts';
import {
  openApiV3Doc,
  openApiV3Index,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  servedGroups,
  versionInfo,
} from './discovery.ts';
import { parseFieldSelector } from './field-selector.ts';
import { listObjects, SnapshotCache } from './list.ts';
import type { KubeObject } from './object-store.ts';
import { apiVersionOf, findResource, type ResourceDef } from './resources.ts';
import type { FieldValidation, PatchType, SimStore } from './store.ts';
import { hasTable, toTable, type IncludeObject } from './table.ts';
import { WatchRegistry, WatchStream } from './watch.ts';

/** Hooks the control endpoints call (faults live with the HTTP listener that owns connections). */
export interface ControlHooks {
  control(action: string, params: URLSearchParams): unknown;
}

export interface ApiServerOptions {
  store: SimStore;
  clock: Clock;
  logger: Logger;
  token: string | undefined;
  auth: SimAuthConfig;
  bookmarkIntervalMs: number;
  continueTtlMs: number;
  maxBodyBytes: number;
  control: ControlHooks;
  /** host:port for the APIVersions document. */
  serverAddress: () => string;
}

interface Route {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  watchPath: boolean;
}

interface Negotiated {
  table: { apiVersion: string } | null;
  yaml: boolean;
}

const jsonType = 'application/json';

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': jsonType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendStatus(res: ServerResponse, status: KubeStatus): void {
  send(res, status.code, status);
}

/** Parses the Accept header into what we can serve; 406 when nothing is acceptable. */
function negotiate(accept: string | undefined): Negotiated {
  if (accept === undefined || accept.trim() === '') return { table: null, yaml: false };
  for (const part of accept.split(',')) {
    const [type = '', ...paramParts] = part.split(';').map((s) => s.trim());
    const params = new Map(
      paramParts.map((p) => {
        const i = p.indexOf('=');
        return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
      }),
    );
    const as = params.get('as');
    if (type === 'application/json' || type === '*/*' || type === 'application/*') {
      if (as === undefined) return { table: null, yaml: false };
      if (
        as === 'Table' &&
        params.get('g') === 'meta.k8s.io' &&
        (params.get('v') === 'v1' || params.get('v') === 'v1beta1')
      ) {
        return { table: { apiVersion: `meta.k8s.io/${params.get('v') ?? 'v1'}` }, yaml: false };
      }
      continue;
    }
    if ((type === 'application/yaml' || type === 'application/x-yaml') && as === undefined)
      return { table: null, yaml: true };
  }
  throw new StatusError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`,
  );
}

function parseRoute(segments: string[], group: string, version: string): Route | null {
  let segs = segments;
  let watchPath = false;
  if (segs[0] === 'watch') {
    watchPath = true;
    segs = segs.slice(1);
  }
  let namespace: string | undefined;
  if (
    segs[0] === 'namespaces' &&
    segs.length >= 3 &&
    findResource(group, version, segs[2] ?? '')?.namespaced === true
  ) {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const def = findResource(group, version, segs[0] ?? '');
  if (def === undefined || segs.length > 3) return null;
  if (!def.namespaced && namespace !== undefined) return null;
  return { def, namespace, name: segs[1], subresource: segs[2], watchPath };
}

export class ApiServer {
  readonly #o: ApiServerOptions;
  readonly watches = new WatchRegistry();
  readonly #snapshots = new SnapshotCache();
  /** Extra latency added to every LIST (the slow-lists fault). */
  listDelayMs = 0;

  constructor(opts: ApiServerOptions) {
    this.#o = opts;
  }

  /** The request listener. Never throws and never rejects. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.#handle(req, res).catch((err: unknown) => {
      if (err instanceof StatusError) {
        sendStatus(res, err.status);
        return;
      }
      this.#o.logger.error({ err, method: req.method, url: req.url }, 'sim: internal error');
      sendStatus(
        res,
        new StatusError(
          500,
          'InternalError',
          `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
        ).status,
      );
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (this.#o.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${this.#o.token}`) {
        sendStatus(res, new StatusError(401, 'Unauthorized', 'Unauthorized').status);
        return;
      }
    }
    if (path.startsWith('/sim/')) {
      if (method !== 'POST' && method !== 'GET') throw methodNotAllowed(method);
      const result = this.#o.control.control(path.slice('/sim/'.length), url.searchParams);
      send(res, 200, result);
      return;
    }
    const segs = path
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    if (path === '/version') {
      send(res, 200, versionInfo());
      return;
    }
    if (path === '/api') {
      send(res, 200, apiVersions(this.#o.serverAddress()));
      return;
    }
    if (path === '/apis') {
      send(res, 200, apiGroupList());
      return;
    }
    if (path === '/openapi/v3') {
      send(res, 200, openApiV3Index());
      return;
    }
    if (segs[0] === 'openapi' && segs[1] === 'v3' && segs.length >= 4) {
      const doc =
        segs[2] === 'api'
          ? openApiV3Doc('', segs[3] ?? '')
          : openApiV3Doc(segs[3] ?? '', segs[4] ?? '');
      if (doc === undefined)
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      send(res, 200, doc);
      return;
    }
    if (segs[0] === 'api' && segs.length === 2) {
      const doc = apiResourceList('', segs[1] ?? '');
      if (doc === undefined)
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      send(res, 200, doc);
      return;
    }
    if (segs[0] === 'apis' && (segs.length === 2 || segs.length === 3)) {
      const doc =
        segs.length === 2 ? apiGroup(segs[1] ?? '') : apiResourceList(segs[1] ?? '', segs[2] ?? '');
      if (doc === undefined)
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      send(res, 200, doc);
      return;
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length > 2) {
      group = '';
      version = segs[1] ?? '';
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length > 3 && servedGroups.includes(segs[1] ?? '')) {
      group = segs[1] ?? '';
      version = segs[2] ?? '';
      rest = segs.slice(3);
    } else {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (group === 'authentication.k8s.io' || group === 'authorization.k8s.io') {
      return this.#review(req, res, group, rest);
    }
    const route = parseRoute(rest, group, version);
    if (route === null)
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    if (route.def.namespaced && route.namespace === undefined && route.name !== undefined) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    return this.#resource(req, res, method, url.searchParams, route);
  }

  async #resource(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    q: URLSearchParams,
    route: Route,
  ): Promise<void> {
    const { def, namespace, name, subresource } = route;
    const store = this.#o.store;
    const warnings: string[] = [];
    const fieldValidation = (q.get('fieldValidation') ?? 'Warn') as FieldValidation;
    if (!['Strict', 'Warn', 'Ignore'].includes(fieldValidation)) {
      throw badRequest(
        `fieldValidation: Unsupported value: "${fieldValidation}": supported values: "Ignore", "Strict", "Warn"`,
      );
    }
    const dryRun = q.getAll('dryRun').includes('All');
    const wopts = { fieldValidation, dryRun, warnings };
    const reply = (code: number, obj: KubeObject | KubeStatus): void => {
      const headers: Record<string, string> = {};
      if (warnings.length > 0)
        headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
      send(res, code, obj, headers);
    };
    if (route.watchPath && (method !== 'GET' || subresource !== undefined))
      throw methodNotAllowed(method);

    if (name === undefined) {
      switch (method) {
        case 'GET':
          if (route.watchPath || q.get('watch') === 'true' || q.get('watch') === '1') {
            this.#watch(req, res, q, route);
            return;
          }
          return this.#list(req, res, q, route);
        case 'POST': {
          const body = await this.#readBody(req);
          reply(201, store.create(def.name, body, namespace, wopts));
          return;
        }
        case 'DELETE': {
          if (!def.verbs.includes('deletecollection')) throw methodNotAllowed(method);
          const labels = this.#labels(q);
          const fields = parseFieldSelector(def.name, q.get('fieldSelector') ?? '');
          const result = listObjects(
            store.objects,
            this.#snapshots,
            def.name,
            {
              namespace,
              labels,
              fields,
              limit: 0,
              continueToken: undefined,
              resourceVersion: undefined,
              resourceVersionMatch: undefined,
            },
            this.#o.clock.now(),
            this.#o.continueTtlMs,
          );
          const grace = q.get('gracePeriodSeconds');
          const items = result.items.map((o) =>
            store.delete(def.name, o.metadata.namespace, o.metadata.name ?? '', {
              ...(grace === null ? {} : { gracePeriodSeconds: Number(grace) }),
              dryRun,
            }),
          );
          send(res, 200, {
            kind: def.listKind,
            apiVersion: apiVersionOf(def),
            metadata: { resourceVersion: store.resourceVersion },
            items,
          });
          return;
        }
        default:
          throw methodNotAllowed(method);
      }
    }

    if (subresource !== undefined) {
      if (subresource === 'status' && def.statusSubresource) {
        switch (method) {
          case 'GET': {
            reply(200, store.get(def.name, namespace, name));
            return;
          }
          case 'PUT': {
            reply(
              200,
              store.update(def.name, await this.#readBody(req), namespace, name, {
                ...wopts,
                subresource: 'status',
              }),
            );
            return;
          }
          case 'PATCH': {
            const [type, patch] = await this.#readPatch(req);
            reply(
              200,
              store.patch(def.name, namespace, name, type, patch, {
                ...wopts,
                subresource: 'status',
              }),
            );
            return;
          }
          default:
            throw methodNotAllowed(method);
        }
      }
      if (def.name === 'pods' && subresource === 'log' && method === 'GET') {
        const pod = store.get('pods', namespace, name);
        const text = `simulated log of pod ${pod.metadata.namespace ?? ''}/${name}\n`;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(text);
        return;
      }
      if (def.name === 'pods' && subresource === 'eviction' && method === 'POST') {
        const body = (await this.#readBody(req)) as {
          deleteOptions?: { gracePeriodSeconds?: number };
        } | null;
        const grace = body?.deleteOptions?.gracePeriodSeconds;
        store.delete(
          'pods',
          namespace,
          name,
          grace === undefined ? {} : { gracePeriodSeconds: grace },
        );
        send(res, 201, successStatus());
        return;
      }
      if (def.name === 'pods' && subresource === 'binding' && method === 'POST') {
        const body = (await this.#readBody(req)) as { target?: { name?: string } } | null;
        const node = body?.target?.name;
        if (typeof node !== 'string' || node === '')
          throw badRequest('binding: target.name is required');
        const pod = store.get('pods', namespace, name);
        const spec = (pod.spec ?? {}) as Record<string, unknown>;
        if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
          throw new StatusError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"`,
          );
        }
        store.bindPod(namespace ?? '', name, node);
        send(res, 201, successStatus());
        return;
      }
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }

    switch (method) {
      case 'GET': {
        const obj = store.get(def.name, namespace, name);
        const neg = negotiate(req.headers.accept);
        if (neg.table !== null && hasTable(def.name)) {
          send(
            res,
            200,
            toTable(def.name, [obj], {
              now: this.#o.clock.now(),
              include: this.#include(q),
              apiVersion: neg.table.apiVersion,
              withColumns: true,
              metadata: { resourceVersion: obj.metadata.resourceVersion ?? '' },
            }),
          );
          return;
        }
        reply(200, obj);
        return;
      }
      case 'PUT': {
        reply(200, store.update(def.name, await this.#readBody(req), namespace, name, wopts));
        return;
      }
      case 'PATCH': {
        const [type, patch] = await this.#readPatch(req);
        reply(200, store.patch(def.name, namespace, name, type, patch, wopts));
        return;
      }
      case 'DELETE': {
        const body = (await this.#readBody(req, true)) as {
          gracePeriodSeconds?: number;
          preconditions?: { uid?: string; resourceVersion?: string };
        } | null;
        const qGrace = q.get('gracePeriodSeconds');
        const grace = qGrace !== null ? Number(qGrace) : body?.gracePeriodSeconds;
        if (grace !== undefined && (!Number.isInteger(grace) || grace < 0))
          throw badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
        const deleted = store.delete(def.name, namespace, name, {
          ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
          ...(body?.preconditions === undefined ? {} : { preconditions: body.preconditions }),
          dryRun,
        });
        reply(200, deleted);
        return;
      }
      default:
        throw methodNotAllowed(method);
    }
  }

  #labels(q: URLSearchParams): LabelSelector {
    const text = q.get('labelSelector') ?? '';
    if (text === '') return everything;
    const r = parseLabelSelector(text);
    if (!r.ok) throw badRequest(`unable to parse requirement: ${r.error.message}`);
    return r.value;
  }

  #include(q: URLSearchParams): IncludeObject {
    const v = q.get('includeObject') ?? 'Metadata';
    if (v !== 'None' && v !== 'Metadata' && v !== 'Object')
      throw badRequest(`includeObject: Unsupported value: "${v}"`);
    return v;
  }

  async #list(
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
    route: Route,
  ): Promise<void> {
    const neg = negotiate(req.headers.accept);
    const labels = this.#labels(q);
    const fields = parseFieldSelector(route.def.name, q.get('fieldSelector') ?? '');
    const limitText = q.get('limit');
    const limit = limitText === null ? 0 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0)
      throw badRequest(`invalid limit: ${limitText ?? ''}`);
    if (this.listDelayMs > 0) {
      const ms = this.listDelayMs;
      await new Promise<void>((resolve) => this.#o.clock.setTimer(resolve, ms));
    }
    const result = listObjects(
      this.#o.store.objects,
      this.#snapshots,
      route.def.name,
      {
        namespace: route.namespace,
        labels,
        fields,
        limit,
        continueToken: q.get('continue') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
      },
      this.#o.clock.now(),
      this.#o.continueTtlMs,
    );
    const metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
      resourceVersion: result.resourceVersion,
    };
    if (result.continueToken !== undefined) metadata.continue = result.continueToken;
    if (result.remainingItemCount !== undefined)
      metadata.remainingItemCount = result.remainingItemCount;
    if (neg.table !== null && hasTable(route.def.name)) {
      send(
        res,
        200,
        toTable(route.def.name, result.items, {
          now: this.#o.clock.now(),
          include: this.#include(q),
          apiVersion: neg.table.apiVersion,
          withColumns: true,
          metadata,
        }),
      );
      return;
    }
    // Serialise items one by one into the response: no second copy of a 100k-item list.
    res.writeHead(200, { 'Content-Type': jsonType });
    res.write(
      `{"kind":${JSON.stringify(route.def.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(route.def))},"metadata":${JSON.stringify(metadata)},"items":[`,
    );
    let chunk = '';
    result.items.forEach((item, i) => {
      chunk += (i === 0 ? '' : ',') + JSON.stringify(item);
      if (chunk.length > 65536) {
        res.write(chunk);
        chunk = '';
      }
    });
    res.end(`${chunk}]}`);
  }

  #watch(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, route: Route): void {
    const neg = negotiate(req.headers.accept);
    const labels = this.#labels(q);
    const fields = parseFieldSelector(route.def.name, q.get('fieldSelector') ?? '');
    const sendInitialEvents = q.get('sendInitialEvents') === 'true';
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const rv = q.get('resourceVersion') ?? undefined;
    if (sendInitialEvents && (!bookmarks || q.get('resourceVersionMatch') !== 'NotOlderThan')) {
      throw new StatusError(
        422,
        'Invalid',
        'sendInitialEvents: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks to true',
      );
    }
    if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv))
      throw badRequest(`invalid resource version: ${rv}`);
    const timeoutText = q.get('timeoutSeconds');
    const timeout = timeoutText === null ? 1800 : Number(timeoutText);
    if (!Number.isFinite(timeout) || timeout < 0)
      throw badRequest(`invalid timeoutSeconds: ${timeoutText ?? ''}`);
    const w = new WatchStream(res, this.#o.store.objects, this.#o.clock, this.watches, {
      def: route.def,
      namespace: route.namespace,
      labels,
      fields,
      resourceVersion: rv,
      sendInitialEvents,
      bookmarks,
      bookmarkIntervalMs: this.#o.bookmarkIntervalMs,
      timeoutMs: timeout * 1000,
      table:
        neg.table !== null && hasTable(route.def.name)
          ? { apiVersion: neg.table.apiVersion, include: this.#include(q) }
          : null,
      maxBacklogBytes: 64 * 1024 * 1024,
    });
    w.start();
  }

  async #readBody(req: IncomingMessage, optional = false): Promise<unknown> {
    const text = await this.#readText(req);
    if (text.trim() === '') {
      if (optional) return null;
      throw badRequest('the request body is empty');
    }
    const type = (req.headers['content-type'] ?? jsonType).split(';')[0]?.trim() ?? '';
    if (type === 'application/json' || type === '') return this.#parseJson(text);
    if (type === 'application/yaml' || type === 'application/x-yaml') {
      try {
        return parseYaml(text) as unknown;
      } catch (err) {
        throw badRequest(
          `the request body is not valid YAML: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }

  async #readPatch(req: IncomingMessage): Promise<[PatchType, unknown]> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const kinds: Record<string, PatchType> = {
      'application/merge-patch+json': 'merge',
      'application/strategic-merge-patch+json': 'strategic',
      'application/json-patch+json': 'json',
    };
    const kind = kinds[type];
    if (kind === undefined) {
      throw new StatusError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
    }
    const text = await this.#readText(req);
    return [kind, this.#parseJson(text)];
  }

  #parseJson(text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw badRequest(
        `the request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  #readText(req: IncomingMessage): Promise<string> {
    const max = this.#o.maxBodyBytes;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (c: Buffer) => {
        if (failed) return;
        size += c.length;
        if (size > max) {
          failed = true;
          reject(
            new StatusError(
              413,
              'RequestEntityTooLarge',
              `Request entity too large: limit is ${max}`,
            ),
          );
          req.resume();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', (err) => {
        if (!failed) reject(err);
      });
    });
  }

  async #review(
    req: IncomingMessage,
    res: ServerResponse,
    group: string,
    rest: string[],
  ): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed(req.method ?? '');
    const resource = rest.length === 1 ? rest[0] : undefined;
    const body = (await this.#readBody(req)) as { spec?: Record<string, unknown> } | null;
    const spec = body?.spec ?? {};
    const auth = this.#o.auth;
    const apiVersion = `${group}/v1`;
    if (group === 'authentication.k8s.io' && resource === 'tokenreviews') {
      const token = typeof spec.token === 'string' ? spec.token : '';
      send(res, 201, {
        kind: 'TokenReview',
        apiVersion,
        metadata: { creationTimestamp: null },
        spec,
        status: reviewToken(auth, token),
      });
      return;
    }
    if (
      group === 'authorization.k8s.io' &&
      (resource === 'subjectaccessreviews' || resource === 'selfsubjectaccessreviews')
    ) {
      const ra = (spec.resourceAttributes ?? {}) as Record<string, unknown>;
      const str = (v: unknown): string => (typeof v === 'string' ? v : '');
      let user = str(spec.user);
      let groups = Array.isArray(spec.groups) ? (spec.groups as unknown[]).map(str) : [];
      if (resource === 'selfsubjectaccessreviews') {
        // The caller is whoever the bearer token names; the simulator's own token is an admin.
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const who = reviewToken(auth, token);
        user = who.user?.username ?? 'system:admin';
        groups = who.user?.groups ?? ['system:masters'];
      }
      const decision = reviewAccess(auth, {
        user,
        groups,
        verb: str(ra.verb),
        resource: str(ra.resource),
        namespace: str(ra.namespace),
        group: str(ra.group),
      });
      send(res, 201, {
        kind:
          resource === 'selfsubjectaccessreviews'
            ? 'SelfSubjectAccessReview'
            : 'SubjectAccessReview',
        apiVersion,
        metadata: { creationTimestamp: null },
        spec,
        status: decision.allowed
          ? { allowed: true, reason: decision.reason }
          : { allowed: false, reason: decision.reason },
      });
      return;
    }
    throw notFound(resource ?? '', '', group);
  }
}
