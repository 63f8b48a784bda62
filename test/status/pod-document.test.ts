import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPodDocument } from '../../src/status/pod-document.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/status/cli/${name}`, import.meta.url), 'utf8');
const names = (text: string): string[] => {
  const r = readPodDocument(text, 'in');
  if (!r.ok) throw r.error;
  return r.value.map((p) => p.metadata?.name ?? '?');
};

describe('readPodDocument', () => {
  it('reads a List (kubectl get pods -A -o json) in item order', () => {
    expect(names(fixture('pods-all-namespaces.json'))).toHaveLength(9);
    expect(names(fixture('pods-all-namespaces.json'))[0]).toBe('web-7d4b9c8f6-abcde');
  });
  it('reads the same List as YAML, identically', () => {
    const json = readPodDocument(fixture('pods-all-namespaces.json'), 'a');
    const yaml = readPodDocument(fixture('pods-all-namespaces.yaml'), 'b');
    expect(yaml).toEqual(json);
  });
  it('reads a PodList whose items have no kind (as the API serves it)', () => {
    expect(names(fixture('podlist-default.json'))).toHaveLength(6);
  });
  it('reads a single Pod', () => {
    expect(names(fixture('pod-crashloop.json'))).toEqual(['api-5f6d7c8b9-xyz12']);
  });
  it('reads several YAML documents in order', () => {
    expect(names(fixture('pods-multi-doc.yaml'))).toEqual([
      'web-7d4b9c8f6-abcde',
      'api-5f6d7c8b9-xyz12',
      'backup-28612345-q7x2k',
    ]);
  });
  it('reads an empty List', () => {
    expect(names('{"kind":"List","apiVersion":"v1","items":[]}')).toEqual([]);
    expect(names('kind: PodList\napiVersion: v1\n')).toEqual([]);
  });
  it('accepts JSON-like YAML flow style', () => {
    expect(names('{kind: Pod, metadata: {name: a}}')).toEqual(['a']);
  });

  it.each<[string, string, string]>([
    ['empty', '  \n', 'in: empty input: expected a Pod, PodList or List (JSON or YAML)'],
    [
      'only a document marker',
      '---\n',
      'in: empty input: expected a Pod, PodList or List (JSON or YAML)',
    ],
    [
      'only comments and markers',
      '# nothing\n---\n--- # here\n',
      'in: empty input: expected a Pod, PodList or List (JSON or YAML)',
    ],
    [
      'truncated JSON',
      '{"kind": "List", "items": [',
      'in: not valid JSON: Unexpected end of JSON input',
    ],
    ['bad YAML', 'pods:\n  - name: a\n   bad: [1, 2\n', 'in: not valid YAML: '],
    ['a scalar', 'just some text\n', 'in: expected a Pod, PodList or List object, got a string'],
    ['a JSON array', '[1,2]', 'in: expected a Pod, PodList or List object, got an array'],
    ['a YAML list', '- 1\n- 2\n', 'in: expected a Pod, PodList or List object, got a list'],
    ['JSON null', 'null\n', 'in: expected a Pod, PodList or List object, got null'],
    ['YAML null', '~\n', 'in: expected a Pod, PodList or List object, got null'],
    [
      'a null document',
      'kind: Pod\n---\nnull\n',
      'in: document 2: expected a Pod, PodList or List object, got null',
    ],
    ['a JSON string', '"pods"', 'in: expected a Pod, PodList or List object, got a string'],
    ['no kind', '{"metadata":{"name":"x"}}', 'in: kind is missing: expected Pod, PodList or List'],
    ['another kind', '{"kind":"ConfigMap"}', 'in: kind ConfigMap is not a Pod, PodList or List'],
    ['a non-string kind', '{"kind":{"a":1}}', 'in: kind {"a":1} is not a Pod, PodList or List'],
    [
      'items not an array (JSON)',
      '{"kind":"List","items":{"a":1}}',
      'in: items is an object, not an array',
    ],
    ['items not a list (YAML)', 'kind: List\nitems: 3\n', 'in: items is a number, not a list'],
    [
      'an item of another kind',
      '{"kind":"List","items":[{"kind":"Pod"},{"kind":"Pod"},{"kind":"Pod"},{"kind":"ConfigMap"}]}',
      'in: items[3]: kind ConfigMap is not a Pod',
    ],
    [
      'an item that is not an object',
      '{"kind":"List","items":[{"kind":"Pod"},42]}',
      'in: items[1]: expected a Pod object, got a number',
    ],
    [
      'a List item without kind',
      '{"kind":"List","items":[{"metadata":{}}]}',
      'in: items[0]: kind is missing (expected Pod)',
    ],
    [
      'a bad document among several',
      'kind: Pod\n---\nkind: Secret\n',
      'in: document 2: kind Secret is not a Pod, PodList or List',
    ],
  ])('%s', (_name, text, message) => {
    const r = readPodDocument(text, 'in');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('PP_ERR_INPUT');
    if (message.endsWith(': ')) expect(r.error.message.startsWith(message)).toBe(true);
    else expect(r.error.message).toBe(message);
    expect(r.error.message).not.toContain('\n');
  });
});
