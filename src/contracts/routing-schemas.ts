import { z } from 'zod';
import {
  MAX_REQUEST_CHARS,
  NO_MATCH_REASONS,
  requestLength,
  ROUTING_POLICIES,
  type ConfidenceBreakdown,
  type Recommendation,
  type RoutingMetadata,
  type RoutingOptions,
  type RoutingRequest,
  type RoutingResult,
} from './routing.ts';

/**
 * Zod schemas of the routing input and output (src/contracts/routing.ts) as they travel in
 * event payloads. Lenient readers, as SPEC §4 asks of the wire: unknown fields are dropped,
 * never rejected, and an optional field may also come as `null` (what Python's `None`
 * serialises to) and then counts as absent. The type checks at the end fail the build
 * when routing.ts gains or loses a field these schemas do not know.
 */

/** An optional field; `null` is read as absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((value): z.output<T> | undefined => value ?? undefined)
    .optional();
}

const Score = z.number().meta({ id: 'Score', description: '0..1' });

const RoutingContextSchema = z
  .record(z.string(), z.string().nullish())
  .transform((context) => Object.fromEntries(Object.entries(context).filter(([, value]) => value != null)) as Record<string, string>)
  .describe('Free string keys; domain, previous_agent and current_file are the known ones. A null value counts as absent.');

const RoutingOptionsSchema = z.object({
  max_recommendations: optional(z.int().min(1).max(10).describe('default 5')),
  min_confidence: optional(z.number().min(0).max(1).describe('default 0.5')),
  routing_strategy: optional(z.string().min(1).max(100).describe("a strategy name; unknown ones are answered with INVALID_REQUEST")),
});

export const RoutingRequestSchema = z
  .object({
    // Counted in characters (requestLength), as the JSON Schema's maxLength is; zod's max counts UTF-16 units.
    user_request: z
      .string()
      .min(1)
      .refine((text) => requestLength(text) <= MAX_REQUEST_CHARS, { message: `Too big: expected string to have <=${MAX_REQUEST_CHARS} characters` })
      .meta({ maxLength: MAX_REQUEST_CHARS }),
    context: optional(RoutingContextSchema),
    options: optional(RoutingOptionsSchema),
  })
  .meta({ id: 'RoutingRequest' });

const ConfidenceBreakdownSchema = z.object({
  total: Score,
  trigger_score: Score,
  context_score: Score,
  capability_score: Score,
  historical_score: Score,
  semantic_score: optional(Score),
  explanation: z.string(),
});

const RecommendationSchema = z.object({
  agent_name: z.string(),
  agent_title: z.string(),
  confidence: ConfidenceBreakdownSchema,
  reason: z.string(),
  definition_path: z.string(),
});

const RoutingMetadataSchema = z.object({
  routing_time_ms: z.number().min(0),
  cache_hit: z.boolean(),
  candidates_evaluated: z.int().min(0),
  routing_strategy: z.string(),
  registry_version: z.string(),
});

export const RoutingResultSchema = z
  .object({
    recommendations: z.array(RecommendationSchema).describe('best first, at or above min_confidence'),
    selected_agent: z.string().nullable().describe('null: an explicit no-match, with reason'),
    routing_policy: z.enum(ROUTING_POLICIES),
    reason: optional(z.enum(NO_MATCH_REASONS)),
    routing_metadata: RoutingMetadataSchema,
  })
  .meta({ id: 'RoutingResult' });

// ---- drift checks: compile-time only -------------------------------------------------

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/** The schema's output fits the interface, and both name the same fields. */
type Mirrors<Schema extends z.ZodType, Interface> = z.output<Schema> extends Interface ? SameKeys<z.output<Schema>, Interface> : false;
type Check<T extends true> = T;

export type RoutingSchemasMirrorRoutingTs = [
  Check<Mirrors<typeof RoutingRequestSchema, RoutingRequest>>,
  Check<Mirrors<typeof RoutingOptionsSchema, RoutingOptions>>,
  Check<Mirrors<typeof ConfidenceBreakdownSchema, ConfidenceBreakdown>>,
  Check<Mirrors<typeof RecommendationSchema, Recommendation>>,
  Check<Mirrors<typeof RoutingMetadataSchema, RoutingMetadata>>,
  Check<Mirrors<typeof RoutingResultSchema, RoutingResult>>,
];
