import { linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A spool file this process alone writes, held until `release`. */
export interface SpoolSlot {
  readonly file: string;
  /** Gives the slot up; an empty spool file is removed with it. */
  release(): void;
}

/** More live writers than this in one data folder is a misconfiguration, not a load to serve. */
const MAX_SLOTS = 64;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's owner, or undefined when the lock is gone or unreadable (a crash mid-write). */
function ownerOf(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims the first spool slot of `dir` (`spool-0.jsonl`, `spool-1.jsonl`, …) that no live
 * process holds. Several writers (service instances, CLI runs) can share a data folder, and a
 * process restarted after a crash takes over the slot its dead predecessor held, so that the
 * decisions spooled before the crash are replayed before any new ones.
 *
 * The lock is a file holding the owner's pid, written aside and then linked into place, so
 * that no claimant ever reads a lock without its pid (two processes starting at once would
 * each take the other's half-made lock for a crashed one's). A lock whose pid is not running
 * is stale and is taken over. (A recycled pid can make a stale lock look live: the slot is
 * then skipped, and its spool waits for the next claim after that process exits.)
 */
export function claimSpoolSlot(dir: string): SpoolSlot {
  mkdirSync(dir, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const lock = path.join(dir, `spool-${slot}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (createLock(lock)) {
        const file = path.join(dir, `spool-${slot}.jsonl`);
        return { file, release: () => (removeIfEmpty(file), releaseLock(lock)) };
      }
      const owner = ownerOf(lock);
      if (owner !== undefined && alive(owner)) break;
      // Stale: remove it and try this slot once more (another claimant may win the race).
      try {
        unlinkSync(lock);
      } catch {
        // already removed by another claimant
      }
    }
  }
  throw new Error(`no free spool slot in ${dir}: ${MAX_SLOTS} live writers hold them`);
}

/** Creates `lock` holding this process's pid, whole or not at all; false when it exists. */
function createLock(lock: string): boolean {
  const draft = `${lock}.${process.pid}.draft`;
  writeFileSync(draft, String(process.pid));
  try {
    linkSync(draft, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(draft, { force: true });
  }
}

/** An empty spool is not worth leaving behind: the next claimant makes a new one. */
function removeIfEmpty(file: string): void {
  try {
    if (statSync(file).size === 0) unlinkSync(file);
  } catch {
    // never made, or gone
  }
}

function releaseLock(lock: string): void {
  if (ownerOf(lock) !== process.pid) return;
  try {
    unlinkSync(lock);
  } catch {
    // gone already
  }
}
