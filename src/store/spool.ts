import { mkdirSync, openSync, closeSync, fstatSync, ftruncateSync, readSync, writeSync, fsyncSync } from 'node:fs';
import path from 'node:path';
import type { HistoryRow } from './decision-record.ts';

/**
 * The writer's disk buffer for an outage: an append-only file, one JSON row per line,
 * synced after every append, so that an acknowledged batch survives a crash. It is read back
 * from the start, in order, and emptied only once all of it is in the database.
 *
 * Synchronous file calls on purpose: the writer's loop is the only user, appends are a few
 * hundred kilobytes at most, and a sync call cannot interleave with another one.
 */
export class Spool {
  readonly file: string;
  readonly #maxBytes: number;
  readonly #fd: number;
  #size: number;

  constructor(file: string, maxBytes: number) {
    this.file = file;
    this.#maxBytes = maxBytes;
    mkdirSync(path.dirname(file), { recursive: true });
    this.#fd = openSync(file, 'a+');
    this.#size = fstatSync(this.#fd).size;
    this.#dropTornTail();
  }

  get bytes(): number {
    return this.#size;
  }

  /** Appends what fits under the disk limit, then syncs; returns how many records did not fit. */
  append(records: readonly HistoryRow[]): number {
    let text = '';
    // Counted as it grows: measuring the whole text per record made a large append quadratic.
    let textBytes = 0;
    let kept = 0;
    for (const record of records) {
      const line = `${JSON.stringify(record)}\n`;
      const lineBytes = Buffer.byteLength(line);
      if (this.#size + textBytes + lineBytes > this.#maxBytes) break;
      text += line;
      textBytes += lineBytes;
      kept++;
    }
    if (kept > 0) {
      const bytes = Buffer.from(text);
      writeSync(this.#fd, bytes);
      fsyncSync(this.#fd);
      this.#size += bytes.length;
    }
    return records.length - kept;
  }

  /** Whole records from byte `offset`, reading about `chunkBytes`; `next` is where to go on. */
  read(offset: number, chunkBytes: number): { records: HistoryRow[]; next: number } {
    const buffer = Buffer.alloc(Math.min(chunkBytes, this.#size - offset));
    const length = readSync(this.#fd, buffer, 0, buffer.length, offset);
    const end = buffer.subarray(0, length).lastIndexOf(0x0a) + 1;
    // One line longer than the chunk: read on until its end (every append ends with a newline).
    if (end === 0 && offset + length < this.#size) return this.read(offset, chunkBytes * 2);
    const text = buffer.toString('utf8', 0, end);
    const records = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as HistoryRow);
    return { records, next: offset + end };
  }

  /** How many records the file holds (one per line): what a new writer has yet to replay. */
  countRecords(): number {
    const chunk = Buffer.alloc(Math.min(this.#size, 1 << 20));
    let count = 0;
    for (let offset = 0; offset < this.#size; ) {
      const length = readSync(this.#fd, chunk, 0, Math.min(chunk.length, this.#size - offset), offset);
      for (let i = 0; i < length; i++) if (chunk[i] === 0x0a) count++;
      offset += length;
    }
    return count;
  }

  /** Called once every record is in the database. */
  clear(): void {
    ftruncateSync(this.#fd, 0);
    fsyncSync(this.#fd);
    this.#size = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** A crash mid-append can leave a partial last line, never synced nor acknowledged: cut it off. */
  #dropTornTail(): void {
    if (this.#size === 0) return;
    const tail = Buffer.alloc(Math.min(this.#size, 1 << 20));
    let end = this.#size;
    while (end > 0) {
      const start = Math.max(0, end - tail.length);
      readSync(this.#fd, tail, 0, end - start, start);
      const newline = tail.subarray(0, end - start).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end !== this.#size) {
      ftruncateSync(this.#fd, end);
      this.#size = end;
    }
  }
}
