/**
 * A disk cache of agent-side vectors, so that a registry's texts are embedded once per
 * registry version and model, not at every start (CLINC150: ~15,000 examples, ~30 s to
 * embed, well under a second to load).
 *
 * One file per (model fingerprint, caller key), written atomically (temporary file, then
 * rename). Layout, little-endian:
 *
 *   8 bytes   magic `SBVEC01\n`
 *   4 bytes   uint32 length H of the JSON header
 *   H bytes   JSON header {format, model, fingerprint, dimension, kind, key, count, hashes[]}
 *   0–3 bytes zero padding to a multiple of 4
 *   count × dimension float32, row i the vector of the text whose hash is hashes[i]
 *
 * Rows are found by a hash of (kind, text), so a registry that changed a little reuses the
 * vectors of its unchanged texts; the file is rewritten to hold exactly the texts asked for,
 * in their order, so the next identical call is one read and no copy. A missing, foreign
 * (other model or fingerprint) or damaged file counts as empty: never an error.
 *
 * Depends on the `Encoder` interface only (no onnxruntime).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Encoder, TextKind } from './encoder-types.ts';

const MAGIC = Buffer.from('SBVEC01\n', 'latin1');
const FORMAT = 1;

export interface EmbedAllOptions {
  /** Side of the comparison the texts are on (default `passage`: agent-side texts). */
  readonly kind?: TextKind;
  /** Free text recorded in the file's header (e.g. the registry version), for people. */
  readonly key?: string;
  /** Called after each newly embedded text (cold start of a large registry takes a while). */
  readonly onProgress?: (embedded: number, toEmbed: number) => void;
}

export interface EmbeddedTexts {
  readonly model: string;
  readonly dimension: number;
  readonly count: number;
  /** Row-major `count × dimension`: row i is the unit vector of `texts[i]`. */
  readonly matrix: Float32Array;
  /** Row i as a view (no copy). */
  row(i: number): Float32Array;
  /** Texts whose vector came from the file. */
  readonly fromCache: number;
  /** Texts run through the model (distinct texts: duplicates are embedded once). */
  readonly embedded: number;
  /** Whether the file was (re)written. */
  readonly written: boolean;
  /** Why the file could not be written, when it could not (the vectors are still returned). */
  readonly writeError?: string;
}

/** `<repo>/.cache/vectors`. */
export function defaultVectorCacheDir(): string {
  return fileURLToPath(new URL('../../.cache/vectors/', import.meta.url));
}

/**
 * The cache file for a model and a caller key (such as a registry version):
 * `<dir>/<model>-<fingerprint>-<key>.vec`, the key reduced to file-name-safe characters.
 */
export function vectorCacheFile(dir: string, encoder: Pick<Encoder, 'model' | 'fingerprint'>, key: string): string {
  const safeKey = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return join(dir, `${encoder.model}-${encoder.fingerprint}-${safeKey}.vec`);
}

/** Identity of one text in the cache: 132 bits of SHA-256 over (kind, text). */
export function textHash(kind: TextKind, text: string): string {
  return createHash('sha256').update(kind).update('\0').update(text).digest('base64url').slice(0, 22);
}

interface Header {
  readonly format: number;
  readonly model: string;
  readonly fingerprint: string;
  readonly dimension: number;
  readonly kind: TextKind;
  readonly key: string;
  readonly count: number;
  readonly hashes: readonly string[];
}

interface CacheContents {
  readonly hashes: readonly string[];
  readonly matrix: Float32Array;
}

/**
 * Vectors of `texts` (embedded as `kind`, default passages), from `cacheFile` where present,
 * from the encoder (one text at a time) otherwise; then the file is rewritten when anything
 * changed.
 */
export async function embedAll(
  encoder: Encoder,
  texts: readonly string[],
  cacheFile: string,
  options: EmbedAllOptions = {},
): Promise<EmbeddedTexts> {
  const kind = options.kind ?? 'passage';
  const dimension = encoder.dimension;
  const hashes = texts.map((text) => textHash(kind, text));
  const cached = readCache(cacheFile, encoder, kind);

  if (cached !== undefined && sameList(cached.hashes, hashes)) {
    return result(encoder, cached.matrix, texts.length, texts.length, 0, false);
  }

  const matrix = new Float32Array(texts.length * dimension);
  const filled = new Map<string, number>(); // hash → first row of `matrix` holding its vector
  const fromFile = new Uint8Array(texts.length);
  if (cached !== undefined) {
    const cachedRow = new Map<string, number>();
    cached.hashes.forEach((hash, j) => cachedRow.set(hash, j));
    for (let i = 0; i < hashes.length; i++) {
      const j = cachedRow.get(hashes[i]);
      if (j === undefined) continue;
      matrix.set(cached.matrix.subarray(j * dimension, (j + 1) * dimension), i * dimension);
      if (!filled.has(hashes[i])) filled.set(hashes[i], i);
      fromFile[i] = 1;
    }
  }

  const missing: number[] = [];
  const pending = new Set<string>();
  for (let i = 0; i < hashes.length; i++) {
    if (filled.has(hashes[i]) || pending.has(hashes[i])) continue;
    pending.add(hashes[i]);
    missing.push(i);
  }
  let embedded = 0;
  for (const i of missing) {
    const vector = kind === 'query' ? await encoder.embedQuery(texts[i]) : await encoder.embedPassage(texts[i]);
    if (vector.length !== dimension) {
      throw new Error(`encoder ${encoder.model} returned ${vector.length} values, expected ${dimension}`);
    }
    matrix.set(vector, i * dimension);
    filled.set(hashes[i], i);
    embedded++;
    options.onProgress?.(embedded, missing.length);
  }
  // Later duplicates of a freshly embedded text copy its row.
  for (let i = 0; i < hashes.length; i++) {
    const j = filled.get(hashes[i]);
    if (j !== undefined && j < i && fromFile[i] === 0) {
      matrix.copyWithin(i * dimension, j * dimension, (j + 1) * dimension);
    }
  }
  let fromCache = 0;
  for (let i = 0; i < fromFile.length; i++) fromCache += fromFile[i];

  let written = false;
  let writeError: string | undefined;
  try {
    writeCache(cacheFile, {
      format: FORMAT,
      model: encoder.model,
      fingerprint: encoder.fingerprint,
      dimension,
      kind,
      key: options.key ?? '',
      count: texts.length,
      hashes,
    }, matrix);
    written = true;
  } catch (error) {
    writeError = error instanceof Error ? error.message : String(error);
  }
  return result(encoder, matrix, texts.length, fromCache, embedded, written, writeError);
}

