/**
 * The routing input and output of SPEC §2, in their wire shape (snake_case), shared by
 * the in-process API, the CLI's `--json`, HTTP and the event payloads.
 */

/** The longest `user_request`, in characters as requestLength counts them. */
export const MAX_REQUEST_CHARS = 10_000;

/**
 * A request's length as the contract counts it: Unicode code points, as JSON Schema's
 * maxLength and Python's len() count them (an emoji is one character, two UTF-16 units).
 */
export function requestLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** `text` cut to MAX_REQUEST_CHARS characters (never inside one). */
export function truncateRequest(text: string): string {
  return requestLength(text) <= MAX_REQUEST_CHARS ? text : Array.from(text).slice(0, MAX_REQUEST_CHARS).join('');
}
export const DEFAULT_MAX_RECOMMENDATIONS = 5;
export const DEFAULT_MIN_CONFIDENCE = 0.5;

export interface RoutingContext {
  domain?: string;
  previous_agent?: string;
  current_file?: string;
  [key: string]: string | undefined;
}

export interface RoutingOptions {
  /** 1..10, default 5. */
  max_recommendations?: number;
  /** 0..1, default 0.5. */
  min_confidence?: number;
  routing_strategy?: string;
}

export interface RoutingRequest {
  user_request: string;
  context?: RoutingContext;
  options?: RoutingOptions;
}

export interface ConfidenceBreakdown {
  total: number;
  trigger_score: number;
  context_score: number;
  capability_score: number;
  historical_score: number;
  /** Sentence-embedding similarity evidence, 0..1; present for strategies that use embeddings. */
  semantic_score?: number;
  explanation: string;
}

export interface Recommendation {
  agent_name: string;
  agent_title: string;
  confidence: ConfidenceBreakdown;
  reason: string;
  definition_path: string;
}

export const NO_MATCH_REASONS = ['no_candidate_above_threshold', 'empty_candidates', 'routing_timeout'] as const;
export type NoMatchReason = (typeof NO_MATCH_REASONS)[number];

export const ROUTING_POLICIES = ['explicit_request', 'trigger_match', 'no_match', 'fallback_default'] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

export interface RoutingMetadata {
  routing_time_ms: number;
  cache_hit: boolean;
  candidates_evaluated: number;
  routing_strategy: string;
  registry_version: string;
}

/** The completed payload (SPEC §3): a ranked answer plus the decision taken from it. */
export interface RoutingResult {
  /** Candidates at or above `min_confidence`, best first, at most `max_recommendations`. */
  recommendations: Recommendation[];
  /** The chosen agent, or null for an explicit no-match. */
  selected_agent: string | null;
  routing_policy: RoutingPolicy;
  /** Why no agent was chosen (SPEC §2's `reason`): set exactly when `selected_agent` is null. */
  reason?: NoMatchReason;
  routing_metadata: RoutingMetadata;
}
