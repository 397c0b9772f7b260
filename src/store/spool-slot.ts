import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

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
 * is stale and is taken over, one claimant at a time (takeOver). (A recycled pid can make a
 * stale lock look live: the slot is then skipped, and its spool waits for the next claim
 * after that process exits.)
 */
export function claimSpoolSlot(dir: string): SpoolSlot {
  mkdirSync(dir, { recursive: true });
  removeDeadDrafts(dir);
  const draft = path.join(dir, `${DRAFT_PREFIX}${process.pid}-${threadId}`);
  writeFileSync(draft, String(process.pid));
  try {
    for (let slot = 0; slot < MAX_SLOTS; slot++) {
      const lock = path.join(dir, `spool-${slot}.lock`);
      if (createLock(lock, draft) || takeOver(lock, draft)) {
        const file = path.join(dir, `spool-${slot}.jsonl`);
        return { file, release: () => (removeIfEmpty(file), releaseLock(lock)) };
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new Error(`no free spool slot in ${dir}: ${MAX_SLOTS} live writers hold them`);
}

/** Locks are drafted as `lock-draft-<pid>-<thread>` (one per claim), then linked into place. */
const DRAFT_PREFIX = 'lock-draft-';

/** Filesystems without hard links (vfat, some network mounts) refuse `link` with these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Creates `file` holding `draft`'s pid, whole; false when it exists. */
function createLock(file: string, draft: string): boolean {
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  }
  // No hard links here: an exclusive create, whose pid follows a moment later.
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes over `lock` when its owner is not running. A guard file, created exclusively, lets
 * one claimant at a time do so, and it reads the owner again under the guard: two claimants
 * that both saw the dead owner cannot both remove the lock, the second one removing the
 * first one's new lock. A guard left by a claimant that died taking over is removed, and the
 * slot left for the next claim.
 */
function takeOver(lock: string, draft: string): boolean {
  if (!stale(lock)) return false;
  const guard = `${lock}.takeover`;
  if (!createLock(guard, draft)) {
    if (stale(guard)) rmSync(guard, { force: true });
    return false;
  }
  try {
    if (!stale(lock)) return false;
    rmSync(lock, { force: true });
    return createLock(lock, draft);
  } finally {
    rmSync(guard, { force: true });
  }
}

/** The lock exists and no running process owns it. */
function stale(lock: string): boolean {
  if (!existsSync(lock)) return false;
  const owner = ownerOf(lock);
  return owner === undefined || !alive(owner);
}

/** Drafts a claimant left when it was killed mid-claim. */
function removeDeadDrafts(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(DRAFT_PREFIX)) continue;
    const pid = Number.parseInt(name.slice(DRAFT_PREFIX.length), 10);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(path.join(dir, name), { force: true });
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
