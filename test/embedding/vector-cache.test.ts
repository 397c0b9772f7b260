import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEncoder, type OnnxEncoder } from '../../src/embedding/encoder.ts';
import type { Encoder } from '../../src/embedding/encoder-types.ts';
import { DEFAULT_MODEL } from '../../src/embedding/models.ts';
import { embedAll, keepComputed, vectorCacheFile } from '../../src/embedding/vector-cache.ts';
import { skipUnlessFetched } from './model-gate.ts';

/** A deterministic stand-in: a unit vector from the text's characters, counting its calls. */
class FakeEncoder implements Encoder {
  readonly model = 'fake';
  readonly dimension = 8;
  readonly fingerprint: string;
  calls: string[] = [];
  constructor(fingerprint = 'fp1') {
    this.fingerprint = fingerprint;
  }
  async embedQuery(text: string): Promise<Float32Array> {
    return this.vector(`q:${text}`);
  }
  async embedPassage(text: string): Promise<Float32Array> {
    return this.vector(`p:${text}`);
  }
  async close(): Promise<void> {}
  private vector(text: string): Float32Array {
    this.calls.push(text);
    const v = new Float32Array(this.dimension);
    for (let i = 0; i < text.length; i++) v[i % this.dimension] += text.charCodeAt(i) / 100;
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-vectors-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('vector cache (fake encoder)', () => {
  test('a second load embeds nothing and returns identical vectors', async () => {
    const file = join(dir, 'round-trip.vec');
    const texts = ['deploy the app', 'review my pull request', 'deploy the app', 'écrire des tests 🧪'];
    const first = new FakeEncoder();
    const a = await embedAll(first, texts, file, { key: 'registry-v1' });
    assert.equal(a.embedded, 3, 'duplicates are embedded once');
    assert.equal(a.fromCache, 0);
    assert.equal(a.written, true);
    assert.deepEqual(a.row(2), a.row(0));

    const second = new FakeEncoder();
    const b = await embedAll(second, texts, file);
    assert.deepEqual(second.calls, []);
    assert.equal(b.embedded, 0);
    assert.equal(b.fromCache, 4);
    assert.equal(b.written, false);
    assert.deepEqual(b.matrix, a.matrix);
    for (let i = 0; i < texts.length; i++) {
      assert.deepEqual(b.row(i), await new FakeEncoder().embedPassage(texts[i]));
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
  });

  test('a changed list embeds only the new texts and keeps the order asked for', async () => {
    const file = join(dir, 'incremental.vec');
    await embedAll(new FakeEncoder(), ['a', 'b', 'c'], file);
    const encoder = new FakeEncoder();
    const result = await embedAll(encoder, ['c', 'new', 'a'], file);
    assert.deepEqual(encoder.calls, ['p:new']);
    assert.equal(result.fromCache, 2);
    assert.equal(result.embedded, 1);
    const fresh = new FakeEncoder();
    assert.deepEqual(result.row(0), await fresh.embedPassage('c'));
    assert.deepEqual(result.row(1), await fresh.embedPassage('new'));
    assert.deepEqual(result.row(2), await fresh.embedPassage('a'));
    // and the rewritten file now serves exactly that list
    const again = new FakeEncoder();
    assert.equal((await embedAll(again, ['c', 'new', 'a'], file)).embedded, 0);
    assert.deepEqual(again.calls, []);
  });

  test('vectors of another model fingerprint or kind are not reused', async () => {
    const file = join(dir, 'foreign.vec');
    await embedAll(new FakeEncoder('fp1'), ['x', 'y'], file);
    const other = new FakeEncoder('fp2');
    assert.equal((await embedAll(other, ['x', 'y'], file)).embedded, 2);
    const queries = new FakeEncoder('fp2');
    const asQueries = await embedAll(queries, ['x', 'y'], file, { kind: 'query' });
    assert.equal(asQueries.embedded, 2);
    assert.deepEqual(queries.calls, ['q:x', 'q:y']);
  });

  test('a damaged file counts as empty and is replaced', async () => {
    const file = join(dir, 'damaged.vec');
    await embedAll(new FakeEncoder(), ['one', 'two'], file);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 5)); // truncated
    const encoder = new FakeEncoder();
    const result = await embedAll(encoder, ['one', 'two'], file);
    assert.equal(result.embedded, 2);
    assert.equal(result.written, true);
    writeFileSync(file, 'garbage');
    assert.equal((await embedAll(new FakeEncoder(), ['one'], file)).embedded, 1);
  });

  test('an unwritable cache still returns the vectors', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const result = await embedAll(new FakeEncoder(), ['z'], join(blocker, 'sub', 'x.vec'));
    assert.equal(result.written, false);
    assert.ok(result.writeError);
    assert.equal(result.count, 1);
  });

  test('an empty list is fine', async () => {
    const result = await embedAll(new FakeEncoder(), [], join(dir, 'empty.vec'));
    assert.equal(result.count, 0);
    assert.equal((await embedAll(new FakeEncoder(), [], join(dir, 'empty.vec'))).written, false);
  });

  test('cache file names carry the model, its fingerprint and a safe key', () => {
    const file = vectorCacheFile('/c', new FakeEncoder('abc'), 'sha256:12/34 ..x');
    assert.equal(file, '/c/fake-abc-sha256_12_34_..x.vec');
  });
});

