/**
 * A port of Python's `difflib.SequenceMatcher(None, a, b).ratio()` (Ratcliff/Obershelp),
 * so that the reference strategy's similarity scores match the Python router exactly.
 *
 * Strings are compared code point by code point, as Python does (not UTF-16 unit by unit).
 * With `isjunk=None` nothing is junk except the "autojunk" rule: when `b` has 200 or more
 * elements, elements occurring more than `1 + floor(len(b) / 100)` times are "popular" and
 * cannot start a match, although matches may still be extended across them.
 */

const AUTOJUNK_MIN_LENGTH = 200;

/** `b` indexed once: each element mapped to its ascending positions, minus popular ones. */
interface IndexedSequence {
  readonly elements: readonly number[];
  readonly positions: ReadonlyMap<number, readonly number[]>;
}

interface Match {
  readonly i: number;
  readonly j: number;
  readonly size: number;
}

const NO_POSITIONS: readonly number[] = [];

function codePoints(text: string): number[] {
  const points: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const point = text.codePointAt(i) as number;
    points.push(point);
    if (point > 0xffff) i++; // the low surrogate of this pair
  }
  return points;
}

function indexSequence(b: string): IndexedSequence {
  const elements = codePoints(b);
  const positions = new Map<number, number[]>();
  elements.forEach((element, j) => {
    const list = positions.get(element);
    if (list) list.push(j);
    else positions.set(element, [j]);
  });
  if (elements.length >= AUTOJUNK_MIN_LENGTH) {
    const popularAbove = Math.floor(elements.length / 100) + 1;
    for (const [element, list] of positions) {
      if (list.length > popularAbove) positions.delete(element);
    }
  }
  return { elements, positions };
}

/**
 * Longest block with a[i..i+size) == b[j..j+size) inside the given bounds; of several,
 * the one starting earliest in `a`, then earliest in `b` (difflib's `find_longest_match`).
 */
function findLongestMatch(
  a: readonly number[],
  b: IndexedSequence,
  aLow: number,
  aHigh: number,
  bLow: number,
  bHigh: number,
): Match {
  let bestI = aLow;
  let bestJ = bLow;
  let bestSize = 0;
  // runLength.get(j): length of the match ending at a[i-1] and b[j], for the previous i.
  let runLength = new Map<number, number>();
  for (let i = aLow; i < aHigh; i++) {
    const nextRunLength = new Map<number, number>();
    for (const j of b.positions.get(a[i]) ?? NO_POSITIONS) {
      if (j < bLow) continue;
      if (j >= bHigh) break;
      const size = (runLength.get(j - 1) ?? 0) + 1;
      nextRunLength.set(j, size);
      if (size > bestSize) {
        bestI = i - size + 1;
        bestJ = j - size + 1;
        bestSize = size;
      }
    }
    runLength = nextRunLength;
  }
  // Popular elements cannot start a match but may extend one on either side.
  const e = b.elements;
  while (bestI > aLow && bestJ > bLow && a[bestI - 1] === e[bestJ - 1]) {
    bestI--;
    bestJ--;
    bestSize++;
  }
  while (bestI + bestSize < aHigh && bestJ + bestSize < bHigh && a[bestI + bestSize] === e[bestJ + bestSize]) {
    bestSize++;
  }
  return { i: bestI, j: bestJ, size: bestSize };
}

/** Total size of difflib's matching blocks: the longest match, then recursively either side. */
function matchedElements(a: readonly number[], b: IndexedSequence): number {
  let matched = 0;
  const pending: [number, number, number, number][] = [[0, a.length, 0, b.elements.length]];
  for (let range = pending.pop(); range; range = pending.pop()) {
    const [aLow, aHigh, bLow, bHigh] = range;
    const { i, j, size } = findLongestMatch(a, b, aLow, aHigh, bLow, bHigh);
    if (size === 0) continue;
    matched += size;
    if (aLow < i && bLow < j) pending.push([aLow, i, bLow, j]);
    if (i + size < aHigh && j + size < bHigh) pending.push([i + size, aHigh, j + size, bHigh]);
  }
  return matched;
}

/**
 * Index `b` once and return `a => ratio(a, b)`; cheaper when one `b` (a request) is
 * compared with many `a` (triggers), as difflib recommends.
 */
export function ratioAgainst(b: string): (a: string) => number {
  const indexed = indexSequence(b);
  return (a) => {
    const elements = codePoints(a);
    const length = elements.length + indexed.elements.length;
    return length === 0 ? 1 : (2 * matchedElements(elements, indexed)) / length;
  };
}

/**
 * difflib's `real_quick_ratio()`: an upper bound on `ratio()` from the lengths alone, so that
 * callers can skip comparisons that cannot reach a threshold.
 */
export function ratioUpperBound(lengthA: number, lengthB: number): number {
  const length = lengthA + lengthB;
  return length === 0 ? 1 : (2 * Math.min(lengthA, lengthB)) / length;
}

/** `difflib.SequenceMatcher(None, a, b).ratio()`: 2·M / (len(a) + len(b)), 1.0 for two empty strings. */
export function sequenceRatio(a: string, b: string): number {
  return ratioAgainst(b)(a);
}
