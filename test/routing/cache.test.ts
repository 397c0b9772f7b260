import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruTtlCache } from '../../src/routing/cache.ts';

test('evicts the least recently used entry beyond capacity', () => {
  const cache = new LruTtlCache<number>(2, 1000);
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // a is now the most recent
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
});

test('expires entries after the TTL', () => {
  let now = 0;
  const cache = new LruTtlCache<string>(10, 100, () => now);
  cache.set('k', 'v');
  now = 99;
  assert.equal(cache.get('k'), 'v');
  now = 100;
  assert.equal(cache.get('k'), undefined);
  assert.equal(cache.stats().size, 0);
});

test('counts hits and misses', () => {
  const cache = new LruTtlCache<number>(10, 1000);
  cache.get('x');
  cache.set('x', 1);
  cache.get('x');
  cache.get('x');
  assert.deepEqual(cache.stats(), { hits: 2, misses: 1, size: 1 });
});

test('a zero-capacity cache stores nothing', () => {
  const cache = new LruTtlCache<number>(0, 1000);
  cache.set('x', 1);
  assert.equal(cache.get('x'), undefined);
});
