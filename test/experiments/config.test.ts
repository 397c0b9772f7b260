import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadExperiments, parseExperiments } from '../../src/experiments/index.ts';
import { formatIssue } from '../../src/registry/load.ts';

const EXAMPLE = path.join(import.meta.dirname, '../../docs/experiments.example.yaml');
const FILE = 'experiments.yaml';

/** The formatted issues of a text, as `registry validate` prints them. */
function problems(text: string, strategies?: readonly string[]): string[] {
  const read = parseExperiments(FILE, text, { strategies });
  if (read.issues.some((issue) => issue.severity === 'error')) assert.deepEqual(read.experiments, [], 'a file with errors yields no experiment');
  return read.issues.map(formatIssue);
}

test('the documented example loads: defaults filled, absent parameters left out, variants in file order', async () => {
  const read = await loadExperiments(EXAMPLE, { strategies: ['lexical', 'hybrid', 'semantic'] });
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.experiments, [
    {
      name: 'lexical-vs-hybrid',
      salt: 'lexical-vs-hybrid-2025-01',
      key: 'session',
      enabled: true,
      variants: [
        { name: 'control', share: 0.5, options: { routing_strategy: 'lexical' } },
        { name: 'hybrid', share: 0.5, options: { routing_strategy: 'hybrid', min_confidence: 0.45 } },
      ],
    },
    {
      name: 'fewer-recommendations',
      salt: 'fewer-recommendations-1',
      key: 'user',
      enabled: false,
      variants: [
        { name: 'control', share: 0.9, options: { routing_strategy: 'lexical' } },
        { name: 'top-3', share: 0.1, options: { routing_strategy: 'lexical', max_recommendations: 3 } },
      ],
    },
  ]);
});

test('JSON is read too, and shares may miss 1 by float rounding only', () => {
  const json = JSON.stringify({
    experiments: [
      {
        name: 'thirds',
        salt: 's',
        key: 'correlation_id',
        variants: [
          { name: 'a', share: 0.7, strategy: 'lexical' },
          { name: 'b', share: 0.2, strategy: 'semantic' },
          { name: 'c', share: 0.1, strategy: 'hybrid' },
        ],
      },
    ],
  });
  assert.notEqual(0.7 + 0.2 + 0.1, 1);
  assert.deepEqual(problems(json), []);
  assert.equal(parseExperiments('x.json', json).experiments[0].variants.length, 3);
});

test('shares that do not sum to 1 are reported at `variants`', () => {
  const text = `experiments:
  - name: e
    salt: s
    key: user
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - {name: b, share: 0.4, strategy: hybrid}
`;
  assert.deepEqual(problems(text), [`${FILE}:5: experiments[0].variants: shares sum to 0.9, expected 1`]);
});

test('a misspelt field is reported at its own line', () => {
  const text = `experiments:
  - name: e
    salt: s
    key: user
    variants:
      - name: a
        share: 0.5
        strategy: lexical
      - name: b
        share: 0.5
        strategy: hybrid
        min_confidance: 0.4
`;
  assert.deepEqual(problems(text), [`${FILE}:12: experiments[0].variants[1].min_confidance: unknown field`]);
});

test('each wrong value names its file, line and field', () => {
  const text = `experiments:
  - name: two words
    key: device
    enabled: yes please
    variants:
      - {name: a, share: 1.5, strategy: lexical, min_confidence: 2}
      - {name: b, share: -0.5, strategy: "", max_recommendations: 2.5}
`;
  assert.deepEqual(problems(text), [
    `${FILE}:2: experiments[0].name: expected a name without spaces`,
    `${FILE}:2: experiments[0].salt: is required`,
    `${FILE}:3: experiments[0].key: expected session, user, correlation_id`,
    `${FILE}:4: experiments[0].enabled: expected true or false`,
    `${FILE}:6: experiments[0].variants[0].share: expected a number in 0..1`,
    `${FILE}:6: experiments[0].variants[0].min_confidence: expected a number in 0..1`,
    `${FILE}:7: experiments[0].variants[1].share: expected a number in 0..1`,
    `${FILE}:7: experiments[0].variants[1].strategy: must not be empty`,
    `${FILE}:7: experiments[0].variants[1].max_recommendations: expected a whole number in 1..10`,
  ]);
});

