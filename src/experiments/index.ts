/**
 * A/B experiments of routing strategies (SPEC §6): the experiments file, sticky assignment of
 * requests to variants, and the per-variant report over recorded decisions. Pure apart from
 * `loadExperiments` reading its file; see docs/experiments.md.
 */
export {
  ASSIGNMENT_KEYS,
  loadExperiments,
  parseExperiments,
  type AssignmentKey,
  type Experiment,
  type ExperimentsFile,
  type ReadExperimentsOptions,
  type Variant,
} from './config.ts';
export { assignmentPoint, assignRequest, assignVariant, type Assignment } from './assign.ts';
export { experimentReport, type DecisionRow, type ExperimentReport, type VariantReport } from './report.ts';
export type { ProportionTest } from './statistics.ts';
