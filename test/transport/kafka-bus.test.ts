import { test } from 'node:test';
import { KafkaBus, simulateCrash } from '../../src/transport/kafka-bus.ts';
import { kafkaForTests } from '../support/kafka.ts';
import { busContract } from './bus-contract.ts';

const kafka = kafkaForTests();

if ('skip' in kafka) {
  test('Kafka bus', { skip: kafka.skip }, () => undefined);
} else {
  busContract('Kafka bus', {
    create: () => new KafkaBus({ brokers: kafka.brokers, clientId: 'switchboard-test' }),
    crash: simulateCrash,
  });
}
