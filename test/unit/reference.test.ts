import { expect, test } from 'bun:test';
import { parseImageRef } from '../../src/engine/reference.ts';

test('tag defaults to latest', () => {
  expect(parseImageRef('busybox')).toEqual({ name: 'busybox', tag: 'latest' });
  expect(parseImageRef('alpine:3.18')).toEqual({ name: 'alpine', tag: '3.18' });
});

test('registry hosts with ports and nested paths', () => {
  expect(parseImageRef('localhost:5000/team/app:v1')).toEqual({ name: 'localhost:5000/team/app', tag: 'v1' });
  expect(parseImageRef('registry.example.com/a/b')).toEqual({ name: 'registry.example.com/a/b', tag: 'latest' });
  expect(parseImageRef('Registry.Example.com/a')).toEqual({ name: 'Registry.Example.com/a', tag: 'latest' });
  expect(parseImageRef(`busybox@sha256:${'a'.repeat(64)}`)).toEqual({ name: 'busybox', tag: 'latest', digest: `sha256:${'a'.repeat(64)}` });
});

test('separators follow the grammar', () => {
  for (const ok of ['a_b', 'a__b', 'a.b', 'a-b', 'a---b', 'ocx-base-ruby']) expect(parseImageRef(ok).name).toBe(ok);
});

test.each([
  ['../evil', /"\." or "\.\." component/],
  ['Busybox', /uppercase/],
  ['a//b', /empty path component/],
  ['', /empty/],
  ['/abs', /empty path component/],
  ['a/', /empty path component/],
  ['a:-bad', /tag "-bad"/],
  ['a:' + 'x'.repeat(129), /tag/],
  ['a@sha256:zz', /not a digest/],
  ['a..b', /may only hold/],
  ['_a', /may only hold/],
])('refuses %p', (text, message) => {
  expect(() => parseImageRef(text)).toThrow(message);
});
