import { SwitchboardError } from '../../errors.ts';
import { experimentReport, loadExperiments, type ExperimentReport, type ExperimentsFile } from '../../experiments/index.ts';
import { BUILTIN_STRATEGIES } from '../../routing/strategies/index.ts';
import { openReadyStore } from '../../store/open-store.ts';
import { percent, printIssue, table } from '../format.ts';
import { parseCommand, parseSince } from '../options.ts';

const USAGE = 'usage: switchboard experiments validate|report [--experiments FILE] [--since 24h] [--db URL] [--json]';

/** `--experiments`, else SWITCHBOARD_EXPERIMENTS: the file `serve --experiments` reads. */
async function readFile(file: string | undefined): Promise<ExperimentsFile> {
  const chosen = file ?? process.env.SWITCHBOARD_EXPERIMENTS;
  if (!chosen) throw new SwitchboardError('USAGE', `no experiments file: pass --experiments FILE or set SWITCHBOARD_EXPERIMENTS\n${USAGE}`);
  const loaded = await loadExperiments(chosen, { strategies: [...BUILTIN_STRATEGIES.keys()] });
  for (const issue of loaded.issues) printIssue(issue);
  return loaded;
}

const rate = (value: number | null) => (value === null ? '-' : percent(value));
const ms = (value: number | null) => (value === null ? '-' : value.toFixed(2));

function printReport(report: ExperimentReport): void {
  const rows = report.variants.map((v) => [
    v.variant + (v.variant === report.control ? ' (control)' : ''),
    v.share === null ? '-' : percent(v.share),
    String(v.decisions),
    rate(v.no_match_rate),
    v.mean_confidence === null ? '-' : v.mean_confidence.toFixed(3),
    `${ms(v.latency_ms.p50)} / ${ms(v.latency_ms.p95)} / ${ms(v.latency_ms.p99)}`,
    v.agreement === null ? '-' : `${percent(v.agreement)} of ${v.compared}`,
    String(v.outcomes),
    rate(v.success_rate),
    v.vs_control === null ? '-' : `${v.vs_control.difference >= 0 ? '+' : ''}${(v.vs_control.difference * 100).toFixed(1)} pts, p=${v.vs_control.p_value.toFixed(3)}`,
  ]);
  process.stdout.write(`experiment ${report.experiment}\n`);
  process.stdout.write(`${table(['variant', 'share', 'decisions', 'no match', 'mean conf', 'p50/p95/p99 ms', 'agrees w/ control', 'outcomes', 'success', 'vs control'], rows)}\n\n`);
}

/**
 * `switchboard experiments validate|report`: check the experiments file (exit 1 with
 * `file:line` errors), or compare each experiment's variants over the decisions recorded
 * since a time: decisions, no-match rate, mean confidence, latency percentiles, agreement
 * with the control and outcome success, with a two-proportion z-test of each variant's
 * success rate against the control.
 */
export async function runExperiments(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    experiments: { type: 'string' },
    since: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [action, ...rest] = positionals;
  if (rest.length > 0 || (action !== 'validate' && action !== 'report')) throw new SwitchboardError('USAGE', USAGE);
  const { experiments, issues } = await readFile(values.experiments);
  if (issues.some((issue) => issue.severity === 'error')) return 1;
  if (action === 'validate') {
    if (!values.json) process.stdout.write(`${experiments.length} experiments, ${experiments.filter((e) => e.enabled).length} enabled\n`);
    else process.stdout.write(`${JSON.stringify({ experiments: experiments.map((e) => ({ name: e.name, enabled: e.enabled, variants: e.variants.map((v) => v.name) })) })}\n`);
    return 0;
  }
  const since = parseSince(values.since ?? '24h');
  const store = await openReadyStore(values.db);
  try {
    const reports: ExperimentReport[] = [];
    for (const experiment of experiments) reports.push(experimentReport(experiment, await store.experimentDecisions({ since, experiment: experiment.name })));
    if (values.json) process.stdout.write(`${JSON.stringify({ since: since.toISOString(), experiments: reports })}\n`);
    else for (const report of reports) printReport(report);
    return 0;
  } finally {
    await store.close();
  }
}