function result(
  encoder: Encoder,
  matrix: Float32Array,
  count: number,
  fromCache: number,
  embedded: number,
  written: boolean,
  writeError?: string,
): EmbeddedTexts {
  const dimension = encoder.dimension;
  return {
    model: encoder.model,
    dimension,
    count,
    matrix,
    row: (i: number) => {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`row ${i} out of 0..${count - 1}`);
      return matrix.subarray(i * dimension, (i + 1) * dimension);
    },
    fromCache,
    embedded,
    written,
    ...(writeError === undefined ? {} : { writeError }),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The file's contents when it is intact and was made by this encoder for this kind. */
function readCache(file: string, encoder: Encoder, kind: TextKind): CacheContents | undefined {
  const contents = readMatrixFile(file);
  if (contents === undefined) return undefined;
  const header = contents.header as Partial<Header>;
  if (
    header.format !== FORMAT ||
    header.model !== encoder.model ||
    header.fingerprint !== encoder.fingerprint ||
    header.dimension !== encoder.dimension ||
    header.kind !== kind ||
    !Array.isArray(header.hashes) ||
    header.hashes.length !== header.count ||
    contents.values.length !== header.count * header.dimension
  ) {
    return undefined;
  }
  return { hashes: header.hashes, matrix: contents.values };
}

/**
 * A file in this layout, whatever its header says: the header, and the float32 values after
 * it (a view of the file's bytes when aligned). Undefined when the file is missing, damaged
 * or holds a value that is not finite.
 */
function readMatrixFile(file: string): { header: Record<string, unknown>; values: Float32Array } | undefined {
  try {
    const buf = readFileSync(file);
    if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
    const headerLength = buf.readUInt32LE(8);
    if (12 + headerLength > buf.length) return undefined;
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength)) as Record<string, unknown>;
    const offset = align4(12 + headerLength);
    if (buf.length < offset || (buf.length - offset) % 4 !== 0) return undefined;
    const start = buf.byteOffset + offset;
    const count = (buf.length - offset) / 4;
    const values = start % 4 === 0 ? new Float32Array(buf.buffer, start, count) : new Float32Array(buf.buffer.slice(start, start + count * 4));
    for (let i = 0; i < count; i++) {
      if (!Number.isFinite(values[i])) return undefined;
    }
    return { header, values };
  } catch {
    return undefined;
  }
}

/**
 * Values computed from a registry's vectors (a trained classifier's parameters), kept in
 * `file` (same layout, header {format, model, fingerprint, key, length}): read back when
 * the file is intact and was made for this encoder, key and length, computed and written
 * otherwise. A file that cannot be written costs the computation again next time, nothing more.
 */
export async function keepComputed(
  encoder: Pick<Encoder, 'model' | 'fingerprint'>,
  file: string,
  key: string,
  length: number,
  compute: () => Promise<Float32Array>,
): Promise<Float32Array> {
  const header = { format: FORMAT, model: encoder.model, fingerprint: encoder.fingerprint, key, length };
  const kept = readKept(file, header);
  if (kept !== undefined) return kept;
  const values = await compute();
  if (values.length !== length) throw new RangeError(`computed ${values.length} values for ${key}, expected ${length}`);
  try {
    writeCache(file, header, values);
  } catch {
    // Computed again by the next process: slower, never wrong.
  }
  return values;
}

function readKept(file: string, expected: { readonly length: number } & Record<string, unknown>): Float32Array | undefined {
  const contents = readMatrixFile(file);
  if (contents === undefined || contents.values.length !== expected.length) return undefined;
  return Object.entries(expected).every(([name, value]) => contents.header[name] === value) ? contents.values : undefined;
}

function writeCache(file: string, header: object, matrix: Float32Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthField = Buffer.alloc(4);
  lengthField.writeUInt32LE(json.length, 0);
  const padding = Buffer.alloc(align4(12 + json.length) - (12 + json.length));
  const data = Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    writeFileSync(tmp, Buffer.concat([MAGIC, lengthField, json, padding, data]));
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
