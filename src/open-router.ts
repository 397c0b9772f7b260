import type { Registry, RegistryIssue } from './registry/agent.ts';
import { loadRegistry, type LoadOptions } from './registry/load.ts';
import { Router, type RouterOptions } from './routing/router.ts';
import { SwitchboardError } from './errors.ts';
import type { Encoder } from './embedding/encoder-types.ts';
import { embeddingServices } from './embedding/services.ts';

export interface OpenedRouter {
  readonly router: Router;
  readonly registry: Registry;
  readonly loadMs: number;
  /** The sentence encoder, when the model is present; the caller closes it. */
  readonly encoder?: Encoder;
}

export interface OpenOptions extends RouterOptions, LoadOptions {
  readonly onIssue?: (issue: RegistryIssue) => void;
  /** Said once when the embedding model is absent and the lexical default runs instead. */
  readonly onNotice?: (message: string) => void;
  /** Embedding model (default: the catalogue's default); `false` never loads one. */
  readonly model?: string | false;
}

/** The strategies that work without the embedding model. */
const WITHOUT_MODEL = new Set(['lexical', 'enhanced_fuzzy_matching']);

/**
 * The sentence encoder when the routing needs one and its files are present: `hybrid` is
 * the default whenever the model is there, `lexical` otherwise.
 */
async function encoderFor(options: OpenOptions): Promise<Encoder | undefined> {
  if (options.model === false || (options.defaultStrategy !== undefined && WITHOUT_MODEL.has(options.defaultStrategy))) return undefined;
  const { DEFAULT_MODEL, isModelFetched, loadEncoder } = await import('./embedding/encoder.ts');
  const { MODEL_NAMES, fetchCommand } = await import('./embedding/models.ts');
  const model = options.model ?? DEFAULT_MODEL;
  if (!MODEL_NAMES.includes(model)) throw new SwitchboardError('USAGE', `unknown model '${model}'; known: ${MODEL_NAMES.join(', ')}`);
  if (!isModelFetched(model)) {
    // A model asked for by name must be there; the default may be absent (lexical then).
    if (options.model !== undefined) throw new SwitchboardError('SERVICE_UNAVAILABLE', `model ${model} is not fetched: run ${fetchCommand(model)}`);
    if (options.defaultStrategy === undefined) {
      options.onNotice?.(`embedding model ${model} not fetched (npm run model:fetch): routing with the lexical strategy`);
    }
    return undefined;
  }
  return loadEncoder(model);
}

/**
 * Loads a registry and builds a router over it. Bad files are reported through `onIssue`
 * and skipped; only a registry with no agent at all is an error.
 */
export async function openRouter(paths: string[], options: OpenOptions = {}): Promise<OpenedRouter> {
  const started = performance.now();
  const registry = await loadRegistry(paths, options);
  for (const issue of registry.issues) options.onIssue?.(issue);
  if (registry.agents.length === 0) {
    const errors = registry.issues.filter((issue) => issue.severity === 'error').length;
    throw new SwitchboardError(
      errors > 0 ? 'REGISTRY_LOAD_FAILED' : 'NO_AGENTS_AVAILABLE',
      `no agents loaded from ${paths.join(', ')}${errors > 0 ? ` (${errors} errors)` : ''}`,
    );
  }
  const encoder = await encoderFor(options);
  const services = encoder === undefined ? {} : embeddingServices(encoder);
  const router = await Router.create(registry, {
    ...options,
    ...services,
    defaultStrategy: options.defaultStrategy ?? (encoder === undefined ? 'lexical' : 'hybrid'),
  });
  return { router, registry, loadMs: performance.now() - started, encoder };
}
