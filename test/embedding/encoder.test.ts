import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  encodeTruncated,
  loadEncoder,
  modelPaths,
  truncateIds,
  type OnnxEncoder,
} from '../../src/embedding/encoder.ts';
import { EmbeddingError } from '../../src/embedding/encoder-types.ts';
import { DEFAULT_MODEL, MODELS } from '../../src/embedding/models.ts';
import { skipUnlessFetched } from './model-gate.ts';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function assertUnit(v: Float32Array, dimension: number): void {
  assert.equal(v.length, dimension);
  assert.ok(v.every(Number.isFinite), 'every component is finite');
  assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5, `unit norm, got ${Math.sqrt(dot(v, v))}`);
}

const LONG_REQUEST = (() => {
  const sentence =
    'Refactor the payments module in src/billing/charge.ts so that retries are idempotent, logged with the request id, and covered by tests. ';
  let text = '';
  while (text.length < 10_000) text += sentence;
  return text.slice(0, 10_000);
})();

describe(`encoder with the real ${DEFAULT_MODEL}`, { skip: skipUnlessFetched(DEFAULT_MODEL) }, () => {
  let encoder: OnnxEncoder;
  before(async () => {
    encoder = await loadEncoder(DEFAULT_MODEL);
  });
  after(async () => {
    await encoder?.close();
  });

  test('embeds to unit vectors of the catalogued dimension (384)', async () => {
    assert.equal(encoder.dimension, 384);
    assert.equal(encoder.model, DEFAULT_MODEL);
    assertUnit(await encoder.embedQuery('route this request to the right agent'), 384);
    assertUnit(await encoder.embedPassage('Reviews pull requests for security issues'), 384);
  });

  test('is deterministic: the same text gives the identical vector, also from a second session', async () => {
    const text = 'write a migration that adds an index to the orders table';
    const a = await encoder.embedQuery(text);
    await encoder.embedQuery('something else in between');
    const b = await encoder.embedQuery(text);
    assert.deepEqual(b, a);
    const other = await loadEncoder(DEFAULT_MODEL);
    try {
      assert.deepEqual(await other.embedQuery(text), a);
      assert.equal(other.fingerprint, encoder.fingerprint);
    } finally {
      await other.close();
    }
  });

  test('answers many requests at once, each with the vector it gets alone', async () => {
    const texts = Array.from({ length: 24 }, (_, i) => `request number ${i}: deploy the service`);
    const alone = [];
    for (const text of texts) alone.push(await encoder.embedQuery(text));
    assert.deepEqual(await Promise.all(texts.map((text) => encoder.embedQuery(text))), alone);
  });

  test('puts a paraphrase closer than an unrelated request', async () => {
    const request = await encoder.embedQuery('fix the failing build');
    const paraphrase = await encoder.embedPassage('the CI pipeline is broken');
    const unrelated = await encoder.embedPassage('recommend a keyboard');
    assert.ok(
      dot(request, paraphrase) > dot(request, unrelated) + 0.1,
      `paraphrase ${dot(request, paraphrase).toFixed(3)} vs unrelated ${dot(request, unrelated).toFixed(3)}`,
    );
  });

  test('truncates a 10,000-character request to the token limit, keeping [CLS] … [SEP]', async () => {
    const ids = encoder.tokenIds(LONG_REQUEST, 'query');
    assert.equal(ids.length, encoder.spec.maxTokens);
    assert.equal(ids[0], 101);
    assert.equal(ids.at(-1), 102);
    assertUnit(await encoder.embedQuery(LONG_REQUEST), 384);
    // Text past the limit does not change the vector.
    assert.deepEqual(await encoder.embedQuery(LONG_REQUEST + ' and also deploy it to production'), await encoder.embedQuery(LONG_REQUEST));
  });

  test('the whitespace cut before tokenising gives the same ids as tokenising everything', () => {
    const json = JSON.parse(readFileSync(modelPaths(DEFAULT_MODEL).tokenizer, 'utf8'));
    const tokenizer = new Tokenizer(json, {});
    for (const text of [LONG_REQUEST, 'short request', 'x'.repeat(5000), `${'a '.repeat(3000)}`, `${'日本語のテキスト'.repeat(500)}`]) {
      for (const max of [8, 128, 256, 512]) {
        assert.deepEqual(encodeTruncated(tokenizer, text, max, 102), truncateIds(tokenizer.encode(text).ids, max, 102));
      }
    }
  });

  test('handles empty, non-English, emoji and control characters', async () => {
    for (const text of ['', '   ', 'réparer le build qui échoue', '修复失败的构建', '🔥🚀 deploy now 🙏', 'tab\there\u0000nul\u0007bell\u001b[31m', '\ud800 lone surrogate']) {
      assertUnit(await encoder.embedQuery(text), 384);
    }
  });

  test('adds no prefix for this model: query and passage vectors are equal', async () => {
    assert.equal(encoder.spec.queryPrefix, '');
    assert.equal(encoder.spec.passagePrefix, '');
    assert.deepEqual(await encoder.embedPassage('deploy the app'), await encoder.embedQuery('deploy the app'));
  });
});

