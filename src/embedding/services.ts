import type { StrategyServices } from '../routing/strategy.ts';
import type { Encoder } from './encoder-types.ts';
import { embedAll, defaultVectorCacheDir, vectorCacheFile } from './vector-cache.ts';

/**
 * What the embedding strategies need from this layer: the encoder, and agent-side texts
 * embedded once per registry version and model, kept on disk between processes.
 */
export function embeddingServices(encoder: Encoder, vectorCacheDir: string = defaultVectorCacheDir()): Required<Pick<StrategyServices, 'encoder' | 'embedPassages'>> {
  return {
    encoder,
    embedPassages: async (texts, key) => (await embedAll(encoder, texts, vectorCacheFile(vectorCacheDir, encoder, key), { key })).matrix,
  };
}
