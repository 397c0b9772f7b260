import { isModelFetched } from '../../src/embedding/encoder.ts';
import { fetchCommand } from '../../src/embedding/models.ts';

/**
 * `skip` option for tests that need a real model: a one-line reason when the model is not
 * fetched and CI is not `true`; `false` otherwise, so that under CI a missing model fails
 * the tests (loadEncoder's MODEL_MISSING error names the fetch command).
 */
export function skipUnlessFetched(model: string): string | false {
  if (isModelFetched(model) || process.env.CI === 'true') return false;
  return `model ${model} is not fetched: run \`${fetchCommand(model)}\` (skipped because CI is not true)`;
}
