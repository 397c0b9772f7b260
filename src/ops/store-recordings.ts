import type { DecisionStore, RecordedRequest, RecordedRequestCursor } from '../store/decision-store.ts';
import type { Recording } from './replay.ts';

const PAGE_SIZE = 500;

/**
 * The requests decided since `since`, each with its first decision since then, read from the
 * decision history a page at a time, up to the time reading starts: a service still
 * recording cannot keep a replay going.
 */
export async function* storeRecordings(store: DecisionStore, since: Date): AsyncGenerator<Recording> {
  const end = new Date().toISOString();
  let afterCursor: RecordedRequestCursor | undefined;
  for (;;) {
    const page = await store.recordedRequests({ since, limit: PAGE_SIZE, afterCursor });
    for (const row of page) {
      if (row.decided_at >= end) return;
      yield toRecording(row);
    }
    if (page.length < PAGE_SIZE) return;
    afterCursor = page.at(-1);
  }
}

function toRecording(row: RecordedRequest): Recording {
  return {
    correlation_id: row.correlation_id,
    request: row.request,
    original: {
      agent: row.selected_agent,
      confidence: row.confidence,
      error_code: row.error_code,
      time_ms: row.latency_ms,
      strategy: row.strategy,
    },
  };
}
