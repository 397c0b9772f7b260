/** Where an agent definition came from. */
export const SOURCE_FORMATS = ['onex', 'central_index', 'claude_md', 'native'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/**
 * One routable agent, normalised from any registry format (SPEC §1).
 * Every list is present (possibly empty) so strategies never test for undefined.
 */
export interface Agent {
  /** Routable name, unique within a registry (e.g. `agent-commit`, `typescript-pro`). */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Phrases that name the agent's job directly. */
  readonly triggers: readonly string[];
  /** Phrases describing situations where the agent helps. */
  readonly contextTriggers: readonly string[];
  /** Phrases that argue against this agent. */
  readonly antiTriggers: readonly string[];
  /** Capability phrases (snake_case tokens or prose). */
  readonly capabilities: readonly string[];
  /** Domain label; `general` when the source has none. */
  readonly domain: string;
  /** Few-shot utterances this agent should receive. */
  readonly examples: readonly string[];
  /**
   * The rest of the definition's text (a subagent's system prompt, an ONEX file's other
   * keys and prose): weak evidence, far below the fields above, but it knows the words a
   * paraphrase uses.
   */
  readonly body: string;
  /**
   * Reached only by explicit request (`@name`, `use name`): its definition says it is not
   * for automatic routing (a worker spawned by another agent), so no strategy ranks it.
   */
  readonly explicitOnly: boolean;
  /** Other names that address this agent in explicit requests (e.g. a central-index short name). */
  readonly aliases: readonly string[];
  /** File the definition was read from, or the path the source declares. */
  readonly definitionPath: string;
  readonly sourceFormat: SourceFormat;
}

/** A problem found while loading, always located in a file. */
export interface RegistryIssue {
  readonly file: string;
  /** 1-based line; 0 when the problem concerns the whole file. */
  readonly line: number;
  /** Dotted path of the offending field, when there is one. */
  readonly field?: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** An immutable, loaded set of agents. */
export interface Registry {
  /**
   * Agents in registry order: files by sorted path, entries in file order. Deterministic,
   * and the tie-break order of every strategy.
   */
  readonly agents: readonly Agent[];
  readonly byName: ReadonlyMap<string, Agent>;
  /** Content hash of the normalised agents: `registry_version` in every decision. */
  readonly version: string;
  readonly issues: readonly RegistryIssue[];
  /** The paths the registry was loaded from, as given. */
  readonly sources: readonly string[];
}
