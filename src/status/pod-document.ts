/**
 * Text → pods: a Pod, a PodList or a List of Pods, in JSON or YAML, as `kubectl get pods -o json`
 * or `-o yaml` writes it (several YAML documents separated by `---` are read in order).
 * Pure (no I/O); imported by path, not through status/index.ts, because it pulls in `yaml`.
 */
import { isScalar, parseAllDocuments, type Document } from 'yaml';
import { PodpulseError, type Result } from '../errors.ts';
import type { Pod } from './types.ts';

type Format = 'JSON' | 'YAML';

/** What a value is, in the words of the format it was read from (a JSON array, a YAML list). */
function describe(value: unknown, format: Format): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return format === 'JSON' ? 'an array' : 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The word for a list in the format: JSON has arrays, YAML has lists (sequences). */
function listWord(format: Format): string {
  return format === 'JSON' ? 'an array' : 'a list';
}

/** A document with no content at all (after a trailing `---`, or only comments), unlike `null` or `~`. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  if (c === null) return true;
  return isScalar(c) && c.tag === undefined && c.range[0] === c.range[1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindText(kind: unknown): string {
  return typeof kind === 'string' ? kind : JSON.stringify(kind);
}

function firstLine(message: string): string {
  // yaml's messages continue with a code frame after "line L, column C:"
  return (message.split('\n', 1)[0] ?? message).replace(/:$/, '');
}

function fail(message: string): Result<Pod[]> {
  return { ok: false, error: new PodpulseError('PP_ERR_INPUT', message) };
}

interface Documents {
  format: Format;
  values: unknown[];
}

/**
 * Parses the text into document values, JSON first when it looks like JSON. Empty documents are
 * dropped; an explicit `null` (or `~`) is kept, so it can be reported as what it is.
 */
function parseDocuments(text: string): Result<Documents, string> {
  const trimmed = text.trimStart();
  let jsonError: string | null = null;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { ok: true, value: { format: 'JSON', values: [JSON.parse(text) as unknown] } };
    } catch (err) {
      jsonError = err instanceof Error ? err.message : String(err);
    }
  }
  const values: unknown[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      const error = doc.errors[0];
      if (error !== undefined) {
        return {
          ok: false,
          error:
            jsonError === null
              ? `not valid YAML: ${firstLine(error.message)}`
              : `not valid JSON: ${jsonError}`,
        };
      }
      // an empty document, e.g. after a trailing '---', is no document at all
      if (isEmptyDocument(doc)) continue;
      values.push(doc.toJS({ maxAliasCount: 1000 }) as unknown);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      error:
        jsonError === null
          ? `not valid YAML: ${firstLine(message)}`
          : `not valid JSON: ${jsonError}`,
    };
  }
  return { ok: true, value: { format: 'YAML', values } };
}

/**
 * Reads every pod in `text`, in document and item order. `source` names the input in messages
 * (a file name or "stdin"). Fails with one line, naming the problem and where it is, on: empty
 * input (no document, or only empty ones), text that is neither JSON nor YAML (including truncated
 * JSON), a document that is not a Pod, PodList or List object (`got null`, `got an array` for
 * JSON, `got a list` for YAML), `items` that is not a list, or an item that is not a Pod
 * (`items[3]: kind ConfigMap is not a Pod`). Items of a PodList may omit `kind`, as the API serves them. Nothing else is
 * checked: fields of the wrong type are left to `podView`, which treats them as absent.
 */
export function readPodDocument(text: string, source: string): Result<Pod[]> {
  if (text.trim() === '') {
    return fail(`${source}: empty input: expected a Pod, PodList or List (JSON or YAML)`);
  }
  const parsed = parseDocuments(text);
  if (!parsed.ok) {
    return fail(
      `${source}: ${parsed.error.startsWith('not valid') ? '' : 'not valid JSON or YAML: '}${parsed.error}`,
    );
  }
  const { format, values: documents } = parsed.value;
  if (documents.length === 0) {
    return fail(`${source}: empty input: expected a Pod, PodList or List (JSON or YAML)`);
  }
  const pods: Pod[] = [];
  for (let d = 0; d < documents.length; d++) {
    const doc = documents[d];
    const where = documents.length > 1 ? `${source}: document ${d + 1}` : source;
    if (!isRecord(doc)) {
      return fail(`${where}: expected a Pod, PodList or List object, got ${describe(doc, format)}`);
    }
    const kind = doc.kind;
    if (kind === 'Pod') {
      pods.push(doc);
      continue;
    }
    if (kind !== 'PodList' && kind !== 'List') {
      if (kind === undefined || kind === null || kind === '') {
        return fail(`${where}: kind is missing: expected Pod, PodList or List`);
      }
      return fail(`${where}: kind ${kindText(kind)} is not a Pod, PodList or List`);
    }
    const items = doc.items;
    if (items === undefined || items === null) continue; // an empty list serialises without items
    if (!Array.isArray(items))
      return fail(`${where}: items is ${describe(items, format)}, not ${listWord(format)}`);
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (!isRecord(item))
        return fail(`${where}: items[${i}]: expected a Pod object, got ${describe(item, format)}`);
      const itemKind = item.kind;
      if (
        itemKind === 'Pod' ||
        (kind === 'PodList' && (itemKind === undefined || itemKind === ''))
      ) {
        pods.push(item);
      } else if (itemKind === undefined || itemKind === null || itemKind === '') {
        return fail(`${where}: items[${i}]: kind is missing (expected Pod)`);
      } else {
        return fail(`${where}: items[${i}]: kind ${kindText(itemKind)} is not a Pod`);
      }
    }
  }
  return { ok: true, value: pods };
}
