import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RoutingOptions } from '../contracts/routing.ts';
import type { RegistryIssue } from '../registry/agent.ts';
import { Text } from '../registry/schema.ts';
import { issueAt, parseYaml, schemaIssues, type YamlSource } from '../registry/yaml-source.ts';

/**
 * The experiments file (SPEC §6): A/B experiments, each splitting traffic between variants
 * that route with their own strategy and parameters. Read like the registry files: never
 * throws for bad input, reports `file:line: field: message` issues, and a file with any
 * error yields no experiment, so a half-valid file never changes how traffic is split.
 */

/** What a request is assigned by: its context's `session_id` or `user_id`, or its correlation id. */
export const ASSIGNMENT_KEYS = ['session', 'user', 'correlation_id'] as const;
export type AssignmentKey = (typeof ASSIGNMENT_KEYS)[number];

export interface Variant {
  readonly name: string;
  /** The fraction of the experiment's traffic it gets, 0..1; an experiment's shares sum to 1. */
  readonly share: number;
  /** The routing options it sets on the requests assigned to it: always a strategy, and the parameters it fixes. */
  readonly options: Readonly<RoutingOptions & { routing_strategy: string }>;
}

export interface Experiment {
  readonly name: string;
  /** Part of the assignment hash: a new salt reshuffles who gets which variant. */
  readonly salt: string;
  readonly key: AssignmentKey;
  /** A disabled experiment assigns nothing but stays known, so its recorded decisions can still be reported. */
  readonly enabled: boolean;
  /** In file order; the first is the control the others are compared with. */
  readonly variants: readonly Variant[];
}

export interface ExperimentsFile {
  /** Empty when the file has any error. */
  readonly experiments: readonly Experiment[];
  readonly issues: readonly RegistryIssue[];
}

/** Shares may sum to 1 only within float rounding (0.7 + 0.2 + 0.1 is not exactly 1). */
const SHARE_SUM_TOLERANCE = 1e-9;

/** Names are recorded with every decision, whose event allows at most 200 characters. */
const Name = Text.regex(/^\S+$/, 'expected a name without spaces').max(200, 'expected at most 200 characters');
const IN_0_1 = 'expected a number in 0..1';
const Fraction = z.number(IN_0_1).min(0, IN_0_1).max(1, IN_0_1);
const IN_1_10 = 'expected a whole number in 1..10';

// Objects are strict: a misspelt parameter (`min_confidance`) would silently change what an experiment measures.
const VariantSchema = z.strictObject(
  {
    name: Name,
    share: Fraction,
    strategy: Text.min(1, 'must not be empty').max(100, 'expected at most 100 characters'),
    min_confidence: Fraction.optional(),
    max_recommendations: z.int(IN_1_10).min(1, IN_1_10).max(10, IN_1_10).optional(),
  },
  'expected a mapping of variant fields',
);

const ExperimentSchema = z
  .strictObject(
    {
      name: Name,
      salt: Text.min(1, 'must not be empty'),
      key: z.enum(ASSIGNMENT_KEYS, `expected ${ASSIGNMENT_KEYS.join(', ')}`),
      enabled: z.boolean('expected true or false').default(true),
      variants: z
        .array(VariantSchema, 'expected a list of variants')
        .min(2, 'expected at least two variants: a control and one to compare with it'),
    },
    'expected a mapping of experiment fields',
  );

const ExperimentsFileSchema = z
  .strictObject(
    { experiments: z.array(ExperimentSchema, 'expected a list of experiments') },
    'expected a mapping with an `experiments:` list',
  );

/** Zod issues at their fields; an unknown key gets its own line, where the typo is. */
function configIssues(source: YamlSource, error: z.ZodError): RegistryIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return schemaIssues(source, new z.ZodError([issue]));
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    return issue.keys.map((key) => issueAt(source, [...path, key], 'unknown field'));
  });
}

function toExperiment(parsed: z.output<typeof ExperimentSchema>): Experiment {
  return {
    name: parsed.name,
    salt: parsed.salt,
    key: parsed.key,
    enabled: parsed.enabled,
    variants: parsed.variants.map(({ name, share, strategy, min_confidence, max_recommendations }) => ({
      name,
      share,
      options: {
        routing_strategy: strategy,
        ...(min_confidence !== undefined && { min_confidence }),
        ...(max_recommendations !== undefined && { max_recommendations }),
      },
    })),
  };
}

