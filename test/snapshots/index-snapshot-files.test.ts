/**
 * Index snapshots on disk: what is written reads back the same, and a file that is missing,
 * damaged, for another registry version or written by other code reads as nothing; a store
 * that cannot write says nothing. Neither call ever throws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { indexSnapshotFiles } from '../../src/snapshots/index-snapshot-files.ts';
import { put, tempDir } from '../registry/helpers.ts';

const SNAPSHOT = { registryVersion: 'v1', agents: { terms: ['commit', 'review'], weights: [0.1, 1 / 3] } };

/** A store over a fresh folder, its one snapshot written, and that file. */
async function written(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  const store = indexSnapshotFiles(path.join(dir, 'cache', 'registry-abc.json'));
  store.write('lexical', 'v1', SNAPSHOT);
  return { store, file: path.join(dir, 'cache', 'registry-abc.lexical-index.json') };
}

test('a written snapshot reads back equal, from one file beside the parse cache', async (t) => {
  const { store, file } = await written(t);
  assert.deepEqual(store.read('lexical', 'v1'), SNAPSHOT);
  assert.deepEqual(readdirSync(path.dirname(file)), [path.basename(file)], 'no temporary file left behind');
});

test('another registry version or kind of index reads as nothing', async (t) => {
  const { store } = await written(t);
  assert.equal(store.read('lexical', 'v2'), undefined);
  assert.equal(store.read('semantic', 'v1'), undefined);
});

test('a new registry version overwrites the file: snapshots do not pile up', async (t) => {
  const { store, file } = await written(t);
  store.write('lexical', 'v2', { ...SNAPSHOT, registryVersion: 'v2' });
  assert.equal(store.read('lexical', 'v1'), undefined);
  assert.equal((store.read('lexical', 'v2') as typeof SNAPSHOT).registryVersion, 'v2');
  assert.equal(readdirSync(path.dirname(file)).length, 1);
});

test('a damaged file reads as nothing', async (t) => {
  const { store, file } = await written(t);
  const intact = readFileSync(file);
  const body = intact.indexOf(0x0a) + 1;
  const flipped = Buffer.from(intact);
  flipped[flipped.indexOf('0.1') + 2] = '7'.charCodeAt(0); // 0.1 → 0.7: still valid JSON
  for (const [label, bytes] of [
    ['a changed digit', flipped],
    ['truncated', intact.subarray(0, intact.length - 5)],
    ['the header only', intact.subarray(0, body)],
    ['empty', Buffer.alloc(0)],
    ['not JSON', Buffer.from('\u0000\u0001garbage\n{')],
  ] as const) {
    writeFileSync(file, bytes);
    assert.equal(store.read('lexical', 'v1'), undefined, label);
  }
});

test('a snapshot written by other code (another fingerprint or format) reads as nothing', async (t) => {
  const { store, file } = await written(t);
  const text = readFileSync(file, 'utf8');
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
  const body = text.slice(newline + 1);
  assert.equal(header.sha256, createHash('sha256').update(body).digest('hex'), 'precondition: the checksum is of the body');
  for (const change of [{ code: 'another-fingerprint' }, { format: 0 }]) {
    writeFileSync(file, `${JSON.stringify({ ...header, ...change })}\n${body}`);
    assert.equal(store.read('lexical', 'v1'), undefined, JSON.stringify(change));
  }
});

test('a missing file reads as nothing, and a store that cannot write does not throw', async (t) => {
  const dir = await tempDir(t);
  const blocker = await put(dir, 'not-a-folder', 'a file where the cache folder should be');
  const store = indexSnapshotFiles(path.join(blocker, 'registry-abc.json'));
  assert.equal(store.read('lexical', 'v1'), undefined);
  assert.doesNotThrow(() => store.write('lexical', 'v1', SNAPSHOT));
  assert.equal(store.read('lexical', 'v1'), undefined);
});
