/**
 * Readers for index snapshots, which come back from outside the process: each gives the
 * typed value, or undefined for anything malformed (wrong type, out of range, not finite),
 * so that a bad snapshot is rebuilt instead of trusted.
 */

export function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/** Integers in min..max. */
export function int32s(value: unknown, min: number, max: number): Int32Array | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'number' || !Number.isInteger(item) || item < min || item > max) return undefined;
    out[i] = item;
  }
  return out;
}

export function float64s(value: unknown): Float64Array | undefined {
  return finite(value, Float64Array);
}

export function float32s(value: unknown): Float32Array | undefined {
  return finite(value, Float32Array);
}

function finite<T extends Float64Array | Float32Array>(value: unknown, type: new (length: number) => T): T | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = new type(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'number' || !Number.isFinite(item)) return undefined;
    out[i] = item;
  }
  return out;
}

/**
 * Float32 values as base64 of their bytes: exact, and a model of millions of parameters
 * is one JSON string to parse instead of millions of numbers.
 */
export function packFloat32s(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** `length` finite float32 values packed by packFloat32s. */
export function unpackFloat32s(value: unknown, length: number): Float32Array | undefined {
  if (typeof value !== 'string') return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.byteLength !== length * Float32Array.BYTES_PER_ELEMENT) return undefined;
  // A copy: the decoded bytes need not start at a 4-byte boundary of their buffer.
  const out = new Float32Array(length);
  new Uint8Array(out.buffer).set(bytes);
  for (let i = 0; i < length; i++) if (!Number.isFinite(out[i])) return undefined;
  return out;
}

/**
 * Offsets splitting `total` flat items into `lists` consecutive non-empty lists: list i is
 * items offsets[i]..offsets[i + 1].
 */
export function listOffsets(value: unknown, lists: number, total: number): Int32Array | undefined {
  const offsets = int32s(value, 0, total);
  if (offsets === undefined || offsets.length !== lists + 1 || offsets[0] !== 0 || offsets[lists] !== total) return undefined;
  for (let i = 1; i < offsets.length; i++) if (offsets[i] <= offsets[i - 1]) return undefined;
  return offsets;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