export interface ReadExperimentsOptions {
  /** The strategies the router knows; a variant naming another one is an error at its line. */
  readonly strategies?: readonly string[];
}

type Fields = Record<string, unknown>;
const mappings = (value: unknown): (Fields | undefined)[] =>
  Array.isArray(value) ? value.map((item) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Fields) : undefined)) : [];

/** `duplicate variant name 'a' (first at variants[0])` for every repeat of a string name. */
function duplicateNames(items: readonly (Fields | undefined)[], at: (i: number) => (string | number)[], label: string, what: string, source: YamlSource): RegistryIssue[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, i) => {
    const name = item?.name;
    if (typeof name !== 'string') return [];
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, i);
      return [];
    }
    return [issueAt(source, [...at(i), 'name'], `duplicate ${what} name '${name}' (first at ${label}[${first}])`)];
  });
}

/**
 * The checks across fields (shares summing to 1, distinct names, one experiment enabled, known
 * strategies), read from the document as written: they are reported beside the fields' own
 * errors, so one pass of `validate` lists every problem of the file.
 */
function crossFieldIssues(source: YamlSource, document: unknown, strategies: readonly string[] | undefined): RegistryIssue[] {
  const experiments = mappings((document as Fields | null)?.experiments);
  const issues = duplicateNames(experiments, (i) => ['experiments', i], 'experiments', 'experiment', source);
  experiments.forEach((experiment, i) => {
    const variants = mappings(experiment?.variants);
    const shares = variants.map((variant) => variant?.share);
    if (variants.length > 0 && shares.every((share) => typeof share === 'number' && Number.isFinite(share))) {
      const sum = (shares as number[]).reduce((total, share) => total + share, 0);
      if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) issues.push(issueAt(source, ['experiments', i, 'variants'], `shares sum to ${Number(sum.toPrecision(12))}, expected 1`));
    }
    issues.push(...duplicateNames(variants, (j) => ['experiments', i, 'variants', j], 'variants', 'variant', source));
    if (strategies === undefined) return;
    variants.forEach((variant, j) => {
      const strategy = variant?.strategy;
      if (typeof strategy !== 'string' || strategy === '' || strategies.includes(strategy)) return;
      issues.push(issueAt(source, ['experiments', i, 'variants', j, 'strategy'], `unknown strategy '${strategy}'; known: ${strategies.join(', ')}`));
    });
  });
  // A decision records one experiment and takes one strategy, so two running experiments would fight over it.
  const enabled = experiments.flatMap((experiment, i) => (experiment !== undefined && experiment.enabled !== false ? [i] : []));
  for (const i of enabled.slice(1)) {
    const first = experiments[enabled[0]]?.name;
    issues.push(issueAt(source, ['experiments', i, 'enabled'], `only one experiment may be enabled at a time; '${String(first)}' already is`));
  }
  return issues;
}

/** The experiments of a YAML (or JSON) text; `file` names it in the issues. */
export function parseExperiments(file: string, text: string, options: ReadExperimentsOptions = {}): ExperimentsFile {
  const { source, issues } = parseYaml(file, text);
  if (!source) return { experiments: [], issues };
  const document = source.doc.toJS();
  const parsed = ExperimentsFileSchema.safeParse(document);
  if (!parsed.success) issues.push(...configIssues(source, parsed.error));
  issues.push(...crossFieldIssues(source, document, options.strategies));
  if (!parsed.success || issues.some((issue) => issue.severity === 'error')) return { experiments: [], issues: sortedByLine(issues) };
  return { experiments: parsed.data.experiments.map(toExperiment), issues };
}

/** Issues in file order, as a compiler lists them. */
function sortedByLine(issues: readonly RegistryIssue[]): RegistryIssue[] {
  return [...issues].sort((a, b) => a.line - b.line);
}

/** The experiments of a file; an unreadable file is an issue, as a bad one is. */
export async function loadExperiments(file: string, options: ReadExperimentsOptions = {}): Promise<ExperimentsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { experiments: [], issues: [{ file, line: 0, message: `cannot read: ${reason}`, severity: 'error' }] };
  }
  return parseExperiments(file, text, options);
}
