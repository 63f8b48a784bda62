import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PodStore } from '../../src/web/pod-store.ts';
import { change, view } from './builders.ts';

const names = (s: PodStore) => s.rows().map((v) => `${v.namespace}/${v.name}`);
const api = { kind: 'Deployment', name: 'api' };

describe('PodStore', () => {
  it('a snapshot is sorted by namespace then name, in byte order', () => {
    const s = new PodStore();
    s.replace([
      view({ name: 'b' }),
      view({ namespace: 'kube-system', name: 'a' }),
      view({ name: 'B' }),
      view({ name: 'a' }),
    ]);
    expect(names(s)).toEqual(['default/B', 'default/a', 'default/b', 'kube-system/a']);
  });

  it('ADDED inserts in order, MODIFIED replaces in place, DELETED removes', () => {
    const s = new PodStore();
    s.replace([view({ name: 'a' }), view({ name: 'c' })]);
    s.apply(change('ADDED', view({ name: 'b', status: 'Pending' })));
    expect(names(s)).toEqual(['default/a', 'default/b', 'default/c']);
    s.apply(change('MODIFIED', view({ name: 'b', status: 'Running' }), { status: 'Pending' }));
    expect(s.get('uid-default-b')?.status).toBe('Running');
    expect(s.indexOf('uid-default-b')).toBe(1);
    s.apply(change('DELETED', view({ name: 'a' })));
    expect(names(s)).toEqual(['default/b', 'default/c']);
    expect(s.indexOf('uid-default-a')).toBe(-1);
  });

  it('converges whatever the order: ADDED twice upserts, DELETED of an unknown pod is ignored', () => {
    const s = new PodStore();
    s.apply(change('ADDED', view({ name: 'a', status: 'Pending' })));
    s.apply(change('ADDED', view({ name: 'a', status: 'Running' })));
    s.apply(change('MODIFIED', view({ name: 'z', status: 'Error' })));
    s.apply(change('DELETED', view({ name: 'q' })));
    expect(names(s)).toEqual(['default/a', 'default/z']);
    expect([...s.counts()]).toEqual([
      ['Running', 1],
      ['Error', 1],
    ]);
  });

  it('keeps counts and workload groups in step with every change', () => {
    const s = new PodStore();
    s.replace([
      view({ name: 'api-1', owner: api }),
      view({ name: 'api-2', owner: api }),
      view({ name: 'solo', status: 'Pending' }),
    ]);
    s.apply(
      change('MODIFIED', view({ name: 'api-2', owner: api, status: 'CrashLoopBackOff' }), {
        status: 'Running',
      }),
    );
    expect(Object.fromEntries(s.counts())).toEqual({ Running: 1, CrashLoopBackOff: 1, Pending: 1 });
    const g = s.groups().get('default/Deployment/api');
    expect(g?.total).toBe(2);
    expect(Object.fromEntries(g?.byStatus ?? [])).toEqual({ Running: 1, CrashLoopBackOff: 1 });
    s.apply(change('DELETED', view({ name: 'solo', status: 'Pending' })));
    expect(s.groups().has('default//')).toBe(false);
    expect(s.counts().has('Pending')).toBe(false);
  });

  it('findByName finds namespace/name, and the version moves on every mutation', () => {
    const s = new PodStore();
    const v0 = s.version;
    s.replace([view({ name: 'a' }), view({ namespace: 'x', name: 'a' })]);
    expect(s.findByName('x/a')?.namespace).toBe('x');
    expect(s.findByName('x/b')).toBeUndefined();
    expect(s.version).toBeGreaterThan(v0);
  });

  it('matches a naive model under any sequence of changes', () => {
    const op = fc.record({
      type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED' as const),
      ns: fc.constantFrom('a', 'b', 'c'),
      name: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
      status: fc.constantFrom('Running', 'Pending', 'Error'),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const s = new PodStore();
        const model = new Map<string, string>();
        for (const o of ops) {
          const v = view({ namespace: o.ns, name: o.name, status: o.status });
          s.apply(change(o.type, v));
          if (o.type === 'DELETED') model.delete(`${o.ns}/${o.name}`);
          else model.set(`${o.ns}/${o.name}`, o.status);
        }
        expect(names(s)).toEqual([...model.keys()].sort());
        const counts = new Map<string, number>();
        for (const st of model.values()) counts.set(st, (counts.get(st) ?? 0) + 1);
        expect(new Map(s.counts())).toEqual(counts);
        let total = 0;
        for (const g of s.groups().values()) total += g.total;
        expect(total).toBe(model.size);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('column widths follow what was applied and restart with each snapshot', () => {
    const s = new PodStore();
    s.replace([view({ name: 'a-rather-long-name' })]);
    expect(s.widths.lengths[1]).toBe(18);
    s.apply(change('ADDED', view({ name: 'an-even-longer-pod-name' })));
    expect(s.widths.lengths[1]).toBe(23);
    s.replace([view({ name: 'short' })]);
    expect(s.widths.lengths[1]).toBe('short'.length);
  });
});
