import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
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
  const claim = `
    import { claimSpoolSlot } from ${JSON.stringify(path.join(import.meta.dirname, '../../src/store/spool-slot.ts'))};
    import { readFileSync } from 'node:fs';
    const slot = claimSpoolSlot(${JSON.stringify(dir)});
    const lock = slot.file.replace(/jsonl$/, 'lock');
    process.stdout.write(slot.file + ' ' + readFileSync(lock, 'utf8'));
    setTimeout(() => slot.release(), 500);
  `;
  const runs = Array.from({ length: 6 }, () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', claim], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(`${out} ${child.pid}`) : reject(new Error(`claimant exited ${code}`))));
    }),
  );
  const claims = (await Promise.all(runs)).map((line) => line.split(' '));
  assert.equal(new Set(claims.map(([file]) => file)).size, claims.length, 'no slot claimed twice');
  for (const [, lockPid, pid] of claims) assert.equal(lockPid, pid, 'the lock names its claimant');
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.draft')), [], 'no draft left behind');
});

