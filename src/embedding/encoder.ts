/**
 * The sentence encoder: a catalogued ONNX model run in-process by onnxruntime-node on the
 * CPU, with the model's own WordPiece tokenizer (@huggingface/tokenizers).
 *
 * - Batch size 1, always: quantised models give slightly different vectors for a text
 *   depending on the rest of its batch, and decisions must be deterministic.
 * - One intra-op thread and full graph optimisation: fastest for single short requests.
 * - One run at a time; concurrent requests wait their turn in arrival order.
 * - Inputs past the model's token limit are truncated, keeping `[CLS] … [SEP]`.
 * - Mean pooling over the tokens or the `[CLS]` vector, as the model was trained; then L2
 *   normalisation, so a dot product of two vectors is their cosine.
 *
 * Nothing is downloaded here: the files come from `scripts/fetch-model.sh`. When they are
 * missing, `loadEncoder` rejects with an `EmbeddingError` naming the command to run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Tokenizer } from '@huggingface/tokenizers';
import { EmbeddingError, type Encoder, type TextKind } from './encoder-types.ts';
import { DEFAULT_MODEL, MODEL_FILES, MODEL_NAMES, fetchCommand, getModelSpec, type ModelSpec } from './models.ts';

export { DEFAULT_MODEL };

/** `<repo>/.cache/models`, or `$SWITCHBOARD_MODEL_CACHE` (the fetch script honours it too). */
export function defaultModelCacheDir(): string {
  const fromEnv = process.env.SWITCHBOARD_MODEL_CACHE;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return fileURLToPath(new URL('../../.cache/models/', import.meta.url));
}

export interface ModelPaths {
  readonly dir: string;
  readonly onnx: string;
  readonly tokenizer: string;
  readonly marker: string;
}

export function modelPaths(model: string, cacheDir: string = defaultModelCacheDir()): ModelPaths {
  const dir = join(cacheDir, model);
  return {
    dir,
    onnx: join(dir, MODEL_FILES.onnx),
    tokenizer: join(dir, MODEL_FILES.tokenizer),
    marker: join(dir, MODEL_FILES.marker),
  };
}

/**
 * Whether the model's files are fetched and match the catalogue (cheap: no hashing of the
 * model file). `loadEncoder` still verifies that they load.
 */
export function isModelFetched(model: string, cacheDir?: string): boolean {
  const spec = getModelSpec(model);
  if (spec === undefined) return false;
  const paths = modelPaths(model, cacheDir);
  try {
    return (
      statSync(paths.onnx).isFile() &&
      statSync(paths.tokenizer).isFile() &&
      readFileSync(paths.marker, 'utf8').trim() === spec.jarSha256
    );
  } catch {
    return false;
  }
}

/** The real encoder, with a look at its tokens for tests and diagnostics. */
export interface OnnxEncoder extends Encoder {
  readonly spec: ModelSpec;
  /** The token ids the model receives for `text` (prefix applied, truncated, with [CLS]/[SEP]). */
  tokenIds(text: string, kind: TextKind): number[];
}

export interface LoadOptions {
  /** Threads inside one model run (default 1: best for single requests on a small machine). */
  readonly intraOpThreads?: number;
}

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;
function importOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

/**
 * Loads a catalogued model from the cache (default `<repo>/.cache/models`). Rejects with an
 * `EmbeddingError`: `UNKNOWN_MODEL`, `MODEL_MISSING` (with the fetch command),
 * `MODEL_CORRUPT`, or `RUNTIME_UNAVAILABLE`.
 */
