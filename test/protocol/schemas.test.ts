import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.ts';
import { FakeFeed, startServer, TestClient, view } from '../server/helpers.ts';

type Schema = Record<string, unknown>;
const dir = new URL('../../docs/schemas/', import.meta.url);
const schemas = new Map<string, Schema>(
  readdirSync(dir).map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Schema]),
);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The JSON Schema subset docs/schemas uses; returns the problems found (empty: valid). */
function validate(s: Schema, v: unknown, path = '$'): string[] {
  if (typeof s.$ref === 'string') {
    const target = schemas.get(s.$ref);
    return target ? validate(target, v, path) : [`${path}: unknown $ref ${s.$ref}`];
  }
  const out: string[] = [];
  const t = typeOf(v);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.includes(t) && !(t === 'integer' && types.includes('number')))
      return [`${path}: ${t} is not ${types.join('|')}`];
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v))
    out.push(`${path}: not ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v))
    out.push(`${path}: ${JSON.stringify(v)} not in enum`);
  if (
    Array.isArray(s.anyOf) &&
    !(s.anyOf as Schema[]).some((x) => validate(x, v, path).length === 0)
  )
    out.push(`${path}: matches no anyOf branch`);
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && v.length < s.minLength) out.push(`${path}: too short`);
    if (typeof s.maxLength === 'number' && v.length > s.maxLength) out.push(`${path}: too long`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v))
      out.push(`${path}: does not match ${s.pattern}`);
  }
  if (typeof v === 'number' && typeof s.minimum === 'number' && v < s.minimum)
    out.push(`${path}: below minimum`);
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) out.push(`${path}: too few items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems)
      out.push(`${path}: too many items`);
    if (s.items !== undefined)
      v.forEach((x, i) => out.push(...validate(s.items as Schema, x, `${path}[${i}]`)));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const k of (s.required ?? []) as string[])
      if (!(k in o)) out.push(`${path}: missing ${k}`);
    for (const [k, x] of Object.entries(o)) {
      if (k in props) out.push(...validate(props[k] as Schema, x, `${path}.${k}`));
      else if (s.additionalProperties === false) out.push(`${path}: unexpected ${k}`);
      else if (typeof s.additionalProperties === 'object')
        out.push(...validate(s.additionalProperties as Schema, x, `${path}.${k}`));
      const names = s.propertyNames as { not?: { const?: string } } | undefined;
      if (names?.not?.const === k) out.push(`${path}: property ${k} not allowed`);
    }
  }
  return out;
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const crashing = view('api', {
  status: 'CrashLoopBackOff',
  owner: { kind: 'Deployment', name: 'api' },
  containers: [
    {
      name: 'app',
      kind: 'regular',
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      message: 'back-off 10s',
      exitCode: null,
      signal: null,
      ready: false,
      restartCount: 3,
      startedAt: null,
      lastTerminatedAt: 1_700_000_100_000,
      lastReason: 'Error',
      lastExitCode: 1,
    },
  ],
});

describe('docs/schemas', () => {
  it('has a schema for every message, and every frame a real session produces validates', async () => {
    const feed = new FakeFeed();
    feed.apply('ADDED', view('web'));
    const { server, url } = await startServer(feed, { epoch: 'sch', replayDepth: 1 });
    cleanup.push(() => server.close());
    const c = await TestClient.open(url);
    cleanup.push(() => {
      c.close();
    });
    c.send({ type: 'subscribe', id: 'a', status: ['CrashLoopBackOff'] });
    c.send({ type: 'subscribe', id: 'b' });
    c.send({ type: 'subscribe', id: 'c', resume: 'other.1' });
    c.send({ type: 'bogus' });
    await c.sync();
    feed.apply('ADDED', crashing);
    feed.apply('MODIFIED', { ...crashing, status: 'Running' });
    feed.apply('DELETED', { ...crashing, status: 'Running' });
    feed.state$.next({ state: 'reconnecting', since: 1, message: 'watch dropped' });
    await c.sync();
    const d = await TestClient.open(url);
    cleanup.push(() => {
      d.close();
    });
    d.send({ type: 'subscribe', id: 'r', resume: 'sch.3' });
    await d.next((m) => m.type === 'resumed');
    const frames: ServerMessage[] = [...c.messages, ...d.messages];
    const types = new Set(frames.map((m) => m.type));
    expect([...types].sort()).toEqual([
      'change',
      'error',
      'hello',
      'pong',
      'reset',
      'resumed',
      'snapshot',
      'source',
    ]);
    for (const m of frames) {
      const schema = schemas.get(`${m.type}.json`);
      expect(schema, m.type).toBeDefined();
      expect(validate(schema ?? {}, m), JSON.stringify(m)).toEqual([]);
    }
  });

  it.each([
    [
      'subscribe.json',
      {
        type: 'subscribe',
        id: 's',
        namespaces: ['a'],
        labelSelector: 'x=y',
        status: ['Error'],
        resume: 'e.1',
      },
    ],
    ['subscribe.json', { type: 'subscribe', id: 's' }],
    ['unsubscribe.json', { type: 'unsubscribe', id: 's' }],
    ['ping.json', { type: 'ping' }],
  ])('client message %s validates', (file, msg) => {
    expect(validate(schemas.get(file) ?? {}, msg)).toEqual([]);
  });

  it('rejects what the server would reject', () => {
    expect(
      validate(schemas.get('subscribe.json') ?? {}, { type: 'subscribe', id: '', resume: 'x' }),
    ).toEqual(['$.id: too short', '$.resume: matches no anyOf branch']);
  });

  it('docs/protocol.md names every schema and every wire error code', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    for (const f of schemas.keys()) expect(doc).toContain(`schemas/${f}`);
    for (const code of [
      'PP_ERR_WIRE_JSON',
      'PP_ERR_WIRE_BINARY',
      'PP_ERR_WIRE_TYPE',
      'PP_ERR_WIRE_FIELD',
      'PP_ERR_WIRE_TOO_LARGE',
      'PP_ERR_SELECTOR_SYNTAX',
      'PP_ERR_SUB_LIMIT',
      'PP_ERR_SUB_DUPLICATE',
      'PP_ERR_SUB_UNKNOWN',
      'PP_ERR_SLOW_CONSUMER',
      'PP_ERR_UNAUTHORIZED',
      'PP_ERR_ORIGIN',
    ])
      expect(doc).toContain(`\`${code}\``);
  });
});
