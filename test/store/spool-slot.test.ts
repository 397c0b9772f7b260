import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { claimSpoolSlot } from '../../src/store/spool-slot.ts';
import { tempFolder } from './helpers.ts';

const folder = await tempFolder();
after(() => folder.remove());

test('each claim gets its own slot until released; a released slot is claimed again', () => {
  const dir = path.join(folder.dir, 'a');
  const first = claimSpoolSlot(dir);
  const second = claimSpoolSlot(dir);
  assert.equal(path.basename(first.file), 'spool-0.jsonl');
  assert.equal(path.basename(second.file), 'spool-1.jsonl');
  writeFileSync(second.file, '{"kept": true}\n');
  first.release();
  second.release();
  assert.equal(existsSync(second.file), true, 'a spool with decisions stays for the next claimant');
  assert.equal(claimSpoolSlot(dir).file, first.file);
});

test("a dead process's slot is taken over, so that its spool is replayed by the next writer", () => {
  const dir = path.join(folder.dir, 'b');
  // A pid that has certainly exited: a child that ran and was reaped.
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  claimSpoolSlot(dir).release();
  writeFileSync(path.join(dir, 'spool-0.lock'), String(dead));
  const slot = claimSpoolSlot(dir);
  assert.equal(path.basename(slot.file), 'spool-0.jsonl');
  slot.release();
  assert.equal(existsSync(path.join(dir, 'spool-0.lock')), false);
});

test("a live process's slot is skipped, and releasing never removes another owner's lock", () => {
  const dir = path.join(folder.dir, 'c');
  claimSpoolSlot(dir).release();
  writeFileSync(path.join(dir, 'spool-0.lock'), String(process.ppid));
  const slot = claimSpoolSlot(dir);
  assert.equal(path.basename(slot.file), 'spool-1.jsonl');
  slot.release();
  assert.equal(existsSync(path.join(dir, 'spool-0.lock')), true);
});

test('claimants started together each get a slot of their own, and every lock holds its pid', async () => {
  const dir = path.join(folder.dir, 'd');
  // Each claimant holds its slot until the test closes its stdin, so none can reuse another's.
  const claim = `
    import { claimSpoolSlot } from ${JSON.stringify(path.join(import.meta.dirname, '../../src/store/spool-slot.ts'))};
    import { readFileSync } from 'node:fs';
    const slot = claimSpoolSlot(${JSON.stringify(dir)});
    process.stdout.write(slot.file + ' ' + readFileSync(slot.file.replace(/jsonl$/, 'lock'), 'utf8') + '\\n');
    process.stdin.resume().on('end', () => slot.release());
  `;
  const children = Array.from({ length: 6 }, () => spawn(process.execPath, ['--input-type=module', '-e', claim], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const claims = await Promise.all(
    children.map(
      (child) =>
        new Promise<string[]>((resolve, reject) => {
          child.on('error', reject);
          child.on('exit', (code) => reject(new Error(`claimant exited ${code} before claiming`)));
          child.stdout.once('data', (line: Buffer) => resolve([...line.toString().trim().split(' '), String(child.pid)]));
        }),
    ),
  );
  const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.stdin.end();
  await Promise.all(exited);
  assert.equal(new Set(claims.map(([file]) => file)).size, claims.length, 'no slot claimed twice');
  for (const [, lockPid, pid] of claims) assert.equal(lockPid, pid, 'the lock names its claimant');
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('lock-draft-')), [], 'no draft left behind');
});

test('a stale lock is taken over without leaving a guard behind, and a dead claimant\'s draft is swept', () => {
  const dir = path.join(folder.dir, 'e');
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  claimSpoolSlot(dir).release();
  writeFileSync(path.join(dir, 'spool-0.lock'), String(dead));
  writeFileSync(path.join(dir, `lock-draft-${dead}-0`), String(dead));
  const first = claimSpoolSlot(dir);
  const second = claimSpoolSlot(dir);
  assert.deepEqual([path.basename(first.file), path.basename(second.file)], ['spool-0.jsonl', 'spool-1.jsonl']);
  assert.equal(readFileSync(path.join(dir, 'spool-0.lock'), 'utf8'), String(process.pid));
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('lock-draft-') || name.endsWith('.takeover')), []);
  first.release();
  second.release();
});

test('a takeover guard left by a dead claimant is cleared, and the slot is taken at the next claim', () => {
  const dir = path.join(folder.dir, 'f');
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  claimSpoolSlot(dir).release();
  writeFileSync(path.join(dir, 'spool-0.lock'), String(dead));
  writeFileSync(path.join(dir, 'spool-0.lock.takeover'), String(dead));
  const skipped = claimSpoolSlot(dir);
  assert.equal(path.basename(skipped.file), 'spool-1.jsonl', 'the slot being taken over is left alone this time');
  const next = claimSpoolSlot(dir);
  assert.equal(path.basename(next.file), 'spool-0.jsonl');
  skipped.release();
  next.release();
});
