import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FormatResult } from './normalise.ts';

/**
 * What each file parsed to, keyed by its path, size and modification time, so that a
 * one-shot command (a CLI call, a Claude Code hook) reads one JSON file instead of parsing
 * every YAML definition again. A changed file is simply parsed again.
 */
interface CachedFile {
  readonly size: number;
  readonly mtimeMs: number;
  /** null: the file is not an agent definition. */
  readonly result: FormatResult | null;
}

/** Bump when the shape of a parsed agent changes, so old caches are ignored. */
const FORMAT = 4;

export class ParseCache {
  readonly #file: string;
  readonly #entries: Map<string, CachedFile>;
  readonly #used = new Map<string, CachedFile>();
  #changed = false;

  private constructor(file: string, entries: Map<string, CachedFile>) {
    this.#file = file;
    this.#entries = entries;
  }

  /** Opens (or starts) the cache file; an unreadable or outdated cache is an empty one. */
  static async open(file: string): Promise<ParseCache> {
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as { format: number; files: Record<string, CachedFile> };
      if (data.format === FORMAT) return new ParseCache(file, new Map(Object.entries(data.files)));
    } catch {
      // No cache yet, or a damaged one: parse everything.
    }
    return new ParseCache(file, new Map());
  }

  get(file: string, size: number, mtimeMs: number): FormatResult | null | undefined {
    const entry = this.#entries.get(file);
    if (entry === undefined || entry.size !== size || entry.mtimeMs !== mtimeMs) return undefined;
    this.#used.set(file, entry);
    return entry.result;
  }

  set(file: string, size: number, mtimeMs: number, result: FormatResult | null): void {
    this.#used.set(file, { size, mtimeMs, result });
    this.#changed = true;
  }

  /** Writes the entries used by this load (tmp file + rename, so readers never see half a file). */
  async save(): Promise<void> {
    if (!this.#changed && this.#used.size === this.#entries.size) return;
    await mkdir(path.dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ format: FORMAT, files: Object.fromEntries(this.#used) }));
    await rename(temporary, this.#file);
  }
}

/** `$SWITCHBOARD_CACHE_DIR`, else `$XDG_CACHE_HOME/switchboard`, else `~/.cache/switchboard`. */
export function cacheDirectory(): string {
  return (
    process.env.SWITCHBOARD_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'switchboard')
  );
}

/** One cache file per set of registry paths. */
export function parseCacheFile(paths: readonly string[]): string {
  const key = createHash('sha256')
    .update(JSON.stringify(paths.map((p) => path.resolve(p))))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDirectory(), `registry-${key}.json`);
}
