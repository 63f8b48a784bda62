import { describe, expect, it } from 'vitest';
import {
  decodeClientMessage,
  decodeServerMessage,
  formatCursor,
  parseCursor,
} from '../../src/protocol/codec.ts';

describe('decodeClientMessage', () => {
  it.each([
    ['a ping', '{"type":"ping"}', { type: 'ping', id: null }],
    ['a ping with id', '{"type":"ping","id":"7"}', { type: 'ping', id: '7' }],
    ['an unsubscribe', '{"type":"unsubscribe","id":"a"}', { type: 'unsubscribe', id: 'a' }],
    [
      'a bare subscribe',
      '{"type":"subscribe","id":"a"}',
      {
        type: 'subscribe',
        id: 'a',
        namespaces: null,
        labelSelector: null,
        status: null,
        resume: null,
      },
    ],
    [
      'a full subscribe, unknown fields ignored',
      '{"type":"subscribe","id":"a","namespaces":["x"],"labelSelector":"app=x","status":["Error"],"resume":"k1.42","extra":1}',
      {
        type: 'subscribe',
        id: 'a',
        namespaces: ['x'],
        labelSelector: 'app=x',
        status: ['Error'],
        resume: 'k1.42',
      },
    ],
  ])('accepts %s', (_name, text, want) => {
    expect(decodeClientMessage(text)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['not JSON', '{"type"', 'PP_ERR_WIRE_JSON', null, /^frame is not valid JSON: /],
    ['a string', '"ping"', 'PP_ERR_WIRE_JSON', null, /^frame must be a JSON object$/],
    ['null', 'null', 'PP_ERR_WIRE_JSON', null, /^frame must be a JSON object$/],
    ['no type', '{"id":"a"}', 'PP_ERR_WIRE_TYPE', 'a', /^message has no "type" string$/],
    [
      'an unknown type',
      '{"type":"sub","id":"a"}',
      'PP_ERR_WIRE_TYPE',
      'a',
      /^unknown message type "sub"; expected subscribe, unsubscribe or ping$/,
    ],
    [
      'a numeric id',
      '{"type":"subscribe","id":5}',
      'PP_ERR_WIRE_FIELD',
      null,
      /^"id" must be a non-empty string/,
    ],
    ['an empty id', '{"type":"unsubscribe","id":""}', 'PP_ERR_WIRE_FIELD', null, /"id"/],
    [
      'a long id',
      `{"type":"subscribe","id":"${'x'.repeat(129)}"}`,
      'PP_ERR_WIRE_FIELD',
      null,
      /at most 128/,
    ],
    [
      'namespaces not a list',
      '{"type":"subscribe","id":"a","namespaces":"x"}',
      'PP_ERR_WIRE_FIELD',
      'a',
      /^"namespaces" must be an array of strings$/,
    ],
    [
      'an empty namespace',
      '{"type":"subscribe","id":"a","namespaces":[""]}',
      'PP_ERR_WIRE_FIELD',
      'a',
      /^"namespaces\[0\]" must be/,
    ],
    [
      'status of numbers',
      '{"type":"subscribe","id":"a","status":[1]}',
      'PP_ERR_WIRE_FIELD',
      'a',
      /^"status\[0\]"/,
    ],
    [
      'a numeric selector',
      '{"type":"subscribe","id":"a","labelSelector":3}',
      'PP_ERR_WIRE_FIELD',
      'a',
      /^"labelSelector" must be a string/,
    ],
    [
      'a bad cursor',
      '{"type":"subscribe","id":"a","resume":"12"}',
      'PP_ERR_WIRE_FIELD',
      'a',
      /^"resume" must be a cursor/,
    ],
  ])('rejects %s', (_name, text, code, id, message) => {
    const r = decodeClientMessage(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.id).toBe(id);
    expect(r.error.message).toMatch(message);
  });
});

describe('cursors', () => {
  it.each([
    ['k1.0', { epoch: 'k1', seq: 0 }],
    ['abc.123456', { epoch: 'abc', seq: 123456 }],
    ['ABC.1', null],
    ['abc.01', null],
    ['abc.-1', null],
    ['.1', null],
    ['abc.', null],
    ['abc.99999999999999999', null],
  ])('parseCursor(%j)', (text, want) => {
    expect(parseCursor(text)).toEqual(want);
  });

  it('round-trips', () => {
    expect(parseCursor(formatCursor('e9', 77))).toEqual({ epoch: 'e9', seq: 77 });
  });
});

describe('decodeServerMessage', () => {
  it('returns known messages and null for anything else', () => {
    expect(decodeServerMessage('{"type":"pong","id":null,"cursor":null}')).toEqual({
      type: 'pong',
      id: null,
      cursor: null,
    });
    expect(decodeServerMessage('{"type":"future"}')).toBeNull();
    expect(decodeServerMessage('nope')).toBeNull();
  });
});
