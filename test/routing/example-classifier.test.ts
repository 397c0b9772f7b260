import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExampleClassifier } from '../../src/routing/strategies/semantic/example-classifier.ts';
import { TermClassifier } from '../../src/routing/strategies/lexical/term-classifier.ts';
import { describedByExamples, MAX_TRAINING_WORK, MIN_EXAMPLES_PER_AGENT } from '../../src/routing/strategies/shared.ts';
import { registryOf } from './registry-fixture.ts';

const DIMENSION = 8;

/** Unit vectors near axis `axis`, wobbled deterministically: `count` examples of one class. */
function examplesNear(axis: number, count: number, wobble: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => {
    const v = new Float32Array(DIMENSION);
    v[axis] = 1;
    v[(axis + 1 + (i % (DIMENSION - 1))) % DIMENSION] = wobble * ((i % 3) - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function trainingSet(classes: number, perClass: number) {
  const vectors = Array.from({ length: classes }, (_, c) => examplesNear(c, perClass, 0.6)).flat();
  const matrix = new Float32Array(vectors.length * DIMENSION);
  vectors.forEach((v, i) => matrix.set(v, i * DIMENSION));
  const rows = vectors.map((_, i) => i);
  const labels = rows.map((i) => [Math.floor(i / perClass)]);
  return { matrix, rows, labels };
}

const argmax = (values: Float32Array) => values.reduce((best, value, i) => (value > values[best] ? i : best), 0);

test('a registry is described by examples when every agent has enough of them', () => {
  const agent = (name: string, count: number) => ({ name, examples: Array.from({ length: count }, (_, i) => `${name} example ${i}`) });
  assert.equal(describedByExamples(registryOf([agent('a', MIN_EXAMPLES_PER_AGENT), agent('b', 100)])), true);
  assert.equal(describedByExamples(registryOf([agent('a', 100), agent('b', MIN_EXAMPLES_PER_AGENT - 1)])), false, 'one agent without enough examples');
  assert.equal(describedByExamples(registryOf([agent('a', 100)])), false, 'one agent is no choice');
  assert.equal(describedByExamples(registryOf([])), false);
  const agents = Math.ceil(Math.sqrt(MAX_TRAINING_WORK / MIN_EXAMPLES_PER_AGENT)) + 1;
  const many = registryOf(Array.from({ length: agents }, (_, i) => agent(`a${i}`, MIN_EXAMPLES_PER_AGENT)));
  assert.equal(describedByExamples(many), false, `${agents} agents: too many to train on at load`);
});

describe('TermClassifier', () => {
  const examples = [
    ['what is my credit limit', 'how high is my credit limit', 'tell me my card limit', 'credit limit on my visa', 'what is the limit on my card'],
    ['what is my credit score', 'check my credit score', 'how good is my credit score', 'tell me my fico score', 'has my credit score changed'],
    ['play some jazz', 'put on my workout playlist', 'play the next song', 'start playing music', 'play something relaxing'],
  ];

  test('the words that tell agents apart decide, not the words they share', async () => {
    const classifier = await TermClassifier.train(examples);
    const argmaxOf = (text: string) => argmax(classifier.probabilities(text));
    assert.equal(argmaxOf('can you raise my credit limit'), 0);
    assert.equal(argmaxOf('my credit score please'), 1);
    assert.equal(argmaxOf('play a song'), 2);
  });

  test('the same examples give the same probabilities; unknown words alone give the priors', async () => {
    const [a, b] = [await TermClassifier.train(examples), await TermClassifier.train(examples)];
    assert.deepEqual(a.probabilities('credit limit'), b.probabilities('credit limit'));
    const unknown = a.probabilities('zxqv wobble');
    assert.ok(Math.abs(unknown.reduce((x, y) => x + y, 0) - 1) < 1e-5);
    assert.ok(unknown.every((p) => p > 0.1 && p < 0.6), `no agent ruled out by unseen words: ${[...unknown]}`);
  });

  test('two agents with the same examples stay an even split: the last example seen does not decide', async () => {
    const classifier = await TermClassifier.train([examples[0], examples[0], examples[2]]);
    const [first, second] = classifier.probabilities('what is the limit on my credit card');
    assert.ok(Math.abs(first - second) < 0.2, `${first} vs ${second}`);
  });
});

describe('ExampleClassifier', () => {
  test('learns which class a new vector near its examples belongs to', async () => {
    const { matrix, rows, labels } = trainingSet(4, 12);
    const classifier = await ExampleClassifier.train(matrix, DIMENSION, rows, labels, 4);
    for (let c = 0; c < 4; c++) {
      const [unseen] = examplesNear(c, 1, 0.3);
      const probabilities = classifier.probabilities(unseen);
      assert.equal(argmax(probabilities), c);
      assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities sum to 1');
    }
  });

  test('follows the labels it is given, not the geometry', async () => {
    const { matrix, rows, labels } = trainingSet(3, 10);
    // Rows of class 2 relabelled as class 0: the classifier follows the labels, not the geometry.
    const relabelled = labels.map(([label]) => [label === 2 ? 0 : label]);
    const classifier = await ExampleClassifier.train(matrix, DIMENSION, rows, relabelled, 3);
    assert.equal(argmax(classifier.probabilities(examplesNear(2, 1, 0)[0])), 0);
  });

  test('two classes that share their examples are an exact tie', async () => {
    const { matrix, rows, labels } = trainingSet(3, 10);
    // Classes 0 and 1 both list the rows near axis 0 and 1: every such example has both labels.
    const shared = labels.map(([label]) => (label === 2 ? [2] : [0, 1]));
    const classifier = await ExampleClassifier.train(matrix, DIMENSION, rows, shared, 3);
    const [first, second] = classifier.probabilities(examplesNear(0, 1, 0.2)[0]);
    assert.equal(first, second);
  });

  test('the same examples always give the same parameters, and they restore exactly', async () => {
    const { matrix, rows, labels } = trainingSet(3, 10);
    const a = await ExampleClassifier.train(matrix, DIMENSION, rows, labels, 3);
    const b = await ExampleClassifier.train(matrix, DIMENSION, rows, labels, 3);
    assert.deepEqual(a.parameters, b.parameters);
    const restored = ExampleClassifier.restore(3, DIMENSION, a.parameters.slice());
    const query = examplesNear(1, 1, 0.2)[0];
    assert.deepEqual(restored.probabilities(query), a.probabilities(query));
  });

  test('refuses parameters of the wrong size', () => {
    assert.throws(() => ExampleClassifier.restore(3, DIMENSION, new Float32Array(5)), RangeError);
  });
});
