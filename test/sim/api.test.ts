/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- HTTP bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startSim, type SimCluster } from '../../src/sim/index.ts';
import { call, podBody, WatchReader } from './helpers.ts';

let sim: SimCluster;
let clock: ManualClock;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  sim = await startSim({
    kubelet: false,
    clock,
    bookmarkIntervalMs: 1000,
    continueTtlMs: 60_000,
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(async () => {
  await sim.close();
});

const pods = '/api/v1/namespaces/default/pods';

describe('discovery', () => {
  it('serves /version, /api, /api/v1 and /apis', async () => {
    expect((await call(sim, 'GET', '/version')).body).toMatchObject({ major: '1', minor: '32' });
    expect((await call(sim, 'GET', '/api')).body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });
    const v1 = await call(sim, 'GET', '/api/v1');
    const podRes = v1.body.resources.find((r: { name: string }) => r.name === 'pods');
    expect(podRes).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    expect(v1.body.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['pods/status', 'nodes', 'namespaces', 'events']),
    );
    const apis = await call(sim, 'GET', '/apis');
    expect(apis.body.groups.map((g: { name: string }) => g.name)).toEqual([
      'coordination.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
    ]);
    const coord = await call(sim, 'GET', '/apis/coordination.k8s.io/v1');
    expect(coord.body.resources[0]).toMatchObject({
      name: 'leases',
      kind: 'Lease',
      namespaced: true,
    });
  });

  it('answers unknown paths (including /openapi/v2) with a 404 Status', async () => {
    for (const path of ['/openapi/v2', '/apis/apps/v1', '/api/v2', '/api/v1/frobs']) {
      const r = await call(sim, 'GET', path);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
      });
    }
  });
});

describe('openapi v3 (for kubectl field validation)', () => {
  it('indexes group-versions and declares fieldValidation on PATCH of each resource', async () => {
    const index = await call(sim, 'GET', '/openapi/v3');
    expect(Object.keys(index.body.paths)).toContain('api/v1');
    const doc = await call(sim, 'GET', index.body.paths['api/v1'].serverRelativeURL);
    const patch = doc.body.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: '',
      version: 'v1',
      kind: 'Pod',
    });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect((await call(sim, 'GET', '/openapi/v3/apis/apps/v1')).status).toBe(404);
  });
});

