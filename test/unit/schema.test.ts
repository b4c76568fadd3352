import { expect, test } from 'bun:test';
import * as v from 'valibot';
import { check, finite, int, looseObject, object, record, strictObject } from '../../src/common/schema.ts';

test('objects and records refuse a JSON list, also where every field is optional', () => {
  const health = object({ Interval: v.optional(finite()) });
  expect(() => check(health, [])).toThrow('value: Invalid type: Expected Object but received Array');
  expect(() => check(object({ auths: v.optional(record(v.string(), v.string())) }), { auths: [] })).toThrow(/^auths: /);
  expect(v.is(looseObject({}), [])).toBe(false);
  expect(v.is(strictObject({}), [])).toBe(false);
  expect(check(health, { Interval: 5, other: 1 })).toEqual({ Interval: 5 });
});

test('numbers are finite and integers exact: JSON parses 1e999 to Infinity and rounds above 2^53', () => {
  expect(() => check(finite(), JSON.parse('1e999'))).toThrow(/^value: /);
  expect(() => check(int(), 2 ** 60)).toThrow(/^value: /);
  expect(() => check(int(), 1.5)).toThrow(/^value: /);
  expect(check(int(), Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
});

test('check names the first bad field by its dotted path', () => {
  const schema = object({ layers: v.array(v.pipe(v.string(), v.regex(/^sha256:/, 'not a digest'))) });
  expect(() => check(schema, { layers: ['sha256:a', 'x'] })).toThrow(/^layers\.1: not a digest$/);
});
