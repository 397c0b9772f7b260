import { parseEvent } from '../contracts/event-codec.ts';
import type { RoutingRequestedEvent } from '../contracts/events.ts';
import type { TopicNames } from '../contracts/topics.ts';
import { SwitchboardError } from '../errors.ts';
import type { KafkaReader, PartitionRange } from '../transport/kafka-reader.ts';
import { decisionOf, type Recording } from './replay.ts';

/** Where to start on the request topic: a time, or offsets of chosen partitions (the others are not read). */
export type KafkaStart = { readonly since: Date } | { readonly offsets: ReadonlyMap<number, bigint> };

export interface KafkaRecordings {
  /** In the order the requests were made. */
  readonly recordings: Recording[];
  readonly skipped: {
    /** Records on the request topic that are not a valid request event. */
    readonly unreadable: number;
    /** Requests with no reply on the completed or failed topic: skipped as expired, or never answered. */
    readonly unanswered: number;
  };
}

/**
 * Replies are looked for from this long before the first request: their timestamps come
 * from the service's clock, the requests' from each client's.
 */
const CLOCK_SKEW_MS = 60_000;

/**
 * The requests on the request topic from `start` up to its end when reading starts, each
 * with the reply the service gave it (completed or failed topic, matched by correlation id).
 * A request sent again under the same correlation id counts once, with its first reply.
 */
export async function readKafkaRecordings(reader: KafkaReader, topics: TopicNames, start: KafkaStart): Promise<KafkaRecordings> {
  // Every topic is read up to where it ends now: what arrives during the replay is not part of it.
  const [requestEnds, completedEnds, failedEnds] = await Promise.all(
    [topics.requested, topics.completed, topics.failed].map((topic) => reader.endOffsets(topic)),
  );
  const starts = 'since' in start ? await reader.offsetsAt(topics.requested, start.since) : chosenOffsets(start.offsets, requestEnds, topics.requested);

  const requests = new Map<string, { event: RoutingRequestedEvent; order: [number, number, bigint] }>();
  let unreadable = 0;
  let earliest = Infinity;
  for await (const record of reader.read(topics.requested, ranges(starts, requestEnds))) {
    const parsed = parseEvent(record.value, ['AGENT_ROUTING_REQUESTED']);
    if (!parsed.ok) {
      unreadable++;
      continue;
    }
    earliest = Math.min(earliest, record.timestamp);
    if (!requests.has(parsed.event.correlation_id)) {
      requests.set(parsed.event.correlation_id, { event: parsed.event, order: [record.timestamp, record.partition, record.offset] });
    }
  }
  if (requests.size === 0) return { recordings: [], skipped: { unreadable, unanswered: 0 } };

  const repliesFrom = new Date(('since' in start ? start.since.getTime() : earliest) - CLOCK_SKEW_MS);
  const originals = new Map<string, Recording['original']>();
  for (const [topic, ends] of [[topics.completed, completedEnds], [topics.failed, failedEnds]] as const) {
    const from = await reader.offsetsAt(topic, repliesFrom);
    for await (const record of reader.read(topic, ranges(from, ends))) {
      const parsed = parseEvent(record.value, ['AGENT_ROUTING_COMPLETED', 'AGENT_ROUTING_FAILED']);
      if (!parsed.ok || !requests.has(parsed.event.correlation_id) || originals.has(parsed.event.correlation_id)) continue;
      const { event } = parsed;
      originals.set(
        event.correlation_id,
        event.event_type === 'AGENT_ROUTING_COMPLETED'
          ? { ...decisionOf(event.payload, event.payload.routing_metadata.routing_time_ms), strategy: event.payload.routing_metadata.routing_strategy }
          : { agent: null, confidence: null, error_code: event.payload.error_code, time_ms: null, strategy: null },
      );
    }
  }

  const recordings: Recording[] = [];
  const inOrder = [...requests.values()].sort((a, b) => compareOrder(a.order, b.order));
  for (const { event } of inOrder) {
    const original = originals.get(event.correlation_id);
    if (original !== undefined) recordings.push({ correlation_id: event.correlation_id, request: event.payload, original });
  }
  return { recordings, skipped: { unreadable, unanswered: requests.size - recordings.length } };
}

/** `--offsets`: the chosen partitions from their offsets, the others from their end (nothing). */
function chosenOffsets(offsets: ReadonlyMap<number, bigint>, ends: readonly bigint[], topic: string): bigint[] {
  for (const partition of offsets.keys()) {
    if (partition >= ends.length) throw new SwitchboardError('USAGE', `${topic} has ${ends.length} partitions (0..${ends.length - 1}); got partition ${partition}`);
  }
  return ends.map((end, partition) => offsets.get(partition) ?? end);
}

function ranges(starts: readonly bigint[], ends: readonly bigint[]): PartitionRange[] {
  return ends.map((to, partition) => ({ partition, from: starts[partition] ?? to, to }));
}

/** By timestamp, then partition and offset: a stable order across partitions. */
function compareOrder(a: [number, number, bigint], b: [number, number, bigint]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