describe('create, get, update', () => {
  it('creates a pod with uid, creationTimestamp, defaults and a Pending status', async () => {
    const r = await call(sim, 'POST', pods, podBody('c1', { status: { phase: 'Running' } }));
    expect(r.status).toBe(201);
    expect(r.body.metadata).toMatchObject({
      name: 'c1',
      namespace: 'default',
      creationTimestamp: '2026-01-01T12:00:00Z',
    });
    expect(r.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
    });
    expect(r.body.spec.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
    });
    expect(r.body.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const got = await call(sim, 'GET', `${pods}/c1`);
    expect(got.body).toEqual(r.body);
  });

  it('generateName appends a 5-character suffix', async () => {
    const r = await call(sim, 'POST', pods, {
      metadata: { generateName: 'gen-' },
      spec: { containers: [{ name: 'a', image: 'a' }] },
    });
    expect(r.status).toBe(201);
    expect(r.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('accepts YAML bodies', async () => {
    const yaml =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n  - name: a\n    image: a\n';
    const r = await call(sim, 'POST', pods, yaml, { 'content-type': 'application/yaml' });
    expect(r.status).toBe(201);
  });

  const bad: [string, unknown, Record<string, string>, number, string, string][] = [
    ['duplicate name', podBody('c1'), {}, 409, 'AlreadyExists', 'pods "c1" already exists'],
    ['malformed JSON', '{"metadata":', {}, 400, 'BadRequest', 'the request body is not valid JSON'],
    [
      'wrong content type',
      'name: x',
      { 'content-type': 'text/plain' },
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format',
    ],
    [
      'no containers',
      { metadata: { name: 'empty' }, spec: {} },
      {},
      422,
      'Invalid',
      'Pod "empty" is invalid: spec.containers: Required value',
    ],
    [
      'bad name',
      podBody('Bad_Name'),
      {},
      422,
      'Invalid',
      'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    ],
    [
      'wrong kind',
      { ...podBody('k'), kind: 'Node' },
      {},
      400,
      'BadRequest',
      'the object provided is unrecognized (must be of type Pod)',
    ],
    [
      'namespace mismatch',
      { ...podBody('m'), metadata: { name: 'm', namespace: 'other' } },
      {},
      400,
      'BadRequest',
      'the namespace of the provided object does not match',
    ],
    [
      'oversize body',
      { ...podBody('big'), metadata: { name: 'big', annotations: { a: 'x'.repeat(70_000) } } },
      {},
      413,
      'RequestEntityTooLarge',
      'Request entity too large: limit is 65536',
    ],
  ];
  it.each(bad)(
    'rejects %s with a Status and changes nothing',
    async (_n, body, headers, code, reason, message) => {
      const rv = sim.store.resourceVersion;
      const r = await call(sim, 'POST', pods, body, headers);
      expect(r.status).toBe(code);
      expect(r.body).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason,
        code,
      });
      expect(r.body.message).toContain(message);
      expect(sim.store.resourceVersion).toBe(rv);
    },
  );

  it('a pod in a missing namespace is 404 namespaces "nope" not found', async () => {
    const r = await call(sim, 'POST', '/api/v1/namespaces/nope/pods', podBody('x'));
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('namespaces "nope" not found');
  });

  it('unknown fields: Strict is 400, Warn (default) drops them with a Warning header', async () => {
    const body = {
      ...podBody('uf'),
      spec: { containers: [{ name: 'a', image: 'a', imag: 'typo' }], bogus: 1 },
    };
    const strict = await call(sim, 'POST', `${pods}?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'strict decoding error: unknown field "spec.bogus", unknown field "spec.containers[0].imag"',
    );
    const warn = await call(sim, 'POST', pods, body);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toContain('unknown field \\"spec.bogus\\"');
    expect(warn.body.spec.bogus).toBeUndefined();
  });

  it('GET of a missing pod is a 404 Status naming it', async () => {
    const r = await call(sim, 'GET', `${pods}/missing`);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
      message: 'pods "missing" not found',
      details: { name: 'missing', kind: 'pods' },
    });
  });

  it('update: optimistic concurrency (409 on a stale resourceVersion) and immutable spec (422)', async () => {
    const cur = (await call(sim, 'GET', `${pods}/c1`)).body;
    const ok = await call(sim, 'PUT', `${pods}/c1`, {
      ...cur,
      metadata: { ...cur.metadata, labels: { app: 'web', tier: 'front' } },
    });
    expect(ok.status).toBe(200);
    expect(Number(ok.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(cur.metadata.resourceVersion),
    );
    const stale = await call(sim, 'PUT', `${pods}/c1`, cur);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods "c1": the object has been modified; please apply your changes to the latest version and try again',
    });
    const latest = ok.body;
    const spec = await call(sim, 'PUT', `${pods}/c1`, {
      ...latest,
      spec: { ...latest.spec, hostname: 'x' },
    });
    expect(spec.status).toBe(422);
    expect(spec.body.message).toContain('pod updates may not change fields other than');
    const status = await call(sim, 'PUT', `${pods}/c1`, {
      ...latest,
      status: { phase: 'Running' },
    });
    expect(status.body.status.phase).toBe('Pending');
  });

  it('a no-op update stores nothing and emits nothing', async () => {
    const cur = (await call(sim, 'GET', `${pods}/c1`)).body;
    const rv = sim.store.resourceVersion;
    const r = await call(sim, 'PUT', `${pods}/c1`, cur);
    expect(r.status).toBe(200);
    expect(sim.store.resourceVersion).toBe(rv);
  });
});

describe('patch and the status subresource', () => {
  it('merge, strategic and JSON patches', async () => {
    await call(sim, 'POST', pods, podBody('p1'));
    const merge = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      { metadata: { labels: { env: 'prod' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(merge.body.metadata.labels).toEqual({ app: 'web', env: 'prod' });
    const smp = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(smp.body.spec.containers).toHaveLength(1);
    expect(smp.body.spec.containers[0].image).toBe('nginx:1.28');
    const jp = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      [{ op: 'remove', path: '/metadata/labels/env' }],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(jp.body.metadata.labels).toEqual({ app: 'web' });
  });

  it('an unsupported patch type is 415; a failed json-patch test is 422 and changes nothing', async () => {
    const r = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      { a: 1 },
      { 'content-type': 'application/apply-patch+yaml' },
    );
    expect(r.status).toBe(415);
    const rv = sim.store.resourceVersion;
    const t = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      [{ op: 'test', path: '/metadata/name', value: 'zz' }],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(t.status).toBe(422);
    expect(sim.store.resourceVersion).toBe(rv);
  });

  it('status subresource writes only status; the main resource keeps status', async () => {
    const st = await call(
      sim,
      'PATCH',
      `${pods}/p1/status`,
      {
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
        metadata: { labels: { hacked: 'yes' } },
      },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(st.status).toBe(200);
    expect(st.body.status.phase).toBe('Running');
    expect(st.body.metadata.labels.hacked).toBeUndefined();
    const main = await call(
      sim,
      'PATCH',
      `${pods}/p1`,
      { status: { phase: 'Failed' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(main.body.status.phase).toBe('Running');
    expect((await call(sim, 'GET', `${pods}/p1/status`)).body.status.phase).toBe('Running');
  });
});

describe('delete', () => {
  it('graceful: deletionTimestamp + deletionGracePeriodSeconds, removed after the grace period', async () => {
    await call(sim, 'POST', pods, podBody('g1', { spec: { nodeName: 'sim-node-1' } }));
    const r = await call(sim, 'DELETE', `${pods}/g1`, { gracePeriodSeconds: 20 });
    expect(r.status).toBe(200);
    expect(r.body.metadata).toMatchObject({
      deletionTimestamp: '2026-01-01T12:00:20Z',
      deletionGracePeriodSeconds: 20,
    });
    clock.advance(19_000);
    expect(sim.store.pod('default', 'g1')).toBeDefined();
    clock.advance(1_000);
    expect(sim.store.pod('default', 'g1')).toBeUndefined();
    clock.advance(-0);
  });

  it('gracePeriodSeconds=0 and unscheduled pods are removed at once', async () => {
    await call(sim, 'POST', pods, podBody('g2', { spec: { nodeName: 'sim-node-1' } }));
    await call(sim, 'DELETE', `${pods}/g2?gracePeriodSeconds=0`);
    expect(sim.store.pod('default', 'g2')).toBeUndefined();
    await call(sim, 'POST', pods, podBody('g3'));
    await call(sim, 'DELETE', `${pods}/g3`);
    expect(sim.store.pod('default', 'g3')).toBeUndefined();
  });

  it('finalizers keep the object until they are removed', async () => {
    await call(
      sim,
      'POST',
      pods,
      podBody('f1', { metadata: { finalizers: ['example.com/hold'] } }),
    );
    await call(sim, 'DELETE', `${pods}/f1`);
    const held = sim.store.pod('default', 'f1');
    expect(held?.metadata.deletionTimestamp).toBeDefined();
    await call(
      sim,
      'PATCH',
      `${pods}/f1`,
      { metadata: { finalizers: null } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(sim.store.pod('default', 'f1')).toBeUndefined();
  });

  it('preconditions that do not hold are 409', async () => {
    await call(sim, 'POST', pods, podBody('pc'));
    const r = await call(sim, 'DELETE', `${pods}/pc`, { preconditions: { uid: 'nope' } });
    expect(r.status).toBe(409);
    expect(sim.store.pod('default', 'pc')).toBeDefined();
  });
});

describe('list', () => {
  beforeAll(async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'list' } });
    for (let i = 0; i < 7; i++) {
      await call(
        sim,
        'POST',
        '/api/v1/namespaces/list/pods',
        podBody(`l${i}`, {
          metadata: { labels: { app: i % 2 === 0 ? 'even' : 'odd', idx: String(i) } },
          spec: { nodeName: `sim-node-${(i % 3) + 1}` },
        }),
      );
    }
  });
  const names = (r: { body: { items: { metadata: { name: string } }[] } }): string[] =>
    r.body.items.map((p) => p.metadata.name);

  it('label and field selectors', async () => {
    const base = '/api/v1/namespaces/list/pods';
    expect(
      names(
        await call(
          sim,
          'GET',
          `${base}?labelSelector=${encodeURIComponent('app=even,idx notin (0)')}`,
        ),
      ),
    ).toEqual(['l2', 'l4', 'l6']);
    expect(
      names(await call(sim, 'GET', `${base}?labelSelector=${encodeURIComponent('!idx')}`)),
    ).toEqual([]);
    expect(
      names(await call(sim, 'GET', `${base}?fieldSelector=spec.nodeName%3Dsim-node-2`)),
    ).toEqual(['l1', 'l4']);
    expect(
      names(
        await call(
          sim,
          'GET',
          `${base}?fieldSelector=${encodeURIComponent('metadata.name!=l0,spec.nodeName==sim-node-1')}`,
        ),
      ),
    ).toEqual(['l3', 'l6']);
    const cluster = await call(sim, 'GET', `/api/v1/pods?fieldSelector=metadata.namespace%3Dlist`);
    expect(names(cluster)).toHaveLength(7);
  });

  it('bad selectors are 400', async () => {
    const a = await call(sim, 'GET', `${pods}?labelSelector=${encodeURIComponent('app in (a')}`);
    expect(a.status).toBe(400);
    expect(a.body.message).toContain("at index 9 in selector 'app in (a'");
    const f = await call(sim, 'GET', `${pods}?fieldSelector=spec.bogus%3Dx`);
    expect(f.body).toMatchObject({ code: 400, message: 'field label not supported: spec.bogus' });
  });

  it('limit/continue pages over one consistent snapshot, with remainingItemCount', async () => {
    const base = '/api/v1/namespaces/list/pods';
    const p1 = await call(sim, 'GET', `${base}?limit=3`);
    expect(names(p1)).toEqual(['l0', 'l1', 'l2']);
    expect(p1.body.metadata.remainingItemCount).toBe(4);
    // A write between pages does not show up in later pages.
    await call(sim, 'POST', base, podBody('l3a'));
    await call(sim, 'DELETE', `${base}/l5?gracePeriodSeconds=0`);
    const p2 = await call(sim, 'GET', `${base}?limit=3&continue=${p1.body.metadata.continue}`);
    expect(names(p2)).toEqual(['l3', 'l4', 'l5']);
    expect(p2.body.metadata.resourceVersion).toBe(p1.body.metadata.resourceVersion);
    const p3 = await call(sim, 'GET', `${base}?limit=3&continue=${p2.body.metadata.continue}`);
    expect(names(p3)).toEqual(['l6']);
    expect(p3.body.metadata.continue).toBeUndefined();
    const fresh = await call(sim, 'GET', base);
    expect(names(fresh)).toEqual(['l0', 'l1', 'l2', 'l3', 'l3a', 'l4', 'l6']);
  });

  it('continue tokens expire (410) after their lifetime, and bad tokens are 400', async () => {
    const p1 = await call(sim, 'GET', '/api/v1/namespaces/list/pods?limit=2');
    clock.advance(61_000);
    const late = await call(
      sim,
      'GET',
      `/api/v1/namespaces/list/pods?limit=2&continue=${p1.body.metadata.continue}`,
    );
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ reason: 'Expired', code: 410 });
    expect(late.body.message).toContain('The provided continue parameter is too old');
    const bad = await call(sim, 'GET', '/api/v1/namespaces/list/pods?continue=garbage');
    expect(bad.status).toBe(400);
  });

  it('resourceVersion semantics: Exact lists the past, too large is 504, match without version is 422', async () => {
    const before = await call(sim, 'GET', '/api/v1/namespaces/list/pods');
    await call(sim, 'POST', '/api/v1/namespaces/list/pods', podBody('later'));
    const exact = await call(
      sim,
      'GET',
      `/api/v1/namespaces/list/pods?resourceVersion=${before.body.metadata.resourceVersion}&resourceVersionMatch=Exact`,
    );
    expect(names(exact)).toEqual(names(before));
    expect(
      names(await call(sim, 'GET', '/api/v1/namespaces/list/pods?resourceVersion=0')),
    ).toContain('later');
    const big = await call(sim, 'GET', `${pods}?resourceVersion=999999999`);
    expect(big.status).toBe(504);
    const noRv = await call(sim, 'GET', `${pods}?resourceVersionMatch=NotOlderThan`);
    expect(noRv.status).toBe(422);
  });

  it('Table output for kubectl: column definitions and rows from the status engine', async () => {
    const r = await call(sim, 'GET', '/api/v1/namespaces/list/pods?limit=2', undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(r.body.kind).toBe('Table');
    expect(r.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Node',
      'Nominated Node',
      'Readiness Gates',
    ]);
    expect(r.body.rows[0].cells).toEqual([
      'l0',
      '0/1',
      'Pending',
      '0',
      expect.any(String),
      '<none>',
      'sim-node-1',
      '<none>',
      '<none>',
    ]);
    expect(r.body.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'l0', namespace: 'list' },
    });
    expect(r.body.metadata.continue).toBeDefined();
    const nodes = await call(sim, 'GET', '/api/v1/nodes', undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    expect(nodes.body.rows.map((row: { cells: string[] }) => row.cells.slice(0, 3))).toEqual([
      ['sim-node-1', 'Ready', 'control-plane'],
      ['sim-node-2', 'Ready', '<none>'],
      ['sim-node-3', 'Ready', '<none>'],
    ]);
  });

  it('an unacceptable Accept header is 406', async () => {
    const r = await call(sim, 'GET', pods, undefined, {
      accept: 'application/vnd.kubernetes.protobuf',
    });
    expect(r.status).toBe(406);
  });
});

describe('watch', () => {
  it('without resourceVersion: current objects as ADDED, then changes in order', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'w1' } });
    await call(sim, 'POST', '/api/v1/namespaces/w1/pods', podBody('a'));
    const w = await WatchReader.open(sim, '/api/v1/namespaces/w1/pods?watch=true');
    expect(await w.next()).toMatchObject({
      type: 'ADDED',
      object: { kind: 'Pod', metadata: { name: 'a' } },
    });
    await call(sim, 'POST', '/api/v1/namespaces/w1/pods', podBody('b'));
    await call(
      sim,
      'PATCH',
      '/api/v1/namespaces/w1/pods/a',
      { metadata: { labels: { x: 'y' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    await call(sim, 'DELETE', '/api/v1/namespaces/w1/pods/b');
    const evs = [await w.next(), await w.next(), await w.next()];
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED b',
      'MODIFIED a',
      'DELETED b',
    ]);
    const rvs = evs.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    w.close();
  });

  it('from an exact resourceVersion: replays only later events; /watch/ paths work too', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'w2' } });
    const first = await call(sim, 'POST', '/api/v1/namespaces/w2/pods', podBody('a'));
    await call(sim, 'POST', '/api/v1/namespaces/w2/pods', podBody('b'));
    const w = await WatchReader.open(
      sim,
      `/api/v1/watch/namespaces/w2/pods?resourceVersion=${first.body.metadata.resourceVersion}`,
    );
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    w.close();
  });

  it('a version older than retained history gets an ERROR event with a 410 Expired Status', async () => {
    const old = sim.store.resourceVersion;
    await call(sim, 'POST', pods, podBody('after-compact-0'));
    sim.faults.compact();
    const w = await WatchReader.open(sim, `${pods}?watch=1&resourceVersion=${old}`);
    const ev = await w.next();
    expect(ev).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 },
    });
    expect(ev.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    await w.waitEnded();
  });

  it('bookmarks when allowed, and the stream ends after timeoutSeconds', async () => {
    const w = await WatchReader.open(
      sim,
      `/api/v1/namespaces/kube-system/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=${sim.store.resourceVersion}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(1000);
    const bm = await w.next();
    expect(bm).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { resourceVersion: sim.store.resourceVersion },
      },
    });
    clock.advance(2000);
    await w.waitEnded();
  });

  it('sendInitialEvents: ADDED for each object, then the initial-events-end bookmark; 422 without its requirements', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'w3' } });
    await call(sim, 'POST', '/api/v1/namespaces/w3/pods', podBody('a'));
    await call(sim, 'POST', '/api/v1/namespaces/w3/pods', podBody('b'));
    const w = await WatchReader.open(
      sim,
      '/api/v1/namespaces/w3/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan',
    );
    expect((await w.next()).object.metadata.name).toBe('a');
    expect((await w.next()).object.metadata.name).toBe('b');
    const end = await w.next();
    expect(end).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    w.close();
    const bad = await call(
      sim,
      'GET',
      '/api/v1/namespaces/w3/pods?watch=true&sendInitialEvents=true',
    );
    expect(bad.status).toBe(422);
  });

  it('selectors: an object that stops matching arrives as DELETED, one that starts matching as ADDED', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'w4' } });
    await call(sim, 'POST', '/api/v1/namespaces/w4/pods', podBody('s'));
    const w = await WatchReader.open(
      sim,
      `/api/v1/namespaces/w4/pods?watch=true&labelSelector=app%3Dweb`,
    );
    expect((await w.next()).type).toBe('ADDED');
    const mp = { 'content-type': 'application/merge-patch+json' };
    const moved = await call(
      sim,
      'PATCH',
      '/api/v1/namespaces/w4/pods/s',
      { metadata: { labels: { app: 'db' } } },
      mp,
    );
    const gone = await w.next();
    expect(gone.type).toBe('DELETED');
    expect(gone.object.metadata.labels.app).toBe('web');
    expect(gone.object.metadata.resourceVersion).toBe(moved.body.metadata.resourceVersion);
    await call(
      sim,
      'PATCH',
      '/api/v1/namespaces/w4/pods/s',
      { metadata: { labels: { app: 'web' } } },
      mp,
    );
    expect(await w.next()).toMatchObject({
      type: 'ADDED',
      object: { metadata: { labels: { app: 'web' } } },
    });
    w.close();
  });

  it('Table watch events for kubectl get -w: columns once, then rows', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'w5' } });
    await call(sim, 'POST', '/api/v1/namespaces/w5/pods', podBody('t'));
    const w = await WatchReader.open(sim, '/api/v1/namespaces/w5/pods?watch=true', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const first = await w.next();
    expect(first.object.kind).toBe('Table');
    expect(first.object.columnDefinitions).toHaveLength(9);
    expect(first.object.rows[0].cells.slice(0, 3)).toEqual(['t', '0/1', 'Pending']);
    await call(
      sim,
      'PATCH',
      '/api/v1/namespaces/w5/pods/t/status',
      { status: { phase: 'Running' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    const second = await w.next();
    expect(second.object.columnDefinitions).toEqual([]);
    expect(second.object.rows[0].cells[2]).toBe('Running');
    w.close();
  });
});

