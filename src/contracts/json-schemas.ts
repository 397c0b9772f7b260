import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, type EventType } from './events.ts';
import { TOPIC_OF, topicNames } from './topics.ts';

/**
 * The JSON Schema files of the event contract (schemas/, one per event type, named after
 * the default topic), generated from the zod schemas so that they cannot disagree:
 * `npm run schemas:export` writes them, test/contracts/json-schemas.test.ts checks that
 * the committed files are current. They describe what a producer may send (zod's "input"
 * side): optional fields may be null, and additional properties are allowed and ignored.
 */

const DESCRIPTIONS: Record<EventType, string> = {
  AGENT_ROUTING_REQUESTED: 'A routing request. Switchboard answers on the completed or the failed topic with the same correlation_id.',
  AGENT_ROUTING_COMPLETED: 'The answer to a routing request: ranked recommendations and the decision taken from them.',
  AGENT_ROUTING_FAILED: 'A routing request that could not be answered, and why.',
  AGENT_ROUTING_FEEDBACK: "The outcome of the routed agent's work, for a routing request.",
  AGENT_ROUTING_DECISION: 'One routing decision, whichever path made it (observability).',
};

export function schemaFileName(type: EventType): string {
  return `${topicNames()[TOPIC_OF[type]]}.json`;
}

export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(EVENT_SCHEMAS[type], {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  });
  const topic = topicNames()[TOPIC_OF[type]];
  return {
    $schema,
    title: type,
    description: `${DESCRIPTIONS[type]} Topic ${topic} (default prefix), record key = correlation_id, value = this object as UTF-8 JSON; unknown fields are ignored.`,
    ...schema,
  };
}

/** Every schema file: name → text, as committed. */
export function eventJsonSchemaFiles(): Map<string, string> {
  return new Map(EVENT_TYPES.map((type) => [schemaFileName(type), `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`]));
}