describe('encoder with the real e5-small-v2-q', { skip: skipUnlessFetched('e5-small-v2-q') }, () => {
  let e5: OnnxEncoder;
  before(async () => {
    e5 = await loadEncoder('e5-small-v2-q');
  });
  after(async () => {
    await e5?.close();
  });

  test('applies the query: and passage: prefixes', async () => {
    const query = e5.tokenIds('deploy the app', 'query');
    const passage = e5.tokenIds('deploy the app', 'passage');
    const bare = e5.tokenIds('deploy the app', 'query').slice(3); // after [CLS] query :
    const json = JSON.parse(readFileSync(modelPaths('e5-small-v2-q').tokenizer, 'utf8'));
    const tokenizer = new Tokenizer(json, {});
    assert.deepEqual(query, tokenizer.encode('query: deploy the app').ids);
    assert.deepEqual(passage, tokenizer.encode('passage: deploy the app').ids);
    assert.deepEqual(bare, tokenizer.encode('deploy the app').ids.slice(1));
    const q = await e5.embedQuery('deploy the app');
    const p = await e5.embedPassage('deploy the app');
    assertUnit(q, 384);
    assert.notDeepEqual(q, p);
  });
});

describe('loading errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-models-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a missing model names the fetch command', async () => {
    await assert.rejects(loadEncoder(DEFAULT_MODEL, dir), (error: unknown) => {
      assert.ok(error instanceof EmbeddingError);
      assert.equal(error.code, 'MODEL_MISSING');
      assert.equal(error.model, DEFAULT_MODEL);
      assert.match(error.message, /npm run model:fetch/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    await assert.rejects(loadEncoder('e5-small-v2-q', dir), /npm run model:fetch -- e5-small-v2-q/);
  });

  test('an unknown model is refused with the known names', async () => {
    await assert.rejects(loadEncoder('gpt-17', dir), (error: unknown) => {
      assert.ok(error instanceof EmbeddingError);
      assert.equal(error.code, 'UNKNOWN_MODEL');
      assert.match(error.message, /all-minilm-l6-v2-q/);
      return true;
    });
  });

  test('files fetched for another catalogue entry count as missing', async () => {
    const paths = modelPaths(DEFAULT_MODEL, dir);
    rmSync(paths.dir, { recursive: true, force: true });
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.onnx, 'x');
    writeFileSync(paths.tokenizer, '{}');
    writeFileSync(paths.marker, 'not-the-pinned-checksum\n');
    await assert.rejects(loadEncoder(DEFAULT_MODEL, dir), (error: unknown) => {
      assert.ok(error instanceof EmbeddingError);
      assert.equal(error.code, 'MODEL_MISSING');
      assert.match(error.message, /npm run model:fetch/);
      return true;
    });
  });

  test('a corrupt tokenizer or model file is MODEL_CORRUPT, not a crash', async () => {
    const paths = modelPaths(DEFAULT_MODEL, dir);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.marker, `${MODELS[DEFAULT_MODEL].jarSha256}\n`);
    writeFileSync(paths.onnx, 'not an onnx model');
    writeFileSync(paths.tokenizer, '{"truncated":');
    await assert.rejects(loadEncoder(DEFAULT_MODEL, dir), { name: 'EmbeddingError', code: 'MODEL_CORRUPT' });
    const real = modelPaths(DEFAULT_MODEL);
    if (skipUnlessFetched(DEFAULT_MODEL) === false) {
      copyFileSync(real.tokenizer, paths.tokenizer);
      await assert.rejects(loadEncoder(DEFAULT_MODEL, dir), (error: unknown) => {
        assert.ok(error instanceof EmbeddingError);
        assert.equal(error.code, 'MODEL_CORRUPT');
        assert.match(error.message, /model\.onnx cannot be loaded/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    }
  });
});
