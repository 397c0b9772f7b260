import type { StrategyServices } from '../routing/strategy.ts';
import type { Encoder } from './encoder-types.ts';
import { embedAll, defaultVectorCacheDir, keepComputed, vectorCacheFile } from './vector-cache.ts';

/**
 * What the embedding strategies need from this layer: the encoder, and agent-side texts
 * embedded once per registry version and model, kept on disk between processes.
 */
export function embeddingServices(
  encoder: Encoder,
  vectorCacheDir: string = defaultVectorCacheDir(),
): Required<Pick<StrategyServices, 'encoder' | 'embedPassages' | 'keepComputed'>> {
  return {
    encoder,
    embedPassages: async (texts, key) => (await embedAll(encoder, texts, vectorCacheFile(vectorCacheDir, encoder, key), { key })).matrix,
    keepComputed: (key, length, compute) => keepComputed(encoder, vectorCacheFile(vectorCacheDir, encoder, key).replace(/\.vec$/, '.kept'), key, length, compute),
  };
}
