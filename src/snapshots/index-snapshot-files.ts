import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IndexSnapshots } from '../routing/strategy.ts';
import { routingCodeFingerprint } from './code-fingerprint.ts';

/** Bump when the file layout changes. */
const FORMAT = 1;

interface Header {
  readonly format: number;
  readonly kind: string;
  readonly registryVersion: string;
  readonly code: string;
  /** Of the snapshot's JSON: a damaged file is never read as a different index. */
  readonly sha256: string;
}

/**
 * Index snapshots on disk (StrategyServices.indexSnapshots), so that a one-shot process (a
 * CLI call, the Claude Code hook) reads the lexical index of its registry instead of building
 * it, which was half of its run time. One file per kind of index beside `registryCacheFile`
 * (the registry's parse cache), overwritten when the registry or the routing code changes,
 * so files do not pile up: a JSON header line, then the snapshot's JSON. A missing, damaged
 * or foreign file reads as nothing, and a file that cannot be written only costs the next
 * process its head start: neither is an error.
 */
export function indexSnapshotFiles(registryCacheFile: string): IndexSnapshots {
  const fileOf = (kind: string) => `${registryCacheFile.replace(/\.json$/, '')}.${kind}-index.json`;
  return {
    read(kind, registryVersion) {
      try {
        const data = readFileSync(fileOf(kind));
        const newline = data.indexOf(0x0a);
        const header = JSON.parse(data.toString('utf8', 0, newline)) as Partial<Header>;
        const body = data.subarray(newline + 1);
        const fits =
          header.format === FORMAT &&
          header.kind === kind &&
          header.registryVersion === registryVersion &&
          header.code === routingCodeFingerprint() &&
          header.sha256 === sha256(body);
        return fits ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        return undefined;
      }
    },
    write(kind, registryVersion, snapshot) {
      const file = fileOf(kind);
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        const body = Buffer.from(JSON.stringify(snapshot));
        const header: Header = { format: FORMAT, kind, registryVersion, code: routingCodeFingerprint(), sha256: sha256(body) };
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
        renameSync(temporary, file);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing more to do: the next process builds the index again.
        }
      }
    },
  };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
