import { SwitchboardError } from '../errors.ts';
import type { EventType } from './events.ts';

/**
 * Topic names (SPEC §3): `<prefix>.<kind>.v1`, the prefix `agent.routing` by default, so
 * that environments (or tests) sharing a broker keep to their own topics.
 */
export const TOPIC_KINDS = ['requested', 'completed', 'failed', 'feedback', 'decision'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];
export type TopicNames = Readonly<Record<TopicKind, string>>;

export const DEFAULT_TOPIC_PREFIX = 'agent.routing';

/** Which topic carries each event type. */
export const TOPIC_OF: Readonly<Record<EventType, TopicKind>> = {
  AGENT_ROUTING_REQUESTED: 'requested',
  AGENT_ROUTING_COMPLETED: 'completed',
  AGENT_ROUTING_FAILED: 'failed',
  AGENT_ROUTING_FEEDBACK: 'feedback',
  AGENT_ROUTING_DECISION: 'decision',
};

// Kafka's legal topic characters; 200 leaves room for the suffix within Kafka's 249.
const LEGAL_PREFIX = /^[A-Za-z0-9._-]{1,200}$/;

export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  if (!LEGAL_PREFIX.test(prefix)) {
    throw new SwitchboardError('USAGE', `topic prefix ${JSON.stringify(prefix)}: use 1-200 letters, digits, '.', '_' or '-'`);
  }
  const names = Object.fromEntries(TOPIC_KINDS.map((kind) => [kind, `${prefix}.${kind}.v1`]));
  return Object.freeze(names as Record<TopicKind, string>);
}
