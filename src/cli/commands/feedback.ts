import { SwitchboardError } from '../../errors.ts';
import { openReadyStore } from '../../store/open-store.ts';
import { parseCommand, parseNumber } from '../options.ts';

const USAGE = 'usage: switchboard feedback <correlation_id> --success|--failure [--score X] [--note TEXT] [--source S] [--db URL] [--json]';

/**
 * `switchboard feedback`: records the outcome of a routed request in the decision history,
 * where the service reads it into its historical scores. Exit 1 when no decision has the
 * correlation id, 2 for a bad outcome (score outside 0..1, note too long) or usage.
 */
export async function runFeedback(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    success: { type: 'boolean' },
    failure: { type: 'boolean' },
    score: { type: 'string' },
    note: { type: 'string' },
    source: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1 || values.success === values.failure) throw new SwitchboardError('USAGE', USAGE);
  const outcome = {
    correlation_id: positionals[0],
    success: values.success === true,
    quality_score: parseNumber(values.score, '--score') ?? null,
    note: values.note ?? null,
    source: values.source ?? 'cli',
  };
  const store = await openReadyStore(values.db);
  try {
    if (!(await store.writeOutcome(outcome))) {
      process.stderr.write(`switchboard: no decision with correlation id '${outcome.correlation_id}' in ${store.location}\n`);
      return 1;
    }
  } finally {
    await store.close();
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ recorded: true, correlation_id: outcome.correlation_id })}\n`);
  else process.stdout.write(`recorded ${outcome.success ? 'success' : 'failure'} for ${outcome.correlation_id}\n`);
  return 0;
}