describe('other resources and reviews', () => {
  it('leases CRUD in coordination.k8s.io/v1', async () => {
    const base = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    const c = await call(sim, 'POST', base, {
      metadata: { name: 'leader' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    const u = await call(sim, 'PUT', `${base}/leader`, {
      ...c.body,
      spec: { ...c.body.spec, holderIdentity: 'b' },
    });
    expect(u.body.spec.holderIdentity).toBe('b');
    const stale = await call(sim, 'PUT', `${base}/leader`, c.body);
    expect(stale.status).toBe(409);
  });

  it('namespaces: deleting one terminates it and its pods', async () => {
    await call(sim, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call(sim, 'POST', '/api/v1/namespaces/doomed/pods', podBody('x'));
    const d = await call(sim, 'DELETE', '/api/v1/namespaces/doomed');
    expect(d.body.status.phase).toBe('Terminating');
    const refused = await call(sim, 'POST', '/api/v1/namespaces/doomed/pods', podBody('y'));
    expect(refused.status).toBe(403);
    clock.advance(0);
    expect(sim.store.pod('doomed', 'x')).toBeUndefined();
    expect((await call(sim, 'GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  });

  it('TokenReview and SubjectAccessReview from the users-and-rules config', async () => {
    const tr = await call(sim, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: 'shop-token' },
    });
    expect(tr.body.status).toMatchObject({
      authenticated: true,
      user: { username: 'shop-dev', groups: ['shop-team', 'system:authenticated'] },
    });
    const bad = await call(sim, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      spec: { token: 'nope' },
    });
    expect(bad.body.status.authenticated).toBe(false);
    const sar = (ns: string, verb = 'list') =>
      call(sim, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        spec: {
          user: 'shop-dev',
          groups: ['shop-team'],
          resourceAttributes: { namespace: ns, verb, resource: 'pods' },
        },
      });
    expect((await sar('shop')).body.status.allowed).toBe(true);
    expect((await sar('payments')).body.status.allowed).toBe(false);
    expect((await sar('shop', 'delete')).body.status.allowed).toBe(false);
  });

  it('wrong methods are 405', async () => {
    const r = await call(sim, 'PUT', pods, podBody('x'));
    expect(r.status).toBe(405);
    expect(r.body.reason).toBe('MethodNotAllowed');
  });
});

describe('faults', () => {
  it('drop-watches breaks open streams; malformed-line writes a line that is not JSON', async () => {
    const w1 = await WatchReader.open(
      sim,
      `${pods}?watch=true&resourceVersion=${sim.store.resourceVersion}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(
      (await call(sim, 'POST', '/sim/faults/malformed-line')).body.written,
    ).toBeGreaterThanOrEqual(1);
    expect(typeof (await w1.nextRaw())).toBe('string');
    expect(sim.faults.dropWatches()).toBeGreaterThanOrEqual(1);
    await w1.waitEnded();
  });

  it('stall holds events back, then delivers them in order', async () => {
    const w = await WatchReader.open(
      sim,
      `${pods}?watch=true&resourceVersion=${sim.store.resourceVersion}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    sim.faults.stallWatches(5000);
    await call(sim, 'POST', pods, podBody('stalled-1'));
    await expect(w.next(200)).rejects.toThrow('timed out');
    clock.advance(5000);
    expect((await w.next()).object.metadata.name).toBe('stalled-1');
    w.close();
  });

  it('control endpoint: unknown actions are 404', async () => {
    expect((await call(sim, 'POST', '/sim/faults/nope')).status).toBe(404);
    expect((await call(sim, 'GET', '/sim/state')).body.pods).toBeGreaterThan(0);
  });
});

describe('authentication and restart', () => {
  it('requires the bearer token when one is set; restart refuses connections and keeps the data', async () => {
    const s = await startSim({ token: 'sekret', kubelet: false });
    try {
      expect((await fetch(`${s.url}/api/v1/pods`)).status).toBe(401);
      const ok = await fetch(`${s.url}/api/v1/namespaces/default/pods`, {
        method: 'POST',
        headers: { authorization: 'Bearer sekret', 'content-type': 'application/json' },
        body: JSON.stringify(podBody('kept')),
      });
      expect(ok.status).toBe(201);
      expect(s.kubeconfig()).toContain('token: sekret');
      const restarting = s.faults.restart(300);
      await new Promise((r) => setTimeout(r, 50));
      await expect(
        fetch(`${s.url}/version`, { headers: { authorization: 'Bearer sekret' } }),
      ).rejects.toThrow();
      await restarting;
      const got = await fetch(`${s.url}/api/v1/namespaces/default/pods/kept`, {
        headers: { authorization: 'Bearer sekret' },
      });
      expect(got.status).toBe(200);
    } finally {
      await s.close();
      await s.close();
    }
  });
});

describe('tls', () => {
  it('serves https with a self-signed certificate that the kubeconfig trusts', async () => {
    const { request } = await import('node:https');
    const { parse } = await import('yaml');
    const s = await startSim({ tls: true, kubelet: false });
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const kc = parse(s.kubeconfig()) as { clusters: { cluster: Record<string, string> }[] };
      const ca = Buffer.from(
        kc.clusters[0]?.cluster['certificate-authority-data'] ?? '',
        'base64',
      ).toString();
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${s.url}/version`, { ca }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            resolve(text);
          });
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toMatchObject({ gitVersion: 'v1.32.0-podpulse-sim' });
    } finally {
      await s.close();
    }
  });
});
