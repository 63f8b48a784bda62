import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fx = (name: string): string => `test/fixtures/status/cli/${name}`;
const now = ['--now', '2024-06-01T12:00:00Z'];

function podpulse(
  args: string[],
  stdin?: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bin/podpulse', ['status', ...args], {
    cwd: root,
    input: stdin ?? '',
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const kubectl = (name: string): string =>
  readFileSync(`${root}${fx(`kubectl-1.32/${name}`)}`, 'utf8');

describe('podpulse status: output', () => {
  it('-A prints what kubectl 1.32 printed', () => {
    const r = podpulse(['-A', '-f', fx('pods-all-namespaces.json'), ...now]);
    expect(r).toEqual({ code: 0, stdout: kubectl('all-namespaces.txt'), stderr: '' });
  });
  it('-A -o wide from YAML prints what kubectl 1.32 printed', () => {
    const r = podpulse(['-f', fx('pods-all-namespaces.yaml'), '-A', '-o', 'wide', ...now]);
    expect(r).toEqual({ code: 0, stdout: kubectl('all-namespaces-wide.txt'), stderr: '' });
  });
  it('adds NAMESPACE by itself when pods span namespaces', () => {
    const r = podpulse(['-f', fx('pods-all-namespaces.json'), ...now]);
    expect(r.stdout).toBe(kubectl('all-namespaces.txt'));
  });
  it('escapes control characters and aligns like kubectl', () => {
    expect(podpulse(['-f', fx('control-chars.json'), ...now]).stdout).toBe(
      kubectl('control-chars.txt'),
    );
    expect(podpulse(['-owide', '-f', fx('control-chars.json'), ...now]).stdout).toBe(
      kubectl('control-chars-wide.txt'),
    );
  });
  it('reads stdin with -f -, a PodList from one namespace, without NAMESPACE', () => {
    const r = podpulse(
      ['-f', '-', '--now=2024-06-01T12:00:00Z'],
      readFileSync(`${root}${fx('podlist-default.json')}`, 'utf8'),
    );
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'NAME                    READY   STATUS             RESTARTS       AGE',
        'web-7d4b9c8f6-abcde     1/1     Running            0              3d2h',
        'api-5f6d7c8b9-xyz12     0/1     CrashLoopBackOff   12 (90s ago)   3h',
        'backup-28612345-q7x2k   0/1     Completed          0              10h',
        'db-0                    0/1     Init:0/1           0              60s',
        'batch-evicted-4kx9      0/1     Evicted            0              24h',
        'pending-big-1           0/1     Pending            0              10m',
        '',
      ].join('\n'),
    });
  });
  it('reads a single Pod and concatenates several -f in order', () => {
    const r = podpulse([
      '-f',
      fx('pod-crashloop.json'),
      '--filename',
      fx('pods-multi-doc.yaml'),
      ...now,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual([
      'NAME',
      'api-5f6d7c8b9-xyz12',
      'web-7d4b9c8f6-abcde',
      'api-5f6d7c8b9-xyz12',
      'backup-28612345-q7x2k',
      '',
    ]);
  });
  it('-o json: an array of rows with exactly the contract keys, in input order', () => {
    const r = podpulse(['-o', 'json', '-f', fx('pods-all-namespaces.json'), ...now]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, string>[];
    expect(rows).toHaveLength(9);
    expect(rows[1]).toEqual({
      namespace: 'default',
      name: 'api-5f6d7c8b9-xyz12',
      ready: '0/1',
      status: 'CrashLoopBackOff',
      restarts: '12 (90s ago)',
      age: '3h',
      ip: '10.244.1.6',
      node: 'kind-worker',
      nominatedNode: '<none>',
      readinessGates: '<none>',
    });
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([
        'namespace',
        'name',
        'ready',
        'status',
        'restarts',
        'age',
        'ip',
        'node',
        'nominatedNode',
        'readinessGates',
      ]);
    }
  });
  it('no pods: nothing on stdout, "No resources found" on stderr; -o json prints []', () => {
    expect(podpulse(['-f', fx('empty-list.json'), ...now])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No resources found\n',
    });
    expect(podpulse(['-o', 'json', '-f', fx('empty-list.json'), ...now])).toEqual({
      code: 0,
      stdout: '[]\n',
      stderr: '',
    });
  });
  it('--help', () => {
    const r = podpulse(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: podpulse status -f FILE');
  });
});

