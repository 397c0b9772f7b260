import type { HistoryStatus } from './history.ts';
import type { ReloadStatus } from './registry-reloader.ts';
import type { RoutingService, StrategyStatus } from './routing-service.ts';

export type BusKind = 'in-process' | 'kafka';
export type ConsumerState = 'starting' | 'consuming' | 'stopping' | 'stopped';

/** What the bus consumer reports about itself. */
export interface BusStatus {
  readonly kind: BusKind;
  readonly state: ConsumerState;
  readonly group_id: string;
  readonly topic: string;
  /** Bootstrap brokers, for Kafka. */
  readonly brokers?: readonly string[];
}

export interface HealthReport {
  /** `draining` once shutdown began (HTTP 503, so balancers stop sending). */
  readonly status: 'ok' | 'draining';
  readonly router_loaded: boolean;
  readonly registry_version: string;
  readonly agents: number;
  readonly strategy: StrategyStatus;
  /** The request consumer, or null when the service answers over HTTP only. */
  readonly bus: BusStatus | null;
  readonly kafka: { readonly state: ConsumerState; readonly brokers: readonly string[] } | 'not configured';
  /** The decision history (SPEC §5): its store, writer queue and spool. */
  readonly db: HistoryStatus | 'not configured';
  /** Registry reloads: `rejected` with `file:line` errors while the files on disk are broken (the last good registry serves). */
  readonly reload: ReloadStatus | 'not configured';
  /** Cache hits over lookups since start, 0..1 (0 before the first lookup). */
  readonly cache_hit_rate: number;
  readonly uptime_seconds: number;
}

export function healthReport(service: RoutingService, bus: BusStatus | null, db: HistoryStatus | null, reload: ReloadStatus | null): HealthReport {
  const { hits, misses } = service.cacheStats();
  const lookups = hits + misses;
  return {
    status: service.draining ? 'draining' : 'ok',
    router_loaded: true,
    registry_version: service.registryVersion,
    agents: service.agentCount,
    strategy: service.strategy,
    bus,
    kafka: bus?.kind === 'kafka' ? { state: bus.state, brokers: bus.brokers ?? [] } : 'not configured',
    db: db ?? 'not configured',
    reload: reload ?? 'not configured',
    cache_hit_rate: lookups === 0 ? 0 : Math.round((hits / lookups) * 1e4) / 1e4,
    uptime_seconds: Math.round(service.uptimeSeconds * 1000) / 1000,
  };
}
