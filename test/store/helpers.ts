import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DecisionRecord } from '../../src/store/decision-record.ts';

const ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type PostgresForTests = { readonly url: string; drop(): Promise<void> } | { readonly skip: string };

/**
 * A fresh database on the shared PostgreSQL server, for one test file; `drop` removes it
 * (`with (force)`, so that leftover connections cannot keep it alive). The server itself is
 * never stopped. Unreachable: skipped with one line, except in CI, where that fails.
 */
export async function postgresForTests(): Promise<PostgresForTests> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `PostgreSQL at ${ADMIN_URL} is unreachable (${(error as Error).message}); set SWITCHBOARD_TEST_PG_URL or start it`;
    if (process.env.CI === 'true') throw new Error(`CI=true: PostgreSQL tests must run, but ${reason}`);
    return { skip: reason };
  }
  const name = `sb_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function tempFolder(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-store-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A complete decision record with every field set; `overrides` for what a test cares about. */
export function decision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  const decidedAt = overrides.decided_at ?? new Date().toISOString();
  return {
    decision_id: randomUUID(),
    correlation_id: randomUUID(),
    request: 'review this PR for security issues',
    context: { domain: 'security' },
    options: { max_recommendations: 3 },
    received_at: new Date(Date.parse(decidedAt) - 2).toISOString(),
    selected_agent: 'security-auditor',
    no_match_reason: null,
    error_code: null,
    routing_policy: 'trigger_match',
    confidence: {
      total: 0.82, trigger_score: 0.9, context_score: 0.5, capability_score: 0.7, historical_score: 0.5,
      semantic_score: 0.61, explanation: 'triggers: security, review',
    },
    alternatives: [
      {
        agent_name: 'code-reviewer',
        confidence: { total: 0.64, trigger_score: 0.6, context_score: 0.4, capability_score: 0.6, historical_score: 0.5, explanation: 'review' },
        reason: 'matches review',
      },
    ],
    strategy: 'hybrid',
    experiment: 'exp-1',
    variant: 'b',
    latency_ms: 1.25,
    cache_hit: false,
    registry_version: 'v-abc123',
    routing_path: 'http',
    transport: 'http',
    service_instance: 'host:123',
    decided_at: decidedAt,
    ...overrides,
  };
}

export function noMatch(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return decision({ selected_agent: null, no_match_reason: 'no_candidate_above_threshold', routing_policy: 'no_match', confidence: null, alternatives: [], ...overrides });
}
