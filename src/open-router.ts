import type { Registry, RegistryIssue } from './registry/agent.ts';
import { loadRegistry, type LoadOptions } from './registry/load.ts';
import { Router, type RouterOptions } from './routing/router.ts';
import { SwitchboardError } from './errors.ts';

export interface OpenedRouter {
  readonly router: Router;
  readonly registry: Registry;
  readonly loadMs: number;
}

/**
 * Loads a registry and builds a router over it. Bad files are reported through `onIssue`
 * and skipped; only a registry with no agent at all is an error.
 */
export async function openRouter(
  paths: string[],
  options: RouterOptions & LoadOptions & { onIssue?: (issue: RegistryIssue) => void } = {},
): Promise<OpenedRouter> {
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
  const router = await Router.create(registry, options);
  return { router, registry, loadMs: performance.now() - started };
}
