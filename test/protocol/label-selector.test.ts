import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  matchesLabels,
  parseLabelSelector,
  type LabelSelector,
} from '../../src/protocol/label-selector.ts';

function parsed(text: string): LabelSelector {
  const r = parseLabelSelector(text);
  if (!r.ok) throw new Error(`expected '${text}' to parse: ${r.error.message}`);
  return r.value;
}

describe('parseLabelSelector: accepted syntax', () => {
  const cases: [string, string, string][] = [
    ['empty selector', '', ''],
    ['only whitespace', '   ', ''],
    ['equality', 'app=web', 'app=web'],
    ['double equals', 'app==web', 'app=web'],
    ['inequality', 'app!=web', 'app!=web'],
    ['exists', 'app', 'app'],
    ['does not exist', '!app', '!app'],
    ['does not exist with space', '! app', '!app'],
    ['in set, sorted', 'env in (prod, dev)', 'env in (dev,prod)'],
    ['notin set', 'env notin (prod)', 'env notin (prod)'],
    ['comma is AND', 'a=1,b!=2,c,!d', 'a=1,b!=2,c,!d'],
    ['whitespace everywhere', '  a = 1 ,  b  in ( x , y )  ', 'a=1,b in (x,y)'],
    ['empty value', 'a=', 'a='],
    ['empty value before comma', 'a=,b', 'a=,b'],
    ['empty entries in a set mean the empty value', 'a in (x,,y)', 'a in (,x,y)'],
    ['trailing comma in a set', 'a in (x,)', 'a in (,x)'],
    ['prefixed key', 'app.kubernetes.io/name=podpulse', 'app.kubernetes.io/name=podpulse'],
    ['keyword as a value', 'a=in', 'a=in'],
    ['keyword in a set', 'a in (in, notin)', 'a in (in,notin)'],
    ['greater than', 'replicas>3', 'replicas>3'],
    ['less than', 'replicas<10', 'replicas<10'],
    ['value with dots, dashes, underscores', 'v=1.2_3-a', 'v=1.2_3-a'],
  ];
  it.each(cases)('%s: %j', (_name, text, canonical) => {
    expect(formatLabelSelector(parsed(text))).toBe(canonical);
  });
});

describe('parseLabelSelector: rejected syntax', () => {
  const cases: [string, string, string][] = [
    ['leading comma', ',a', "unexpected ',', expected '!' or a key at index 0 in selector ',a'"],
    [
      'trailing comma',
      'a=b,',
      "unexpected end of string after ',', expected a key at index 4 in selector 'a=b,'",
    ],
    ['double comma', 'a,,b', "unexpected ',', expected '!' or a key at index 2 in selector 'a,,b'"],
    [
      'missing comma',
      'a=b c=d',
      "unexpected 'c', expected ',' or end of string at index 4 in selector 'a=b c=d'",
    ],
    ['in without parens', 'a in x', "unexpected 'x', expected '(' at index 5 in selector 'a in x'"],
    [
      'unclosed set',
      'a in (x',
      "unexpected end of string, expected ',' or ')' at index 7 in selector 'a in (x'",
    ],
    [
      'empty set',
      'a in ()',
      "for 'in' the set of values must not be empty at index 2 in selector 'a in ()'",
    ],
    [
      'two values without comma',
      'a in (x y)',
      "unexpected 'y', expected ',' or ')' at index 8 in selector 'a in (x y)'",
    ],
    [
      'negated with operator',
      '!a=b',
      "unexpected '=', expected ',' or end of string at index 2 in selector '!a=b'",
    ],
    [
      'operator without key',
      '=b',
      "unexpected '=', expected '!' or a key at index 0 in selector '=b'",
    ],
    [
      'bad key',
      'a$=b',
      "invalid label key 'a$': name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character at index 0 in selector 'a$=b'",
    ],
    [
      'uppercase prefix',
      'Example.com/a=b',
      "invalid label key 'Example.com/a': prefix part must be a lowercase RFC 1123 subdomain at index 0 in selector 'Example.com/a=b'",
    ],
    [
      'empty prefix',
      '/a',
      "invalid label key '/a': prefix part must be non-empty at index 0 in selector '/a'",
    ],
    [
      'key name too long',
      'k'.repeat(64),
      `invalid label key '${'k'.repeat(64)}': name part must be no more than 63 characters at index 0 in selector '${'k'.repeat(64)}'`,
    ],
    [
      'value too long',
      `a=${'v'.repeat(64)}`,
      `invalid label value '${'v'.repeat(64)}': must be no more than 63 characters at index 2 in selector 'a=${'v'.repeat(64)}'`,
    ],
    [
      'value ending in dash',
      'a=b-',
      "invalid label value 'b-': must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character at index 2 in selector 'a=b-'",
    ],
    [
      'non-integer for >',
      'a>b',
      "for '>' the value must be an integer, got 'b' at index 2 in selector 'a>b'",
    ],
    [
      'unbalanced paren',
      'a=(b)',
      "unexpected '(', expected a value at index 2 in selector 'a=(b)'",
    ],
    [
      'bad value in set',
      'a in (b, -c)',
      "invalid label value '-c': must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character at index 9 in selector 'a in (b, -c)'",
    ],
  ];
  it.each(cases)('%s: %j', (_name, text, message) => {
    const r = parseLabelSelector(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PP_ERR_SELECTOR_SYNTAX');
      expect(r.error.message).toBe(message);
    }
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', env: 'prod', replicas: '5', empty: '' };
  const cases: [string, string, Record<string, string> | null, boolean][] = [
    ['empty selector matches everything', '', labels, true],
    ['empty selector matches no labels', '', null, true],
    ['equality hit', 'app=web', labels, true],
    ['equality miss', 'app=api', labels, false],
    ['equality on absent key', 'tier=front', labels, false],
    ['!= on other value', 'app!=api', labels, true],
    ['!= on same value', 'app!=web', labels, false],
    ['!= matches when the key is absent', 'tier!=front', labels, true],
    ['in hit', 'env in (dev,prod)', labels, true],
    ['in miss', 'env in (dev,qa)', labels, false],
    ['notin matches when the key is absent', 'tier notin (front)', labels, true],
    ['notin miss', 'env notin (prod)', labels, false],
    ['exists', 'app', labels, true],
    ['exists on absent', 'tier', labels, false],
    ['does not exist', '!tier', labels, true],
    ['does not exist on present', '!app', labels, false],
    ['empty value equality', 'empty=', labels, true],
    ['empty value in set', 'empty in (a,)', labels, true],
    ['AND of all', 'app=web,env in (prod),!tier,replicas>3', labels, true],
    ['AND fails on one', 'app=web,env in (dev)', labels, false],
    ['greater than miss', 'replicas>5', labels, false],
    ['less than hit', 'replicas<6', labels, true],
    ['greater than on non-integer value', 'app>1', labels, false],
    ['no labels vs !=', 'a!=b', null, true],
    ['no labels vs =', 'a=b', null, false],
  ];
  it.each(cases)('%s', (_name, text, l, want) => {
    expect(matchesLabels(parsed(text), l)).toBe(want);
  });
});
