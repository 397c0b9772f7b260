import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../src/routing/strategies/training.ts';
import { dot, VectorTable } from '../../src/routing/strategies/semantic/vector-table.ts';

const random = prng(3);
const vectorOf = (length: number) => Float32Array.from({ length }, () => random() * 2 - 1);

test('the kernel gives the JavaScript dot product bit for bit, whatever the dimension and row count', () => {
  for (const dimension of [1, 3, 4, 5, 8, 13, 384]) {
    for (const rows of [1, 2, 3, 4, 5, 6, 9]) {
      const table = new VectorTable(vectorOf(rows * dimension), dimension);
      table.setQuery(vectorOf(dimension));
      table.score(0, rows);
      for (let row = 0; row < rows; row++) {
        assert.equal(table.scores[row], dot(table.rows, row * dimension, table.query, dimension), `dimension ${dimension}, row ${row} of ${rows}`);
      }
    }
  }
});

test('score writes the rows asked for and no other', () => {
  const dimension = 7;
  const table = new VectorTable(vectorOf(10 * dimension), dimension);
  table.setQuery(vectorOf(dimension));
  table.scores.fill(-9);
  table.score(3, 8);
  for (let row = 0; row < 10; row++) {
    const expected = row >= 3 && row < 8 ? dot(table.rows, row * dimension, table.query, dimension) : -9;
    assert.equal(table.scores[row], expected, `row ${row}`);
  }
});

test('the vectors are copied into the table, and a new query replaces the last', () => {
  const vectors = vectorOf(2 * 4);
  const table = new VectorTable(vectors, 4);
  assert.deepEqual(table.rows, vectors);
  table.setQuery(Float32Array.of(1, 0, 0, 0));
  table.setQuery(Float32Array.of(0, 1, 0, 0));
  table.score(0, 2);
  assert.deepEqual([...table.scores], [vectors[1], vectors[5]]);
});
