import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from '../registry/agent.ts';
import { formatIssue, loadRegistry } from '../registry/load.ts';

/** `ok`: a new registry serves; `unchanged`: same content hash, nothing to swap; `rejected`: the last good one serves. */
export type ReloadResult = 'ok' | 'unchanged' | 'rejected';

/** What one reload did, as `POST /reload` answers it. */
export type ReloadOutcome =
  | { readonly result: 'ok' | 'unchanged'; readonly registry_version: string; readonly agents: number }
  | {
      readonly result: 'rejected';
      /** `file:line: field: message` rows, or why nothing loaded. */
      readonly errors: readonly string[];
      /** The version still serving. */
      readonly registry_version: string;
    };

/** What /health shows of the reloads. */
export interface ReloadStatus {
  /** `rejected` while the last load found errors: the last good registry keeps serving. */
  readonly state: 'ok' | 'rejected';
  /** When the files last loaded without error (the start counts). */
  readonly last_success_at: string;
  readonly last_error_at: string | null;
  /** The rejected load's problems; empty once a load succeeds. */
  readonly errors: readonly string[];
}

/** Where a good registry goes: the routing service. */
export interface RegistryTarget {
  readonly registryVersion: string;
  readonly agentCount: number;
  replaceRegistry(registry: Registry): Promise<void>;
}

/** Quiet time after the last file event before loading: a save or a checkout is a burst of events. */
const DEBOUNCE_MS = 250;

/**
 * Keeps the service on the registry files as they are on disk: on a change (watched) or on
 * request, loads them again and hands a good registry to the service. A load is all or
 * nothing: an error in any file (or no agent at all) rejects the whole change, so a broken
 * version never serves, and the last good registry stays until the files are fixed.
 */
export class RegistryReloader {
  readonly #paths: readonly string[];
  readonly #target: RegistryTarget;
  readonly #logger: Logger;
  readonly #watchers: FSWatcher[] = [];
  readonly #counts: Record<ReloadResult, number> = { ok: 0, unchanged: 0, rejected: 0 };
  #debounce: NodeJS.Timeout | undefined;
  /** The last load asked for, running or queued: the next one starts after it. */
  #running: Promise<unknown> = Promise.resolve();
  /** The load waiting for the running one; everyone asking meanwhile shares it. */
  #queued: Promise<ReloadOutcome> | undefined;
  #status: ReloadStatus = { state: 'ok', last_success_at: new Date().toISOString(), last_error_at: null, errors: [] };

  constructor(paths: readonly string[], target: RegistryTarget, logger: Logger) {
    this.#paths = paths;
    this.#target = target;
    this.#logger = logger;
  }

  /**
   * Watches the registry paths: a directory recursively, a file through its folder (editors
   * save by writing a new file over the old one, which ends a watch on the file itself).
   */
  watch(): void {
    for (const source of this.#paths) {
      try {
        const file = statSync(source).isDirectory() ? undefined : path.basename(source);
        const watcher =
          file === undefined
            ? watch(source, { recursive: true }, () => this.#changed())
            : watch(path.dirname(source), (_event, name) => {
                if (name === file) this.#changed();
              });
        watcher.on('error', (error) => this.#logger.warn({ err: error, path: source }, 'registry watch failed: changes there need POST /reload'));
        this.#watchers.push(watcher);
      } catch (error) {
        this.#logger.warn({ err: error, path: source }, 'registry path not watched: changes there need POST /reload');
      }
    }
  }

  /**
   * Loads the files again. One load at a time: a call during a load gets a fresh one after
   * it (the running load may have read the files before the change that prompted the call),
   * shared with every call made until it starts.
   */
  reload(): Promise<ReloadOutcome> {
    if (this.#queued !== undefined) return this.#queued;
    const queued = this.#running.then(() => {
      this.#queued = undefined;
      return this.#load().catch((error: unknown) => this.#rejected([`reload failed: ${error instanceof Error ? error.message : String(error)}`]));
    });
    this.#queued = queued;
    this.#running = queued;
    return queued;
  }

  status(): ReloadStatus {
    return this.#status;
  }

  reloadCounts(): Readonly<Record<ReloadResult, number>> {
    return this.#counts;
  }

  get lastSuccessMs(): number {
    return Date.parse(this.#status.last_success_at);
  }

  /** Stops watching and waits for the load in progress. */
  async close(): Promise<void> {
    clearTimeout(this.#debounce);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    await this.#running;
  }

  #changed(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  async #load(): Promise<ReloadOutcome> {
    const registry = await loadRegistry(this.#paths);
    const errors = registry.issues.filter((issue) => issue.severity === 'error').map(formatIssue);
    if (registry.agents.length === 0) errors.push(`no agents in ${this.#paths.join(', ')}`);
    if (errors.length > 0) return this.#rejected(errors);
    const previous = this.#target.registryVersion;
    if (registry.version === previous) return this.#accepted('unchanged');
    await this.#target.replaceRegistry(registry);
    for (const issue of registry.issues) this.#logger.warn(formatIssue(issue));
    this.#logger.info({ registry_version: registry.version, previous, agents: registry.agents.length }, 'registry reloaded');
    return this.#accepted('ok');
  }

  #accepted(result: 'ok' | 'unchanged'): ReloadOutcome {
    this.#counts[result]++;
    if (this.#status.state === 'rejected') this.#logger.info('registry files fixed: the reload succeeded');
    this.#status = { state: 'ok', last_success_at: new Date().toISOString(), last_error_at: this.#status.last_error_at, errors: [] };
    return { result, registry_version: this.#target.registryVersion, agents: this.#target.agentCount };
  }

  #rejected(errors: readonly string[]): ReloadOutcome {
    this.#counts.rejected++;
    for (const error of errors) this.#logger.error(error);
    const registryVersion = this.#target.registryVersion;
    this.#logger.warn({ registry_version: registryVersion, errors: errors.length }, 'registry change rejected: the last good registry keeps serving');
    this.#status = { ...this.#status, state: 'rejected', last_error_at: new Date().toISOString(), errors };
    return { result: 'rejected', errors, registry_version: registryVersion };
  }
}
