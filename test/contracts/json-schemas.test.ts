import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildEvent, parseEvent } from '../../src/contracts/event-codec.ts';
import { EVENT_TYPES, type EventType } from '../../src/contracts/events.ts';
import { eventJsonSchemaFiles, schemaFileName } from '../../src/contracts/json-schemas.ts';
import { MAX_REQUEST_CHARS } from '../../src/contracts/routing.ts';
import { PAYLOADS, pythonRequest } from './samples.ts';

/**
 * The committed JSON Schema files are what foreign producers validate with, so they are
 * checked by an independent validator (ajv, as a Python client's jsonschema would read
 * them) rather than through zod, which would only check zod against itself: every event
 * the code builds and a hand-written Python request must pass, and records zod rejects
 * must fail them too.
 */

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

// Formats are not checked: zod writes a pattern beside each one, which is what ajv checks.
const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
const validators = new Map(
  await Promise.all(
    EVENT_TYPES.map(async (type) => {
      const schema = JSON.parse(await readFile(new URL(schemaFileName(type), SCHEMA_DIR), 'utf8'));
      return [type, ajv.compile(schema)] as const;
    }),
  ),
);

function schemaAccepts(type: EventType, value: string): boolean {
  return validators.get(type)!(JSON.parse(value)) as boolean;
}

test('the committed schema files are the ones the code generates (npm run schemas:export)', async () => {
  const generated = eventJsonSchemaFiles();
  const committed = (await readdir(SCHEMA_DIR)).filter((name) => name.endsWith('.json')).sort();
  assert.deepEqual(committed, [...generated.keys()].sort());
  for (const [name, text] of generated) {
    assert.equal(await readFile(new URL(name, SCHEMA_DIR), 'utf8'), text, `schemas/${name} is stale: run npm run schemas:export`);
  }
});

test('every event the code builds satisfies its schema file', () => {
  for (const type of EVENT_TYPES) {
    for (const payload of PAYLOADS[type]) {
      const context = { correlationId: randomUUID(), service: 'switchboard', deadline: new Date() };
      const value = JSON.stringify(buildEvent(type, context, payload as never));
      assert.ok(schemaAccepts(type, value), `${type}: ${ajv.errorsText(validators.get(type)!.errors)}`);
    }
  }
});

test("a Python producer's request satisfies the schema and the service reads it", () => {
  const value = pythonRequest(randomUUID());
  assert.ok(schemaAccepts('AGENT_ROUTING_REQUESTED', value), ajv.errorsText(validators.get('AGENT_ROUTING_REQUESTED')!.errors));
  assert.ok(parseEvent(value, ['AGENT_ROUTING_REQUESTED']).ok);
});

test('a request counts characters as the schema does (code points): 10,000 emoji are accepted by both', () => {
  const event = JSON.parse(pythonRequest(randomUUID()));
  event.payload.user_request = '😀'.repeat(MAX_REQUEST_CHARS);
  const value = JSON.stringify(event);
  assert.ok(schemaAccepts('AGENT_ROUTING_REQUESTED', value), 'the schema (maxLength counts code points)');
  assert.ok(parseEvent(value, ['AGENT_ROUTING_REQUESTED']).ok, 'the service');
});

test('what the service rejects, the schema rejects too', () => {
  const valid = JSON.parse(pythonRequest(randomUUID()));
  const variants: Record<string, (event: Record<string, any>) => void> = {
    'a 10,001-character request': (e) => (e.payload.user_request = 'x'.repeat(MAX_REQUEST_CHARS + 1)),
    'a request of 10,001 emoji': (e) => (e.payload.user_request = '😀'.repeat(MAX_REQUEST_CHARS + 1)),
    'an empty request': (e) => (e.payload.user_request = ''),
    'no correlation id': (e) => delete e.correlation_id,
    'a correlation id that is no uuid': (e) => (e.correlation_id = 'req-1'),
    'a timestamp without offset': (e) => (e.timestamp = '2026-12-02T10:15:30'),
    'a string for a number': (e) => (e.payload.options.max_recommendations = '3'),
    'eleven recommendations asked': (e) => (e.payload.options.max_recommendations = 11),
    'a fractional count': (e) => (e.payload.options.max_recommendations = 2.5),
    'a number in the context': (e) => (e.payload.context.domain = 1),
    'another event type': (e) => (e.event_type = 'AGENT_ROUTING_COMPLETED'),
    'no payload': (e) => delete e.payload,
  };
  for (const [what, change] of Object.entries(variants)) {
    const event = structuredClone(valid);
    change(event);
    const value = JSON.stringify(event);
    assert.equal(parseEvent(value, ['AGENT_ROUTING_REQUESTED']).ok, false, `zod accepts ${what}`);
    assert.equal(schemaAccepts('AGENT_ROUTING_REQUESTED', value), false, `the schema accepts ${what}`);
  }
  const failed = { ...JSON.parse(pythonRequest(randomUUID())), event_type: 'AGENT_ROUTING_FAILED', payload: { error_code: 'OOPS', error_message: 'x' } };
  assert.equal(schemaAccepts('AGENT_ROUTING_FAILED', JSON.stringify(failed)), false, 'an unknown error code');
});
