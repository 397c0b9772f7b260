import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { globalSetup as startKafka, globalTeardown as stopKafka } from './kafka.ts';

/**
 * `node --test`'s global setup (the `test` script): once per run, in the runner process,
 * before any test file starts, so that every file inherits what is set here.
 * - a Kafka broker for the run (./kafka.ts);
 * - a data folder of the run's own: services started by tests record their decisions in the
 *   embedded store there, never in the checkout's `.switchboard/`.
 */
let dataDir: string | undefined;

export async function globalSetup(): Promise<void> {
  if (!process.env.SWITCHBOARD_DATA_DIR) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-test-data-'));
    process.env.SWITCHBOARD_DATA_DIR = dataDir;
  }
  await startKafka();
}

export async function globalTeardown(): Promise<void> {
  await stopKafka();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
}
