import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
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
  /**
   * The serving registry's warnings (`file:line: message`, the first WARNINGS_SHOWN): a
   * duplicate agent name with both paths and which definition serves, a file read leniently.
   */
  readonly warnings: readonly string[];
  readonly warning_count: number;
}

/** /health lists this many of the serving registry's warnings; `warning_count` has them all. */
const WARNINGS_SHOWN = 50;

function warningsOf(registry: Registry): Pick<ReloadStatus, 'warnings' | 'warning_count'> {
  const warnings = registry.issues.filter((issue) => issue.severity !== 'error').map(formatIssue);
  return { warnings: warnings.slice(0, WARNINGS_SHOWN), warning_count: warnings.length };
}

/** Where a good registry goes: the routing service. */
export interface RegistryTarget {
  readonly registry: Registry;
  readonly registryVersion: string;
  readonly agentCount: number;
  replaceRegistry(registry: Registry): Promise<void>;
}

const ALL_FILES = 'all files';

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
  /** By folder. */
  readonly #watchers = new Map<string, FSWatcher>();
  #watching = false;
  readonly #counts: Record<ReloadResult, number> = { ok: 0, unchanged: 0, rejected: 0 };
  #debounce: NodeJS.Timeout | undefined;
  /** The last load asked for, running or queued: the next one starts after it. */
  #running: Promise<unknown> = Promise.resolve();
  /** The load waiting for the running one; everyone asking meanwhile shares it. */
  #queued: Promise<ReloadOutcome> | undefined;
  #status: ReloadStatus;

  constructor(paths: readonly string[], target: RegistryTarget, logger: Logger) {
    this.#paths = paths;
    this.#target = target;
    this.#logger = logger;
    this.#status = { state: 'ok', last_success_at: new Date().toISOString(), last_error_at: null, errors: [], ...warningsOf(target.registry) };
  }

  /**
   * Watches the registry paths: each folder of a directory, and a file through its folder.
   * Folders, not files: editors save by writing a new file over the old one, which ends a
   * watch on the file itself (Node's recursive watch on Linux keeps such per-file watches and
   * so stops seeing a file once it was saved that way). Folders made later are watched from
   * the next reload on.
   */
  watch(): void {
    this.#watching = true;
    this.#syncWatches();
  }

  /** Starts a watch on every folder of the registry paths not watched yet, and ends those on folders gone. */
  #syncWatches(): void {
    // folder → the files watched in it, or every file (ALL_FILES) where a registry path is the folder
    const wanted = new Map<string, Set<string> | typeof ALL_FILES>();
    for (const source of this.#paths) {
      try {
        if (!statSync(source).isDirectory()) {
          const folder = path.dirname(source);
          const files = wanted.get(folder) ?? new Set<string>();
          if (files !== ALL_FILES) wanted.set(folder, files.add(path.basename(source)));
          continue;
        }
        wanted.set(source, ALL_FILES);
        for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
          if (entry.isDirectory()) wanted.set(path.join(entry.parentPath, entry.name), ALL_FILES);
        }
      } catch (error) {
        this.#logger.warn({ err: error, path: source }, 'registry path not watched: changes there need POST /reload');
      }
    }
    for (const [folder, watcher] of this.#watchers) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.#watchers.delete(folder);
      }
    }
    for (const [folder, files] of wanted) {
      if (this.#watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (_event, name) => {
          if (files === ALL_FILES || (name !== null && files.has(name))) this.#changed();
        });
        watcher.on('error', (error) => this.#logger.warn({ err: error, path: folder }, 'registry watch failed: changes there need POST /reload'));
        this.#watchers.set(folder, watcher);
      } catch (error) {
        this.#logger.warn({ err: error, path: folder }, 'registry folder not watched: changes there need POST /reload');
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
    this.#watching = false;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    await this.#running;
  }

  #changed(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.reload(), DEBOUNCE_MS);
  }

  async #load(): Promise<ReloadOutcome> {
    if (this.#watching) this.#syncWatches();
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
    const warnings = warningsOf(this.#target.registry);
    this.#status = { state: 'ok', last_success_at: new Date().toISOString(), last_error_at: this.#status.last_error_at, errors: [], ...warnings };
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