describe('values computed from vectors (keepComputed)', () => {
  const encoder = { model: 'fake', fingerprint: 'fp1' };
  const counting = (values: number[]) => {
    const compute = async () => {
      compute.calls++;
      return Float32Array.from(values);
    };
    compute.calls = 0;
    return compute;
  };

  test('computed once, then read back from the file', async () => {
    const file = join(dir, 'kept-once.kept');
    const compute = counting([1, 2, 3]);
    assert.deepEqual(await keepComputed(encoder, file, 'reg-1', 3, compute), Float32Array.from([1, 2, 3]));
    assert.deepEqual(await keepComputed(encoder, file, 'reg-1', 3, compute), Float32Array.from([1, 2, 3]));
    assert.equal(compute.calls, 1);
  });

  test('another key, model fingerprint or length, or a damaged file, computes again', async () => {
    const file = join(dir, 'kept-again.kept');
    await keepComputed(encoder, file, 'reg-1', 2, counting([1, 2]));
    for (const [who, key, length] of [[{ ...encoder, fingerprint: 'fp2' }, 'reg-1', 2], [encoder, 'reg-2', 2], [encoder, 'reg-2', 3]] as const) {
      const compute = counting(Array.from({ length }, () => 7));
      await keepComputed(who, file, key, length, compute);
      assert.equal(compute.calls, 1, `${who.fingerprint} ${key} ${length}`);
    }
    writeFileSync(file, readFileSync(file).subarray(0, 20));
    const compute = counting([5, 5, 5]);
    assert.deepEqual(await keepComputed(encoder, file, 'reg-2', 3, compute), Float32Array.from([5, 5, 5]));
    assert.equal(compute.calls, 1);
  });

  test('a computation of the wrong length is refused, not kept', async () => {
    const file = join(dir, 'kept-wrong.kept');
    await assert.rejects(keepComputed(encoder, file, 'reg-1', 4, counting([1])), RangeError);
    assert.equal(readdirSync(dir).includes('kept-wrong.kept'), false);
  });
});

describe(`vector cache with the real ${DEFAULT_MODEL}`, { skip: skipUnlessFetched(DEFAULT_MODEL) }, () => {
  let encoder: OnnxEncoder;
  before(async () => {
    encoder = await loadEncoder(DEFAULT_MODEL);
  });
  after(async () => {
    await encoder?.close();
  });

  test('round trip: vectors from the file equal vectors from the model', async () => {
    const texts = ['Creates git commits with conventional messages', 'Debugs failing tests', 'write a haiku', 'Debugs failing tests'];
    const file = vectorCacheFile(dir, encoder, 'registry-test');
    const cold = await embedAll(encoder, texts, file, { key: 'registry-test' });
    assert.equal(cold.embedded, 3);
    const warm = await embedAll(encoder, texts, file);
    assert.equal(warm.embedded, 0);
    assert.equal(warm.fromCache, texts.length);
    for (let i = 0; i < texts.length; i++) {
      assert.deepEqual(warm.row(i), await encoder.embedPassage(texts[i]));
    }
  });
});
