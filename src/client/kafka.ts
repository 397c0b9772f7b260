import { RoutingEventClient, type EventClientOptions } from './event-client.ts';

/** `value` (a `--kafka` flag), else `KAFKA_BROKERS`: comma-separated `host:port`; undefined when none is given. */
export function kafkaBrokers(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const brokers = (value ?? env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  return brokers.length > 0 ? brokers : undefined;
}

/** A client on a Kafka bus of its own, closed with it. The Kafka library loads only when this is called. */
export async function connectOverKafka(brokers: readonly string[], options: Omit<EventClientOptions, 'ownsBus'> = {}): Promise<RoutingEventClient> {
  const { KafkaBus } = await import('../transport/kafka-bus.ts');
  const bus = new KafkaBus({ brokers, clientId: options.service ?? 'switchboard-client' });
  return new RoutingEventClient(bus, { ...options, ownsBus: true });
}
