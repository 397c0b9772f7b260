/**
 * The encoder contract, free of onnxruntime: pure code (strategies, the vector cache, tests
 * with a fake encoder) depends on this file only. `encoder.ts` implements it with the real
 * model.
 */

/**
 * Which side of a comparison a text is on; decides the model's prefix (e5: `query: ` /
 * `passage: `; the other models have none). An agent's `examples` are requests too: embed
 * them as queries (e5's card asks for `query: ` on both sides of symmetric tasks, and on
 * CLINC150 it scores +2–3 points top-1 that way). Descriptions and capability prose are
 * passages.
 */
export type TextKind = 'query' | 'passage';

export interface Encoder {
  /** Catalogue name (`all-minilm-l6-v2-q`, …). */
  readonly model: string;
  /** Vector length (384 for every catalogued model). */
  readonly dimension: number;
  /**
   * Changes whenever vectors could change: model file, pooling, prefixes, token limit,
   * onnxruntime version. Cached vectors are valid only under the same fingerprint.
   */
  readonly fingerprint: string;
  /**
   * Unit-length vector of a request. One text per model run (batch size 1), so the same
   * text always gives the same vector. Text past the model's token limit is truncated.
   */
  embedQuery(text: string): Promise<Float32Array>;
  /** Unit-length vector of an agent-side text (description, trigger, example). */
  embedPassage(text: string): Promise<Float32Array>;
  /** Releases the model; the encoder must not be used afterwards. */
  close(): Promise<void>;
}

export const EMBEDDING_ERROR_CODES = [
  /** The model name is not in the catalogue (src/embedding/models.ts). */
  'UNKNOWN_MODEL',
  /** The model files are not in the cache, or were fetched for another catalogue entry. */
  'MODEL_MISSING',
  /** The files are there but cannot be read or run. */
  'MODEL_CORRUPT',
  /** onnxruntime-node (or its native binary) cannot be loaded on this machine. */
  'RUNTIME_UNAVAILABLE',
] as const;
export type EmbeddingErrorCode = (typeof EMBEDDING_ERROR_CODES)[number];

/**
 * Why no encoder could be loaded. The message is one line a person can act on (it names the
 * fetch command when the model is missing); callers fall back to the lexical strategy.
 */
export class EmbeddingError extends Error {
  readonly code: EmbeddingErrorCode;
  readonly model: string;

  constructor(code: EmbeddingErrorCode, model: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddingError';
    this.code = code;
    this.model = model;
  }
}
