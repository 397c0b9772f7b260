import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { prng } from '../routing/strategies/training.ts';


/**
 * A native registry of `count` agents whose words come from a real vocabulary, with a
 * Zipf-like skew so that term frequencies look like real descriptions.
 */
export function syntheticAgents(count: number, vocabulary: readonly string[], seed = 42) {
  const random = prng(seed);
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 2)];
  const phrase = (length: number) => Array.from({ length }, word).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    name: `synthetic-${String(i).padStart(5, '0')}-${word()}`,
    title: phrase(3),
    description: phrase(18),
    triggers: Array.from({ length: 4 }, () => phrase(1 + Math.floor(random() * 2))),
    capabilities: Array.from({ length: 4 }, () => phrase(2).replaceAll(' ', '_')),
    domain: word(),
  }));
}

/** Requests made of registry words and filler, a few per agent sampled. */
export function syntheticRequests(count: number, vocabulary: readonly string[], seed = 7): string[] {
  const random = prng(seed);
  const filler = ['please', 'can you', 'i need to', 'help me', 'quickly', 'for our team'];
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 4 + Math.floor(random() * 8) }, () => vocabulary[Math.floor(vocabulary.length * random())]);
    return `${filler[Math.floor(random() * filler.length)]} ${words.join(' ')}`;
  });
}

export async function writeSyntheticRegistry(file: string, count: number, vocabulary: readonly string[]): Promise<void> {
  await writeFile(file, stringify({ agents: syntheticAgents(count, vocabulary) }));
}
