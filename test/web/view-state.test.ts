import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyViewState,
  formatViewState,
  parseViewState,
  sameSubscription,
  splitList,
  type ViewState,
} from '../../src/web/view-state.ts';

describe('parseViewState', () => {
  const cases: [string, string, Partial<ViewState>][] = [
    ['empty query is the empty view', '', {}],
    ['a bare ? is the empty view', '?', {}],
    ['namespaces are comma separated', '?namespace=a,b', { namespaces: ['a', 'b'] }],
    ['repeated namespace params add up', '?namespace=a&namespace=b,a', { namespaces: ['a', 'b'] }],
    [
      'lists drop blanks and trim',
      '?status=%20Error%20,,CrashLoopBackOff',
      { statuses: ['Error', 'CrashLoopBackOff'] },
    ],
    [
      'a selector is kept verbatim',
      '?labelSelector=app%20in%20(a%2Cb)%2Ctier!%3Dfe',
      { labelSelector: 'app in (a,b),tier!=fe' },
    ],
    ['wide=1 and wide=true switch wide on', '?wide=true', { wide: true }],
    ['other wide values do not', '?wide=yes', {}],
    ['a pod is namespace/name', '?pod=prod/api-1', { pod: 'prod/api-1' }],
    ['a pod without a namespace is ignored', '?pod=api-1', {}],
    ['unknown parameters are ignored', '?foo=bar', {}],
  ];
  it.each(cases)('%s', (_, search, expected) => {
    expect(parseViewState(search)).toEqual({ ...emptyViewState, ...expected });
  });
});

describe('formatViewState', () => {
  it('gives an empty string for the empty view', () => {
    expect(formatViewState(emptyViewState)).toBe('');
  });
  it('writes parameters in a fixed order', () => {
    expect(
      formatViewState({
        namespaces: ['a', 'b'],
        labelSelector: 'app=api',
        statuses: ['Error'],
        wide: true,
        pod: 'a/p',
      }),
    ).toBe('?namespace=a%2Cb&labelSelector=app%3Dapi&status=Error&wide=1&pod=a%2Fp');
  });
  it('round-trips any view', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
    const arb = fc.record({
      namespaces: fc.uniqueArray(name, { maxLength: 4 }),
      labelSelector: fc.string().map((s) => s.trim()),
      statuses: fc.uniqueArray(fc.stringMatching(/^[A-Za-z:0-9/]{1,12}$/), { maxLength: 4 }),
      wide: fc.boolean(),
      pod: fc.option(fc.tuple(name, name).map(([a, b]) => `${a}/${b}`)),
    });
    fc.assert(
      fc.property(arb, (state) => {
        expect(parseViewState(formatViewState(state))).toEqual(state);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('splitList and sameSubscription', () => {
  it('splitList keeps first occurrences in order', () => {
    expect(splitList(' b, a ,b,,c')).toEqual(['b', 'a', 'c']);
  });
  it('display-only fields do not change the subscription', () => {
    const a = parseViewState('?namespace=x&status=Error');
    expect(sameSubscription(a, { ...a, wide: true, pod: 'x/y' })).toBe(true);
    expect(sameSubscription(a, { ...a, labelSelector: 'app=api' })).toBe(false);
    expect(sameSubscription(a, { ...a, namespaces: [] })).toBe(false);
    expect(sameSubscription(a, { ...a, statuses: ['Error', 'Pending'] })).toBe(false);
  });
});
