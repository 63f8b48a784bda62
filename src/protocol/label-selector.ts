/**
 * Kubernetes label selectors: the syntax apimachinery's `labels.Parse` accepts, and matching.
 *
 * Grammar (whitespace allowed between tokens, comma means AND):
 *   selector    := "" | requirement ("," requirement)*
 *   requirement := ["!"] key | key ("=" | "==" | "!=") [value] | key ("in" | "notin") "(" values ")"
 *                | key (">" | "<") integer
 * Keys are qualified names (optional DNS-subdomain prefix and "/"), values are at most 63
 * characters of [A-Za-z0-9._-] starting and ending alphanumeric, or empty. As in Kubernetes, `!=`
 * and `notin` match objects that lack the key, empty entries in a set (`(a,,b)`) mean the empty
 * value, and the empty selector matches everything.
 */
import { PodpulseError, type Result } from '../errors.ts';

export type SelectorOperator =
  'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

/** One clause of a selector. `values` is sorted and duplicate-free. */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A parsed selector: every requirement must hold (AND). Immutable. */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
}

/** The selector that matches every object. */
export const everything: LabelSelector = Object.freeze({ requirements: Object.freeze([]) });

type TokenKind =
  'ident' | 'in' | 'notin' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  index: number;
}

const symbols = ['!=', '==', '!', '=', '>', '<', '(', ')', ','] as const;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
function isSymbolStart(c: string): boolean {
  return c === '!' || c === '=' || c === '>' || c === '<' || c === '(' || c === ')' || c === ',';
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isSymbolStart(c)) {
      const sym = symbols.find((s) => text.startsWith(s, i)) ?? c;
      tokens.push({ kind: sym as TokenKind, text: sym, index: i });
      i += sym.length;
      continue;
    }
    const start = i;
    while (i < text.length && !isSpace(text.charAt(i)) && !isSymbolStart(text.charAt(i))) i++;
    const word = text.slice(start, i);
    const kind: TokenKind = word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'ident';
    tokens.push({ kind, text: word, index: start });
  }
  tokens.push({ kind: 'end', text: 'end of string', index: text.length });
  return tokens;
}

const dnsLabel = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dnsSubdomainRe = new RegExp(`^${dnsLabel}(\\.${dnsLabel})*$`);
const qualifiedNameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a valid label key, or null when it is. */
export function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  let name = key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    name = key.slice(slash + 1);
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253) return 'prefix part must be no more than 253 characters';
    if (!dnsSubdomainRe.test(prefix)) {
      return 'prefix part must be a lowercase RFC 1123 subdomain';
    }
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!qualifiedNameRe.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return null;
}

/** Why `value` is not a valid label value, or null when it is (the empty value is valid). */
export function labelValueProblem(value: string): string | null {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!labelValueRe.test(value)) {
    return "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return null;
}