export async function loadEncoder(
  model: string = DEFAULT_MODEL,
  cacheDir?: string,
  options: LoadOptions = {},
): Promise<OnnxEncoder> {
  const spec = getModelSpec(model);
  if (spec === undefined) {
    throw new EmbeddingError(
      'UNKNOWN_MODEL',
      model,
      `unknown embedding model "${model}" (known: ${MODEL_NAMES.join(', ')})`,
    );
  }
  const paths = modelPaths(model, cacheDir ?? defaultModelCacheDir());
  checkFetched(spec, paths);

  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(readFileSync(paths.tokenizer, 'utf8'));
  } catch (error) {
    throw corrupt(spec, paths.tokenizer, error);
  }

  const { Tokenizer: TokenizerClass } = await import('@huggingface/tokenizers');
  let tokenizer: Tokenizer;
  try {
    // The jars ship no tokenizer_config.json: the normaliser (lower-casing, accents) and the
    // [CLS]/[SEP] template live in tokenizer.json itself.
    tokenizer = new TokenizerClass(tokenizerJson as object, {});
  } catch (error) {
    throw corrupt(spec, paths.tokenizer, error);
  }
  const clsId = tokenizer.token_to_id('[CLS]');
  const sepId = tokenizer.token_to_id('[SEP]');
  if (clsId === undefined || sepId === undefined) {
    throw corrupt(spec, paths.tokenizer, new Error('no [CLS]/[SEP] tokens'));
  }

  let ort: Ort;
  try {
    ort = await importOrt();
  } catch (error) {
    throw new EmbeddingError(
      'RUNTIME_UNAVAILABLE',
      model,
      `onnxruntime-node cannot be loaded (${oneLine(error)}): run npm install (see .npmrc)`,
      { cause: error },
    );
  }

  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(paths.onnx, {
      executionProviders: ['cpu'],
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw corrupt(spec, paths.onnx, error);
  }
  for (const name of ['input_ids', 'attention_mask'] as const) {
    if (!session.inputNames.includes(name)) {
      await session.release();
      throw corrupt(spec, paths.onnx, new Error(`the model has no "${name}" input`));
    }
  }
  const hasTokenTypes = session.inputNames.includes('token_type_ids');
  const outputName = session.outputNames.includes('last_hidden_state')
    ? 'last_hidden_state'
    : session.outputNames[0];
  if (outputName === undefined) {
    await session.release();
    throw corrupt(spec, paths.onnx, new Error('the model has no output'));
  }

  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        jar: spec.jarSha256,
        pooling: spec.pooling,
        queryPrefix: spec.queryPrefix,
        passagePrefix: spec.passagePrefix,
        maxTokens: spec.maxTokens,
        normalise: spec.normalise,
        ort: ort.env.versions.node ?? ort.env.versions.common,
      }),
    )
    .digest('hex')
    .slice(0, 16);

  const tokenIds = (text: string, kind: TextKind): number[] => {
    const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
    return encodeTruncated(tokenizer, prefix + text, spec.maxTokens, sepId);
  };

  let closed = false;
  const run = async (text: string, kind: TextKind): Promise<Float32Array> => {
    if (closed) throw new Error(`encoder ${model} is closed`);
    const ids = tokenIds(text, kind);
    const n = ids.length;
    const inputIds = new BigInt64Array(n);
    for (let i = 0; i < n; i++) inputIds[i] = BigInt(ids[i]);
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    };
    if (hasTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
    const outputs = await session.run(feeds, [outputName]);
    const hidden = outputs[outputName];
    try {
      return pool(hidden.data as Float32Array, n, spec.dimension, spec.pooling, spec.normalise);
    } finally {
      hidden.dispose();
    }
  };

  // One model run at a time, the others waiting in arrival order. onnxruntime-node runs a
  // model synchronously on the main thread, deferred with setImmediate, so concurrent calls
  // all ran in one turn of the event loop, no I/O between them, and under load some requests
  // waited seconds (bench e2e, 64 in flight: slowest 1.1-2.6 s against a 0.16 s median).
  const waiting: (() => void)[] = [];
  let running = false;
  const embed = async (text: string, kind: TextKind): Promise<Float32Array> => {
    if (running) await new Promise<void>((turn) => waiting.push(turn));
    else running = true;
    try {
      return await run(text, kind);
    } finally {
      // The turn passes straight to the longest waiter, if any.
      const next = waiting.shift();
      if (next === undefined) running = false;
      else next();
    }
  };

  return {
    model,
    dimension: spec.dimension,
    fingerprint,
    spec,
    tokenIds,
    embedQuery: (text) => embed(text, 'query'),
    embedPassage: (text) => embed(text, 'passage'),
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}

