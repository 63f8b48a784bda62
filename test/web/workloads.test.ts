import { describe, expect, it } from 'vitest';
import { PodStore } from '../../src/web/pod-store.ts';
import {
  orderedCounts,
  orderedWorkloads,
  workloadClass,
  workloadName,
  workloadSummary,
} from '../../src/web/workloads.ts';
import { view } from './builders.ts';

function groupsOf(...views: Parameters<typeof view>[0][]) {
  const s = new PodStore();
  s.replace(views.map(view));
  return s.groups();
}

describe('workloads', () => {
  const api = { kind: 'Deployment', name: 'api' };
  const job = { kind: 'Job', name: 'migrate' };

  it('summarises a Deployment as kubectl users read it', () => {
    const g = groupsOf(
      { name: 'api-1', owner: api },
      { name: 'api-2', owner: api },
      { name: 'api-3', owner: api },
      { name: 'api-4', owner: api, status: 'CrashLoopBackOff' },
    ).get('default/Deployment/api');
    if (g === undefined) throw new Error('no group');
    expect(`${workloadName(g)} ${workloadSummary(g)}`).toBe(
      'api (Deployment) 3/4 Running, 1 CrashLoopBackOff',
    );
    expect(workloadClass(g)).toBe('failing');
  });

  it('a finished Job shows 0 Running and its completions', () => {
    const g = groupsOf({ name: 'm-1', owner: job, status: 'Completed' }).get('default/Job/migrate');
    if (g === undefined) throw new Error('no group');
    expect(workloadSummary(g)).toBe('0/1 Running, 1 Completed');
    expect(workloadClass(g)).toBe('healthy');
  });

  it('pods without a controller form one group per namespace', () => {
    const groups = groupsOf({ name: 'a' }, { name: 'b', status: 'Pending' });
    const g = groups.get('default//');
    if (g === undefined) throw new Error('no group');
    expect(workloadName(g)).toBe('(no controller)');
    expect(workloadSummary(g)).toBe('1/2 Running, 1 Pending');
  });

  it('orders counts worst first, then by count', () => {
    const counts = new Map([
      ['Running', 10],
      ['Pending', 2],
      ['Error', 1],
      ['CrashLoopBackOff', 3],
      ['Terminating', 1],
    ]);
    expect(orderedCounts(counts).map(([s]) => s)).toEqual([
      'CrashLoopBackOff',
      'Error',
      'Terminating',
      'Pending',
      'Running',
    ]);
  });

  it('orders workloads with failures first', () => {
    const groups = groupsOf(
      { name: 'a-1', owner: { kind: 'Deployment', name: 'a' } },
      { name: 'z-1', owner: { kind: 'Deployment', name: 'z' }, status: 'Error' },
    );
    expect(orderedWorkloads(groups.values()).map((g) => g.key)).toEqual([
      'default/Deployment/z',
      'default/Deployment/a',
    ]);
  });
});