class SyntaxFailure extends Error {
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

function describe(tok: Token): string {
  return tok.kind === 'end' ? 'end of string' : `'${tok.text}'`;
}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }
  peek(): Token {
    // The token list always ends with 'end', and #pos never passes it.
    return this.#tokens[Math.min(this.#pos, this.#tokens.length - 1)] as Token;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.#pos++;
    return t;
  }
  /** In value position the keywords `in`/`notin` are plain identifiers. */
  static asValue(t: Token): boolean {
    return t.kind === 'ident' || t.kind === 'in' || t.kind === 'notin';
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    if (this.peek().kind === 'end') return out;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident' && t.kind !== '!' && t.kind !== 'in' && t.kind !== 'notin') {
        throw new SyntaxFailure(`unexpected ${describe(t)}, expected '!' or a key`, t.index);
      }
      out.push(this.requirement());
      const sep = this.next();
      if (sep.kind === 'end') return out;
      if (sep.kind !== ',') {
        throw new SyntaxFailure(
          `unexpected ${describe(sep)}, expected ',' or end of string`,
          sep.index,
        );
      }
      const after = this.peek();
      if (after.kind === 'end') {
        throw new SyntaxFailure(`unexpected end of string after ',', expected a key`, after.index);
      }
    }
  }

  requirement(): Requirement {
    let negated = false;
    if (this.peek().kind === '!') {
      this.next();
      negated = true;
    }
    const keyTok = this.next();
    if (!Parser.asValue(keyTok)) {
      throw new SyntaxFailure(`unexpected ${describe(keyTok)}, expected a key`, keyTok.index);
    }
    const key = keyTok.text;
    const problem = labelKeyProblem(key);
    if (problem !== null) {
      throw new SyntaxFailure(`invalid label key '${key}': ${problem}`, keyTok.index);
    }
    const opTok = this.peek();
    if (negated || opTok.kind === ',' || opTok.kind === 'end') {
      return { key, operator: negated ? 'DoesNotExist' : 'Exists', values: [] };
    }
    this.next();
    switch (opTok.kind) {
      case '=':
      case '==':
      case '!=': {
        const value = this.exactValue();
        return { key, operator: opTok.kind === '!=' ? 'NotEquals' : 'Equals', values: [value] };
      }
      case '>':
      case '<': {
        const valueTok = this.peek();
        const value = this.exactValue();
        if (!/^-?[0-9]+$/.test(value)) {
          throw new SyntaxFailure(
            `for '${opTok.text}' the value must be an integer, got '${value}'`,
            valueTok.index,
          );
        }
        return { key, operator: opTok.kind === '>' ? 'GreaterThan' : 'LessThan', values: [value] };
      }
      case 'in':
      case 'notin': {
        const values = this.valueSet(opTok);
        return { key, operator: opTok.kind === 'in' ? 'In' : 'NotIn', values };
      }
      case 'ident':
      case '!':
      case '(':
      case ')':
        throw new SyntaxFailure(
          `unexpected ${describe(opTok)}, expected one of '=', '==', '!=', 'in', 'notin', '>', '<', ',' or end of string`,
          opTok.index,
        );
    }
  }

  exactValue(): string {
    const t = this.peek();
    if (t.kind === ',' || t.kind === 'end') return '';
    this.next();
    if (!Parser.asValue(t)) {
      throw new SyntaxFailure(`unexpected ${describe(t)}, expected a value`, t.index);
    }
    const problem = labelValueProblem(t.text);
    if (problem !== null) {
      throw new SyntaxFailure(`invalid label value '${t.text}': ${problem}`, t.index);
    }
    return t.text;
  }

  valueSet(opTok: Token): string[] {
    const open = this.next();
    if (open.kind !== '(') {
      throw new SyntaxFailure(`unexpected ${describe(open)}, expected '('`, open.index);
    }
    const values = new Set<string>();
    let expectValue = true;
    for (;;) {
      const t = this.next();
      if (t.kind === ')') {
        if (expectValue && values.size > 0) values.add('');
        break;
      }
      if (t.kind === ',') {
        // apimachinery reads "(a,,b)", "(,a)" and "(a,)" as containing the empty value.
        if (expectValue) values.add('');
        expectValue = true;
        continue;
      }
      if (Parser.asValue(t) && expectValue) {
        const problem = labelValueProblem(t.text);
        if (problem !== null) {
          throw new SyntaxFailure(`invalid label value '${t.text}': ${problem}`, t.index);
        }
        values.add(t.text);
        expectValue = false;
        continue;
      }
      throw new SyntaxFailure(
        `unexpected ${describe(t)}, expected ${expectValue ? "a value or ')'" : "',' or ')'"}`,
        t.index,
      );
    }
    if (values.size === 0) {
      throw new SyntaxFailure(
        `for '${opTok.text}' the set of values must not be empty`,
        opTok.index,
      );
    }
    return [...values].sort();
  }
}

/**
 * Parses a selector in Kubernetes syntax. Never throws: a syntax or validation problem is a
 * `PP_ERR_SELECTOR_SYNTAX` error whose message names the offending token, its index and the input.
 */
export function parseLabelSelector(text: string): Result<LabelSelector> {
  try {
    const requirements = new Parser(tokenize(text)).parse();
    if (requirements.length === 0) return { ok: true, value: everything };
    return { ok: true, value: Object.freeze({ requirements: Object.freeze(requirements) }) };
  } catch (err) {
    if (err instanceof SyntaxFailure) {
      return {
        ok: false,
        error: new PodpulseError(
          'PP_ERR_SELECTOR_SYNTAX',
          `${err.message} at index ${err.index} in selector '${text}'`,
        ),
      };
    }
    throw err;
  }
}

function matchesRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Equals':
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotEquals':
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'GreaterThan':
    case 'LessThan': {
      if (value === undefined || !/^-?[0-9]+$/.test(value)) return false;
      const have = Number(value);
      const want = Number(r.values[0]);
      return r.operator === 'GreaterThan' ? have > want : have < want;
    }
  }
}

/** Whether `labels` (absent = no labels) satisfies every requirement of `sel`. */
export function matchesLabels(
  sel: LabelSelector,
  labels: Readonly<Record<string, string>> | null | undefined,
): boolean {
  const reqs = sel.requirements;
  if (reqs.length === 0) return true;
  const l = labels ?? {};
  for (const r of reqs) if (!matchesRequirement(r, l)) return false;
  return true;
}

/** The canonical text of a selector (parses back to an equal selector). */
export function formatLabelSelector(sel: LabelSelector): string {
  return sel.requirements
    .map((r) => {
      switch (r.operator) {
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'Equals':
          return `${r.key}=${r.values[0] ?? ''}`;
        case 'NotEquals':
          return `${r.key}!=${r.values[0] ?? ''}`;
        case 'GreaterThan':
          return `${r.key}>${r.values[0] ?? ''}`;
        case 'LessThan':
          return `${r.key}<${r.values[0] ?? ''}`;
        case 'In':
          return `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
      }
    })
    .join(',');
}