function checkFetched(spec: ModelSpec, paths: ModelPaths): void {
  const command = fetchCommand(spec.name);
  for (const file of [paths.onnx, paths.tokenizer]) {
    let ok = false;
    try {
      ok = statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new EmbeddingError(
        'MODEL_MISSING',
        spec.name,
        `embedding model "${spec.name}" is not fetched (${file} is missing): run \`${command}\``,
      );
    }
  }
  let marker = '';
  try {
    marker = readFileSync(paths.marker, 'utf8').trim();
  } catch {
    marker = '';
  }
  if (marker !== spec.jarSha256) {
    throw new EmbeddingError(
      'MODEL_MISSING',
      spec.name,
      `embedding model "${spec.name}" in ${paths.dir} was not fetched for this version of the catalogue ` +
        `(${paths.marker} ${marker === '' ? 'is missing' : 'does not match'}): run \`${command}\``,
    );
  }
}

function corrupt(spec: ModelSpec, file: string, error: unknown): EmbeddingError {
  return new EmbeddingError(
    'MODEL_CORRUPT',
    spec.name,
    `embedding model "${spec.name}": ${file} cannot be loaded (${oneLine(error)}); ` +
      `delete ${spec.name}'s cache folder and run \`${fetchCommand(spec.name)}\``,
    { cause: error },
  );
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n').find((line) => line.trim() !== '') ?? message;
  return first.length > 200 ? `${first.slice(0, 197)}...` : first;
}

/**
 * Token ids with [CLS] … [SEP], at most `maxTokens` of them. Long texts are cut at a
 * whitespace boundary before tokenising (BERT tokenises words independently, so the tokens
 * of such a prefix are a prefix of the text's tokens); when the cut yields too few tokens,
 * the whole text is tokenised. A 10,000-character request costs a fraction of the work.
 */
export function encodeTruncated(tokenizer: Tokenizer, text: string, maxTokens: number, sepId: number): number[] {
  const budget = maxTokens * 8; // characters: ample for maxTokens word pieces in prose
  if (text.length > budget) {
    const cut = text.lastIndexOf(' ', budget);
    if (cut > budget / 2) {
      const ids = tokenizer.encode(text.slice(0, cut)).ids;
      if (ids.length >= maxTokens) return truncateIds(ids, maxTokens, sepId);
    }
  }
  return truncateIds(tokenizer.encode(text).ids, maxTokens, sepId);
}

/** Keeps the first `maxTokens - 1` ids (starting with [CLS]) and closes with [SEP]. */
export function truncateIds(ids: number[], maxTokens: number, sepId: number): number[] {
  if (ids.length <= maxTokens) return ids;
  const kept = ids.slice(0, maxTokens - 1);
  kept.push(sepId);
  return kept;
}

/**
 * One sentence vector from the `[1, n, dimension]` hidden states: mean over the n tokens
 * (batch 1: every token is real, the attention mask is all ones) or the first ([CLS]) row.
 * Sums in float64 so the result does not depend on summation rounding.
 */
export function pool(
  hidden: Float32Array,
  n: number,
  dimension: number,
  pooling: 'mean' | 'cls',
  normalise: boolean,
): Float32Array {
  if (hidden.length !== n * dimension) {
    throw new Error(`unexpected output size ${hidden.length}, expected ${n}×${dimension}`);
  }
  const sum = new Float64Array(dimension);
  if (pooling === 'cls') {
    for (let d = 0; d < dimension; d++) sum[d] = hidden[d];
  } else {
    for (let t = 0; t < n; t++) {
      const row = t * dimension;
      for (let d = 0; d < dimension; d++) sum[d] += hidden[row + d];
    }
    for (let d = 0; d < dimension; d++) sum[d] /= n;
  }
  let norm = 1;
  if (normalise) {
    let sq = 0;
    for (let d = 0; d < dimension; d++) sq += sum[d] * sum[d];
    norm = Math.sqrt(sq);
    if (norm === 0) norm = 1;
  }
  const out = new Float32Array(dimension);
  for (let d = 0; d < dimension; d++) out[d] = sum[d] / norm;
  return out;
}
