import type { ScoringStrategy } from '../strategy.ts';
import { enhancedFuzzyMatching } from './enhanced-fuzzy.ts';
import { hybrid } from './hybrid/index.ts';
import { lexical } from './lexical/index.ts';
import { quorum } from './quorum/index.ts';
import { semantic } from './semantic/index.ts';

/** Every built-in strategy by its stable name. */
export const BUILTIN_STRATEGIES: ReadonlyMap<string, ScoringStrategy> = new Map(
  [lexical, enhancedFuzzyMatching, semantic, hybrid, quorum].map((strategy) => [strategy.name, strategy]),
);

export const DEFAULT_STRATEGY = 'lexical';