describe('podpulse status: bad input and usage', () => {
  it.each<[string, string[], number, string]>([
    [
      'not JSON or YAML',
      ['-f', fx('not-yaml.txt')],
      1,
      `podpulse: ${fx('not-yaml.txt')}: not valid YAML: Sequence item without - indicator at line 3, column 1\n`,
    ],
    [
      'truncated JSON',
      ['-f', fx('truncated-json.txt')],
      1,
      `podpulse: ${fx('truncated-json.txt')}: not valid JSON: `,
    ],
    [
      'a scalar',
      ['-f', fx('scalar.yaml')],
      1,
      `podpulse: ${fx('scalar.yaml')}: expected a Pod, PodList or List object, got a string\n`,
    ],
    [
      'not a pod',
      ['-f', fx('configmap.json')],
      1,
      `podpulse: ${fx('configmap.json')}: kind ConfigMap is not a Pod, PodList or List\n`,
    ],
    [
      'an item of another kind',
      ['-f', fx('list-with-configmap.json')],
      1,
      `podpulse: ${fx('list-with-configmap.json')}: items[3]: kind ConfigMap is not a Pod\n`,
    ],
    [
      'an item that is not an object',
      ['-f', fx('item-not-object.json')],
      1,
      `podpulse: ${fx('item-not-object.json')}: items[1]: expected a Pod object, got a number\n`,
    ],
    [
      'items not a list',
      ['-f', fx('items-not-a-list.json')],
      1,
      `podpulse: ${fx('items-not-a-list.json')}: items is an object, not an array\n`,
    ],
    [
      'no kind',
      ['-f', fx('no-kind.json')],
      1,
      `podpulse: ${fx('no-kind.json')}: kind is missing: expected Pod, PodList or List\n`,
    ],
    [
      'empty file',
      ['-f', fx('empty.json')],
      1,
      `podpulse: ${fx('empty.json')}: empty input: expected a Pod, PodList or List (JSON or YAML)\n`,
    ],
    [
      'empty stdin',
      ['-f', '-'],
      1,
      'podpulse: stdin: empty input: expected a Pod, PodList or List (JSON or YAML)\n',
    ],
    ['missing file', ['-f', 'nope.json'], 1, 'podpulse: nope.json: cannot read: no such file\n'],
    ['a directory', ['-f', 'test'], 1, 'podpulse: test: cannot read: is a directory\n'],
    [
      'missing -f',
      [],
      2,
      "podpulse: missing -f FILE ('-f -' reads stdin) (see 'podpulse status --help')\n",
    ],
    [
      '-f without a value',
      ['-f'],
      2,
      "podpulse: flag -f needs a value (see 'podpulse status --help')\n",
    ],
    [
      'unknown flag',
      ['--watch', '-f', 'x'],
      2,
      "podpulse: unknown flag '--watch' (see 'podpulse status --help')\n",
    ],
    [
      'positional argument',
      ['pods.json'],
      2,
      "podpulse: unexpected argument 'pods.json': name files with -f (see 'podpulse status --help')\n",
    ],
    [
      'unsupported -o',
      ['-o', 'yaml', '-f', 'x'],
      2,
      "podpulse: unsupported output format 'yaml' for -o: use wide or json (see 'podpulse status --help')\n",
    ],
    [
      'bad --now',
      ['-f', 'x', '--now', 'yesterday'],
      2,
      "podpulse: bad --now 'yesterday': expected an RFC 3339 time such as 2024-06-01T12:00:00Z (see 'podpulse status --help')\n",
    ],
  ])('%s', (_name, args, code, stderr) => {
    const r = podpulse(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(stderr)).toBe(true);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line, no stack trace
  });

  it.each<[string, string, string]>([
    ['JSON null', 'null\n', 'podpulse: stdin: expected a Pod, PodList or List object, got null\n'],
    [
      'a JSON array',
      '[1,2]\n',
      'podpulse: stdin: expected a Pod, PodList or List object, got an array\n',
    ],
    [
      'a YAML list',
      '- a\n- b\n',
      'podpulse: stdin: expected a Pod, PodList or List object, got a list\n',
    ],
  ])('stdin: %s', (_name, stdin, stderr) => {
    expect(podpulse(['-f', '-'], stdin)).toEqual({ code: 1, stdout: '', stderr });
  });
});
