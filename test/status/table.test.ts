import { describe, expect, it } from 'vitest';
import { cellText, podTable, renderTable } from '../../src/status/table.ts';
import { tabwrite } from '../../src/status/tabwriter.ts';
import type { PodRow } from '../../src/status/types.ts';

describe('tabwrite (Go text/tabwriter, kubectl settings)', () => {
  it.each<[string, string, string]>([
    [
      'pads columns to the widest cell plus 3',
      'abcd\tbb\tc\nccc\td\te\n',
      'abcd   bb    c\nccc    d     e\n',
    ],
    ['minwidth 6 for narrow columns', 'a\tb\nc\td\n', 'a     b\nc     d\n'],
    ['the last cell of a line is never padded', 'x\ty\n', 'x     y\n'],
    ['widths count code points', 'é\tz\nab\tz\n', 'é     z\nab    z\n'],
    [
      'a line with fewer cells ends the column block',
      'aaaaaaa\tb\nc\nd\te\n',
      'aaaaaaa   b\nc\nd     e\n',
    ],
    ['empty text', '', ''],
  ])('%s', (_name, input, want) => {
    expect(tabwrite(input)).toBe(want);
  });
});

describe('cellText (cli-runtime appendCellValue)', () => {
  it.each<[string, string]>([
    ['Running', 'Running'],
    ['a\nb', 'a...'],
    ['a\rb', 'a...'],
    ['a\fb', 'a...'],
    ['\x1b[31mred', '^[[31mred'],
    ['\x1b[1m\nx', '^[[1m...'],
  ])('%j → %j', (input, want) => {
    expect(cellText(input)).toBe(want);
  });
});

const row = (over: Partial<PodRow>): PodRow => ({
  namespace: 'default',
  name: 'web-1',
  ready: '1/1',
  status: 'Running',
  restarts: '0',
  age: '5m',
  ip: '10.0.0.1',
  node: 'n1',
  nominatedNode: '<none>',
  readinessGates: '<none>',
  ...over,
});

describe('podTable', () => {
  it('prints nothing for no rows (kubectl omits the headers)', () => {
    expect(podTable([], { wide: true, withNamespace: true })).toBe('');
    expect(renderTable(['a'], [])).toBe('');
  });
  it('default columns', () => {
    expect(
      podTable(
        [row({}), row({ name: 'api-0', status: 'CrashLoopBackOff', restarts: '12 (90s ago)' })],
        { wide: false, withNamespace: false },
      ),
    ).toBe(
      'NAME    READY   STATUS             RESTARTS       AGE\n' +
        'web-1   1/1     Running            0              5m\n' +
        'api-0   1/1     CrashLoopBackOff   12 (90s ago)   5m\n',
    );
  });
  it('NAMESPACE first, wide columns last', () => {
    expect(podTable([row({ namespace: 'kube-system' })], { wide: true, withNamespace: true })).toBe(
      'NAMESPACE     NAME    READY   STATUS    RESTARTS   AGE   IP         NODE   NOMINATED NODE   READINESS GATES\n' +
        'kube-system   web-1   1/1     Running   0          5m    10.0.0.1   n1     <none>           <none>\n',
    );
  });
});
