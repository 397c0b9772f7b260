/**
 * Python 3 text semantics that the reference router relies on, for JavaScript regexes.
 * JavaScript's `\w`, `\b` and `\s` are ASCII-only or differ from Python's Unicode `str`
 * patterns; these equivalents agree with Python up to the Unicode version of each runtime.
 */

/** Python's `\w`: letters, digits and numerals of any script, and `_`. */
export const WORD_CHAR = '[\\p{L}\\p{N}_]';

/** Python's `\s` and `str.split()` separators (`str.isspace()`); unlike JS `\s`, not U+FEFF. */
export const SPACE_CHAR = '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

/** Python's `\b`: a position with a word character on exactly one side. */
export const WORD_BOUNDARY = `(?:(?<=${WORD_CHAR})(?!${WORD_CHAR})|(?<!${WORD_CHAR})(?=${WORD_CHAR}))`;

/** Python's `.` without DOTALL: anything but `\n` (JS `.` also stops at `\r`, U+2028, U+2029). */
export const ANY_BUT_NEWLINE = '[^\\n]';

const WORDS = new RegExp(`${WORD_CHAR}+`, 'gu');
const BOUNDARY_AT = new RegExp(WORD_BOUNDARY, 'uy');
const SPACES = new RegExp(`${SPACE_CHAR}+`, 'u');

/** `re.findall(r"\b\w+\b", text)`. */
export function findWords(text: string): string[] {
  return text.match(WORDS) ?? [];
}

function isBoundaryAt(text: string, index: number): boolean {
  BOUNDARY_AT.lastIndex = index;
  return BOUNDARY_AT.test(text);
}

/**
 * `re.search(r"\b" + re.escape(phrase) + r"\b", text) is not None`, without compiling a
 * regex per phrase: an occurrence counts when both of its ends are word boundaries.
 */
export function occursAsWholeWords(text: string, phrase: string): boolean {
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    if (isBoundaryAt(text, at) && isBoundaryAt(text, at + phrase.length)) return true;
    if (at === text.length) break; // an empty phrase has been tried at every position
  }
  return false;
}

/** `text.split()`: runs of whitespace separate, leading and trailing whitespace is dropped. */
export function splitOnWhitespace(text: string): string[] {
  return text.split(SPACES).filter((part) => part !== '');
}

/** `len(text)`: code points, not UTF-16 units. */
export function pythonLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** Makes `text` match literally inside a `u`-flag regex (what `re.escape` is used for). */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * `f"{value:.0%}"` for values in 0..1: Python multiplies by 100 and rounds the exact binary
 * value half to even (72.5 → "72%"), where `Math.round` and `toFixed` round half up.
 */
export function formatPercent(value: number): string {
  const scaled = value * 100;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 !== 0) rounded -= 1;
  return `${rounded}%`;
}
