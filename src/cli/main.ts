import { toSwitchboardError } from '../errors.ts';
import { runBench } from './commands/bench.ts';
import { runEval } from './commands/eval.ts';
import { runRegistry } from './commands/registry.ts';
import { runRoute } from './commands/route.ts';
import { HELP } from './help.ts';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  route: runRoute,
  registry: runRegistry,
  eval: runEval,
  bench: runBench,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP.main);
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    process.stderr.write(`switchboard: unknown command '${command}'\n\n${HELP.main}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP[command as keyof typeof HELP] ?? HELP.main);
    return 0;
  }
  return run(args);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (thrown) {
  const error = toSwitchboardError(thrown);
  process.stderr.write(`switchboard: ${error.message}\n`);
  if (error.code === 'INTERNAL_ERROR' && thrown instanceof Error) process.stderr.write(`${thrown.stack}\n`);
  process.exitCode = error.exitCode;
}
