import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SwitchboardError } from '../../src/errors.ts';
import { readLabelledSet } from '../../src/eval/labelled-set.ts';
import { loadRegistry } from '../../src/registry/load.ts';
import { EVAL, FIXTURES, put, tempDir } from '../registry/helpers.ts';

function usageAt(file: string, line: number, pattern: RegExp) {
  return (error: unknown) =>
    error instanceof SwitchboardError && error.code === 'USAGE' && error.message.startsWith(`${file}:${line}: `) && pattern.test(error.message);
}

test('reads JSONL rows with id, request, expected and kind', async (t) => {
  const file = await put(
    await tempDir(t),
    'set.jsonl',
    '{"id": "a-1", "request": "write a commit message", "expected": ["agent-commit", "agent-git"], "kind": "direct"}\n' +
      '{"id": 7, "request": "tell me a joke", "expected": [], "kind": "oos"}\n',
  );
  assert.deepEqual(await readLabelledSet(file), [
    { id: 'a-1', request: 'write a commit message', expected: ['agent-commit', 'agent-git'], kind: 'direct' },
    { id: '7', request: 'tell me a joke', expected: [], kind: 'oos' },
  ]);
});

test('a row without id is named by its line, without kind is unlabelled; blank lines are skipped', async (t) => {
  const file = await put(await tempDir(t), 'set.jsonl', '\n{"request": "deploy it", "expected": ["agent-deploy"]}\r\n\n   \n');
  assert.deepEqual(await readLabelledSet(file), [{ id: '2', request: 'deploy it', expected: ['agent-deploy'], kind: 'unlabelled' }]);
});

test('a single-row JSONL file is a set of one', async (t) => {
  const file = await put(await tempDir(t), 'one.jsonl', '{"request": "deploy it", "expected": ["agent-deploy"], "kind": "terse"}');
  assert.deepEqual(await readLabelledSet(file), [{ id: '1', request: 'deploy it', expected: ['agent-deploy'], kind: 'terse' }]);
});

test('reads the golden corpus: prompts, expected agent ("" = no match) and category as kind', async (t) => {
  const corpus = {
    version: '1',
    entries: [
      { id: 1, prompt: 'commit this', category: 'direct_trigger', expected: { selected_agent: 'commit', confidence: 0.66 } },
      { id: 2, prompt: 'tell me a joke', expected: { selected_agent: '', confidence: 0.5 } },
    ],
  };
  const file = await put(await tempDir(t), 'golden.json', JSON.stringify(corpus, null, 2));
  assert.deepEqual(await readLabelledSet(file), [
    { id: '1', request: 'commit this', expected: ['commit'], kind: 'direct_trigger' },
    { id: '2', request: 'tell me a joke', expected: [], kind: 'golden' },
  ]);
});

test('a line that is not JSON is a usage error naming file:line', async (t) => {
  const file = await put(await tempDir(t), 'bad.jsonl', '{"request": "ok", "expected": []}\n{"request": "broken"\n');
  await assert.rejects(readLabelledSet(file), usageAt(file, 2, /not JSON/));
});

test('a row whose request is not a string or whose expected is not a list of names names file:line', async (t) => {
  const dir = await tempDir(t);
  const noRequest = await put(dir, 'a.jsonl', '{"expected": ["x"]}\n');
  await assert.rejects(readLabelledSet(noRequest), usageAt(noRequest, 1, /request must be a string/));
  const scalar = await put(dir, 'b.jsonl', '{"request": "ok", "expected": []}\n{"request": "x", "expected": "agent-commit"}\n');
  await assert.rejects(readLabelledSet(scalar), usageAt(scalar, 2, /expected must be a list of agent names/));
  const numbers = await put(dir, 'c.jsonl', '{"request": "x", "expected": [1]}\n');
  await assert.rejects(readLabelledSet(numbers), usageAt(numbers, 1, /expected must be a list/));
});

test('every agent the bundled sets expect exists in the registry they are labelled for', async () => {
  const pairs: [string, string, number][] = [
    [path.join(EVAL, 'registry-o.dev.jsonl'), path.join(FIXTURES, 'omniclaude-agents'), 70],
    [path.join(EVAL, 'registry-v.dev.jsonl'), path.join(FIXTURES, 'claude-agents/voltagent'), 70],
    [path.join(EVAL, 'omniclaude/golden_corpus.json'), path.join(FIXTURES, 'omniclaude-agents/agent-registry.yaml'), 102],
    [path.join(EVAL, 'wshobson.blind.jsonl'), path.join(FIXTURES, 'claude-agents/wshobson'), 50],
  ];
  for (const [set, source, count] of pairs) {
    const rows = await readLabelledSet(set);
    assert.equal(rows.length, count, set);
    assert.equal(new Set(rows.map((row) => row.id)).size, rows.length, `${set}: ids are unique`);
    const registry = await loadRegistry([source]);
    const unknown = rows.flatMap((row) => row.expected).filter((name) => !registry.byName.has(name));
    assert.deepEqual([...new Set(unknown)], [], `${set} expects agents missing from ${source}`);
  }
});
