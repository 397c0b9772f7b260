import type { Agent, Registry } from '../registry/agent.ts';
import type { RoutingContext } from '../contracts/routing.ts';
import type { LearnedSnapshot } from './learned-examples.ts';

/** Component scores of one candidate, each in 0..1. */
export interface ScoreBreakdown {
  readonly total: number;
  readonly trigger: number;
  readonly context: number;
  readonly capability: number;
  readonly historical: number;
  /** Embedding similarity evidence, for strategies that use embeddings. */
  readonly semantic?: number;
}

export interface Candidate {
  readonly agent: Agent;
  readonly score: ScoreBreakdown;
  /** Why this agent matched, naming the evidence (`Exact match: 'commit'`). */
  readonly reason: string;
  /** Human summary of the breakdown. */
  readonly explanation: string;
}

/** Recorded success rate of an agent in 0..1, or undefined when nothing is known. */
export type HistoricalScores = (agentName: string) => number | undefined;

export interface StrategyInput {
  /** The request, validated and normalised (lowercased, whitespace collapsed; NormalisedRequest.text). */
  readonly text: string;
  /** The same as the reference algorithm reads it (NormalisedRequest.plainText). */
  readonly plainText: string;
  readonly context: RoutingContext;
  readonly historical: HistoricalScores;
  /** The request's sentence embedding, present when the strategy `usesEmbeddings`. */
  readonly embedding?: Float32Array;
  /** Requests recorded as served well: labelled utterances, like the agents' `examples`. */
  readonly learned: LearnedSnapshot;
}

/**
 * A sentence encoder, as the routing core needs it (the ONNX implementation lives in
 * src/embedding). Vectors are L2-normalised; the same text always gives the same vector.
 */
export interface TextEncoder {
  /** Model name: part of every cache key of vectors. */
  readonly model: string;
  readonly dimension: number;
  embedQuery(text: string): Promise<Float32Array>;
  embedPassage(text: string): Promise<Float32Array>;
}

/** What a strategy may use besides the registry, injected by whoever builds the router. */
export interface StrategyServices {
  readonly encoder?: TextEncoder;
  /**
   * Embeds many agent-side texts as one row-major `texts.length × dimension` matrix, from a
   * disk cache keyed by `key` (a registry version) and the model when it can.
   */
  readonly embedPassages?: (texts: readonly string[], key: string) => Promise<Float32Array>;
  /**
   * `length` values computed from a registry's vectors (a classifier's parameters), kept on
   * disk by `key` and model: `compute` runs only when no intact copy is kept.
   */
  readonly keepComputed?: (key: string, length: number, compute: () => Promise<Float32Array>) => Promise<Float32Array>;
  /** Indexes kept from an earlier process, so that a short-lived one need not build them again. */
  readonly indexSnapshots?: IndexSnapshots;
}

/**
 * Where a strategy keeps the index it built for a registry version, as JSON data. `read`
 * gives what was last written for that kind of index and registry version, or undefined;
 * neither call may throw. A store returns only what this same code wrote, intact; the
 * strategy still checks the shape (and that it is this registry's) and builds the index
 * again when it does not fit. A snapshot saves time and never changes a decision.
 */
export interface IndexSnapshots {
  read(kind: string, registryVersion: string): unknown;
  write(kind: string, registryVersion: string, snapshot: unknown): void;
}

/** A strategy bound to one registry version: all indexing is done, scoring is pure. */
export interface PreparedStrategy {
  /**
   * The agents with evidence for the request, best first; ties keep registry order. A
   * strategy may stop after the best 10: no request asks for more recommendations.
   * `total` must be calibrated so that the router's `min_confidence` (default 0.5) is a
   * meaningful "this agent fits" line. Must be deterministic and free of I/O.
   */
  rank(input: StrategyInput): Candidate[];
}

export interface ScoringStrategy {
  /** Stable name, selectable as `routing_strategy`. */
  readonly name: string;
  readonly description: string;
  /** rank() needs the request's embedding; the router computes it once per decision. */
  readonly usesEmbeddings?: boolean;
  /** Index a registry once; called once per registry version. */
  prepare(registry: Registry, services: StrategyServices): PreparedStrategy | Promise<PreparedStrategy>;
}
