import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { cli } from './run-cli.ts';

describe('switchboard help and usage', { concurrency: true }, () => {
  test('with no command, prints the command list on stderr and exits 2, a usage error', async () => {
    const run = await cli([]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    for (const command of ['route', 'registry', 'eval', 'bench']) assert.match(run.stderr, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('--help prints the command list and exits 0', async () => {
    const run = await cli(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /usage: switchboard <command>/);
  });

  for (const [command, mentions] of [
    ['route', ['--registry', '--strategy', '--max', '--min-confidence', '--context', '--json', 'exit codes']],
    ['registry', ['validate', 'list', '--json']],
    ['eval', ['--set', '--registry', '--strategy', '--json']],
    ['bench', ['--registry', '--strategy', '--json', '--no-write']],
  ] as const) {
    test(`${command} --help documents its options and exits 0 without running`, async () => {
      const run = await cli([command, '--help']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`usage: switchboard ${command}`));
      for (const mention of mentions) assert.ok(run.stdout.includes(mention), `${command} --help mentions ${mention}`);
      assert.equal(run.stderr, '');
    });
  }

  test('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `switchboard ${version}\n`);
    }
  });

  test('an unknown command exits 2, names it and shows the usage on stderr', async () => {
    const run = await cli(['frobnicate']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    assert.match(run.stderr, /usage: switchboard <command>/);
    assert.equal(run.stdout, '');
  });

  test('an unknown option exits 2 with a usage message', async () => {
    const run = await cli(['route', '--registry', 'fixtures/omniclaude-agents', '--frobnicate', 'write a commit message']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^switchboard: .*--frobnicate/m);
  });
});
