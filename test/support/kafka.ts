import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Real Kafka brokers for tests, run by the project's `scripts/kafka.sh`.
 *
 * As part of `node --test`'s global setup (test/support/global.ts, in the
 * `test` script) this module runs once per run, in the runner process: with
 * `KAFKA_BROKERS` set it uses that broker; otherwise it starts a fresh one for the run and
 * stops it afterwards. Test files, each in its own process, inherit the address through
 * the environment and read it with `kafkaForTests()`.
 *
 * Each run's broker gets free ports of its own (or SWITCHBOARD_TEST_KAFKA_PORT), so that
 * concurrent runs on one machine, and a developer's broker on 19092, never meet.
 *
 * Without Java or Maven the Kafka tests are skipped with one line saying why, except in CI
 * (`CI=true`), where they must run: the run fails instead.
 */

const execFileAsync = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/kafka.sh', import.meta.url));
const CACHE = process.env.KAFKA_CACHE_DIR ?? fileURLToPath(new URL('../../.cache/kafka', import.meta.url));
const SKIP_VARIABLE = 'SWITCHBOARD_KAFKA_SKIP';

export type KafkaForTests = { readonly brokers: string[] } | { readonly skip: string };

/** The run's broker, or why Kafka tests are skipped in this run. */
export function kafkaForTests(): KafkaForTests {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers) return { brokers: brokers.split(',').map((broker) => broker.trim()) };
  const reason =
    process.env[SKIP_VARIABLE] ??
    'KAFKA_BROKERS is not set (run `npm test`, which starts a broker, or export the address of a running one)';
  if (isCI()) throw new Error(`CI=true: Kafka tests must run, but ${reason}`);
  return { skip: reason };
}

/** A broker of the test's own, for tests that stop and start it. */
export interface TestBroker {
  readonly brokers: string[];
  stop(): Promise<void>;
  /** Starts it again with its data (topics, groups, offsets) kept. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  dispose(): Promise<void>;
}

export async function startTestBroker(port?: string): Promise<TestBroker> {
  const ownPorts = port === undefined;
  const env = {
    ...process.env,
    KAFKA_PORT: port ?? String(await freePort()),
    ...(ownPorts && { KAFKA_CONTROLLER_PORT: String(await freePort()) }),
  };
  const run = (command: string, extra: Record<string, string> = {}) =>
    execFileAsync(SCRIPT, [command], { env: { ...env, ...extra } }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`scripts/kafka.sh ${command} (port ${env.KAFKA_PORT}) failed: ${error.stderr || error.message}`);
    });
  // Fresh data: every test makes topics, and a broker loading hundreds of old ones starts slower.
  const { stdout } = await run('start', { KAFKA_FRESH: '1' });
  const address = /^KAFKA_BROKERS=(\S+)$/m.exec(stdout)?.[1];
  if (address === undefined) throw new Error(`scripts/kafka.sh start printed no address: ${stdout}`);
  const stop = async () => void (await run('stop'));
  return {
    brokers: [address],
    stop,
    start: async () => void (await run('start')),
    dispose: async () => {
      await stop();
      // Ports picked here are new each run: do not leave a folder per run behind.
      if (ownPorts) await rm(`${CACHE}/${env.KAFKA_PORT}`, { recursive: true, force: true });
    },
  };
}

let runBroker: TestBroker | undefined;

export async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) return;
  const missing = await missingTools();
  if (missing.length > 0) {
    const what = `${missing.join(' and ')} not found`;
    if (isCI()) throw new Error(`CI=true: Kafka tests must run, but ${what}`);
    const reason = `Kafka tests skipped: ${what} (the test broker needs Java 17+ and Maven; or set KAFKA_BROKERS)`;
    process.env[SKIP_VARIABLE] = reason;
    process.stderr.write(`${reason}\n`);
    return;
  }
  runBroker = await startTestBroker(process.env.SWITCHBOARD_TEST_KAFKA_PORT);
  process.env.KAFKA_BROKERS = runBroker.brokers.join(',');
}

export async function globalTeardown(): Promise<void> {
  await runBroker?.dispose();
}

/** Why a test broker cannot run here: the tools missing, if any. */
export async function missingTools(): Promise<string[]> {
  // scripts/kafka.sh runs $JAVA_HOME/bin/java when there is one, else java from PATH.
  const checks = { java: 'command -v java || [ -x "$JAVA_HOME/bin/java" ]', mvn: 'command -v mvn' };
  const found = await Promise.all(
    Object.values(checks).map((check) =>
      execFileAsync('sh', ['-c', check]).then(
        () => true,
        () => false,
      ),
    ),
  );
  return Object.keys(checks).filter((_, i) => !found[i]);
}

function isCI(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
