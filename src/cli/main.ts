import { readFile } from 'node:fs/promises';
import { toSwitchboardError } from '../errors.ts';
import { HELP } from './help.ts';

type Command = (args: string[]) => Promise<number>;

/** Each command loads only its own modules: a one-shot `route` must not pay for `bench`. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  route: async () => (await import('./commands/route.ts')).runRoute,
  registry: async () => (await import('./commands/registry.ts')).runRegistry,
  eval: async () => (await import('./commands/eval.ts')).runEval,
  bench: async () => (await import('./commands/bench.ts')).runBench,
  serve: async () => (await import('./commands/serve.ts')).runServe,
  request: async () => (await import('./commands/request.ts')).runRequest,
  hook: async () => (await import('./commands/hook.ts')).runHook,
  db: async () => (await import('./commands/db.ts')).runDb,
  trace: async () => (await import('./commands/trace.ts')).runTrace,
  stats: async () => (await import('./commands/stats.ts')).runStats,
  feedback: async () => (await import('./commands/feedback.ts')).runFeedback,
  experiments: async () => (await import('./commands/experiments.ts')).runExperiments,
  replay: async () => (await import('./commands/replay.ts')).runReplay,
  reload: async () => (await import('./commands/reload.ts')).runReload,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main);
    return 0;
  }
  if (command === '--version' || command === '-V') {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`switchboard ${version}\n`);
    return 0;
  }
  // No command is a usage error, as an unknown one is: a script that lost its arguments fails.
  if (command === undefined) {
    process.stderr.write(HELP.main);
    return 2;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load === undefined) {
    process.stderr.write(`switchboard: unknown command '${command}'\n\n${HELP.main}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP[command as keyof typeof HELP] ?? HELP.main);
    return 0;
  }
  return (await load())(args);
}

// A reader that stops early (`switchboard stats | head`) closes the pipe: stop quietly, as
// command-line tools do, instead of dying on the write error with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (thrown) {
  const error = toSwitchboardError(thrown);
  process.stderr.write(`switchboard: ${error.message}\n`);
  if (error.code === 'INTERNAL_ERROR' && thrown instanceof Error) process.stderr.write(`${thrown.stack}\n`);
  process.exitCode = error.exitCode;
}