test('an experiment needs two variants with distinct names; names are distinct across experiments', () => {
  const text = `experiments:
  - name: e
    salt: s
    key: user
    enabled: false
    variants:
      - {name: a, share: 1, strategy: lexical}
  - name: e
    salt: t
    key: user
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - {name: a, share: 0.5, strategy: hybrid}
`;
  assert.deepEqual(problems(text), [
    `${FILE}:6: experiments[0].variants: expected at least two variants: a control and one to compare with it`,
    `${FILE}:8: experiments[1].name: duplicate experiment name 'e' (first at experiments[0])`,
    `${FILE}:13: experiments[1].variants[1].name: duplicate variant name 'a' (first at variants[0])`,
  ]);
});

test("a field's own error does not hide the checks across fields: one pass lists every problem", () => {
  const text = `experiments:
  - name: one
    salt: s
    key: sesion
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - {name: b, share: 0.5, strategy: lexical}
  - name: one
    key: user
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - {name: a, share: 0.4, strategy: lexical}
`;
  assert.deepEqual(problems(text), [
    `${FILE}:4: experiments[0].key: expected session, user, correlation_id`,
    `${FILE}:8: experiments[1].salt: is required`,
    `${FILE}:8: experiments[1].name: duplicate experiment name 'one' (first at experiments[0])`,
    `${FILE}:8: experiments[1].enabled: only one experiment may be enabled at a time; 'one' already is`,
    `${FILE}:10: experiments[1].variants: shares sum to 0.9, expected 1`,
    `${FILE}:12: experiments[1].variants[1].name: duplicate variant name 'a' (first at variants[0])`,
  ]);
});

test('at most one experiment is enabled', () => {
  const experiment = (name: string) => `  - name: ${name}
    salt: ${name}
    key: session
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - {name: b, share: 0.5, strategy: hybrid}
`;
  const text = `experiments:\n${experiment('first')}${experiment('second')}`;
  assert.deepEqual(problems(text), [`${FILE}:8: experiments[1].enabled: only one experiment may be enabled at a time; 'first' already is`]);
});

test('with the known strategies given, an unknown one is reported at its line', () => {
  const text = `experiments:
  - name: e
    salt: s
    key: user
    variants:
      - {name: a, share: 0.5, strategy: lexical}
      - name: b
        share: 0.5
        strategy: hybird
`;
  assert.deepEqual(problems(text), []);
  assert.deepEqual(problems(text, ['lexical', 'hybrid']), [`${FILE}:9: experiments[0].variants[1].strategy: unknown strategy 'hybird'; known: lexical, hybrid`]);
  // Beside the file's other errors too, in file order: one pass of validate shows every problem.
  const broken = text.replace('key: user', 'key: tenant');
  assert.deepEqual(problems(broken, ['lexical', 'hybrid']), [
    `${FILE}:4: experiments[0].key: expected session, user, correlation_id`,
    `${FILE}:9: experiments[0].variants[1].strategy: unknown strategy 'hybird'; known: lexical, hybrid`,
  ]);
});

test('syntax errors, a wrong shape and an unreadable file are issues, never throws', async () => {
  assert.match(problems('experiments:\n  - name: [a\n')[0], /^experiments\.yaml:\d+: YAML syntax error: /);
  assert.deepEqual(problems(''), [`${FILE}: expected a mapping with an \`experiments:\` list`]);
  assert.deepEqual(problems('experiments: {}\n'), [`${FILE}:1: experiments: expected a list of experiments`]);
  assert.deepEqual(problems('experiments: []\nversion: 2\n'), [`${FILE}:2: version: unknown field`]);
  assert.deepEqual(problems('experiments: []\n'), []);
  const missing = await loadExperiments('/nonexistent/experiments.yaml');
  assert.deepEqual(missing.experiments, []);
  assert.match(formatIssue(missing.issues[0]), /^\/nonexistent\/experiments\.yaml: cannot read: ENOENT/);
});
