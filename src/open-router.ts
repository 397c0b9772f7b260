import type { Registry, RegistryIssue } from './registry/agent.ts';
import { loadRegistry, type LoadOptions } from './registry/load.ts';
import { parseCacheFile } from './registry/parse-cache.ts';
import { Router, type RouterOptions } from './routing/router.ts';
import type { IndexSnapshots } from './routing/strategy.ts';
import { indexSnapshotFiles } from './snapshots/index-snapshot-files.ts';
import { SwitchboardError } from './errors.ts';
import type { Encoder } from './embedding/encoder-types.ts';

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
  /**
   * Embedding model (default: the catalogue's default); `false` never loads one; an encoder
   * already loaded is used as it is (a reload: the model loads once per process).
   */
  readonly model?: string | false | Encoder;
}

/** The strategies that work without the embedding model. */
const WITHOUT_MODEL = new Set(['lexical', 'enhanced_fuzzy_matching']);

/**
 * The sentence encoder when the routing needs one (the default strategy, or one to prepare)
 * and its files are present: `hybrid` is the default whenever the model is there, `lexical` otherwise.
 */
async function encoderFor(options: OpenOptions): Promise<Encoder | undefined> {
  // An encoder already loaded (a reload) is kept whatever the strategies: the service chose it at start.
  if (typeof options.model === 'object') return options.model;
  const wanted = [options.defaultStrategy, ...(options.prepare ?? [])];
  if (options.model === false || wanted.every((name) => name !== undefined && WITHOUT_MODEL.has(name))) return undefined;
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
 * Processes that keep a parse cache (one-shot CLI calls, the hook) keep their prepared
 * indexes beside it too: building the lexical index was half of such a process's time.
 */
function snapshotsBesideParseCache(paths: readonly string[], parseCache: LoadOptions['parseCache']): IndexSnapshots | undefined {
  if (!parseCache) return undefined;
  return indexSnapshotFiles(parseCache === true ? parseCacheFile(paths) : parseCache);
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
      `no agents loaded from ${paths.join(', ')}${errors > 0 ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`,
    );
  }
  const { router, encoder } = await indexRegistry(registry, options);
  return { router, registry, loadMs: performance.now() - started, encoder };
}

/**
 * Builds a router over a registry already loaded: the part of `openRouter` after the load,
 * for a caller that judges the registry itself first (a hot reload refuses one with errors).
 */
export async function indexRegistry(registry: Registry, options: OpenOptions = {}): Promise<{ router: Router; encoder?: Encoder }> {
  const encoder = await encoderFor(options);
  // Loaded with the encoder only: a lexical one-shot call need not pay for the vector cache.
  const services = encoder === undefined ? {} : (await import('./embedding/services.ts')).embeddingServices(encoder);
  const router = await Router.create(registry, {
    ...options,
    ...services,
    indexSnapshots: options.indexSnapshots ?? snapshotsBesideParseCache(registry.sources, options.parseCache),
    defaultStrategy: options.defaultStrategy ?? (encoder === undefined ? 'lexical' : 'hybrid'),
  });
  return { router, encoder };
}
