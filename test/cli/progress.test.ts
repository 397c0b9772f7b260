import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { progressBar } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
}

test('the progress bar draws on a terminal once a run is long, and clears its line at the end', async () => {
  const { stream, written } = fakeStream(true);
  const bar = progressBar('replay', stream);
  bar.update(1, 4);
  assert.deepEqual(written, []); // a short run never shows it
  await sleep(550);
  bar.update(2, 4);
  bar.update(3, 4); // within the redraw interval: skipped
  assert.equal(written.length, 1);
  assert.match(written[0], /^\rreplay \[#{15}-{15}\] 2\/4 · \d+\/s\x1b\[K$/);
  await sleep(110);
  bar.update(7); // total unknown: a count
  assert.match(written[1], /^\rreplay 7 · \d+\/s\x1b\[K$/);
  bar.end();
  assert.equal(written[2], '\r\x1b[K');
});

test('the progress bar never writes when stderr is not a terminal', async () => {
  const { stream, written } = fakeStream(false);
  const bar = progressBar('replay', stream);
  await sleep(550);
  bar.update(2, 4);
  bar.end();
  assert.deepEqual(written, []);
});
