/**
 * The message bus as the service and the client need it: Kafka semantics (topics with
 * partitions, records keyed by correlation id, consumer groups, at-least-once delivery)
 * behind one interface, implemented by the Kafka client and by an in-process bus (the
 * embedded default). One contract suite (test/transport/bus-contract.ts) runs against both.
 */

export interface OutgoingRecord {
  readonly topic: string;
  /** Partition key: records with the same key keep their order (SPEC §3: the correlation id). */
  readonly key: string;
  /** UTF-8 JSON text (SPEC §4: plain values, no required headers). */
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BusRecord extends OutgoingRecord {
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch, as the broker recorded it. */
  readonly timestamp: number;
}

export interface SubscribeOptions {
  /** Members of one group share the topics' partitions; each record goes to one member. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Where a group with no committed offset on a partition starts: `latest` (default) or
   * `earliest`. That start is committed as soon as a member is assigned the partition, so
   * later owners and restarted members resume there instead of resetting again.
   */
  readonly from?: 'earliest' | 'latest';
  /**
   * Told about each failure the subscription rides out by itself, for logs and metrics:
   * a handler's rejection (with its record, which is then retried), a lost broker
   * connection or a failed commit (retried with backoff). Never fatal; without it they pass unseen.
   */
  readonly onError?: (error: unknown, record?: BusRecord) => void;
  /**
   * `latency` (default): each record as soon as it is there. `throughput`: for members that can
   * wait up to half a second (recording history), records are fetched in larger batches, which
   * costs the broker and the process far less per record.
   */
  readonly prefer?: 'latency' | 'throughput';
}

/**
 * Called for each record in partition order, one record of a partition at a time (the
 * partitions of a member run side by side). The record's offset is committed only after
 * the handler resolves, in batches (every 100 ms, on rebalance and on close). A handler
 * that rejects gets the same record again after a growing delay (100 ms doubling to 5 s)
 * while later records of its partition wait; a member that dies or loses the partition
 * leaves its uncommitted records to the next owner. Delivery is at least once: handlers
 * must tolerate a record they have seen before.
 */
export type RecordHandler = (record: BusRecord) => Promise<void>;

/** How many records of one partition the group has yet to finish. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The partition's end offset less the group's committed offset on it. */
  readonly records: number;
}

export interface Subscription {
  /** Resolves once this member has its partitions assigned and is positioned to read. */
  readonly ready: Promise<void>;
  /**
   * The lag of each partition this member owns now (consumer lag, as Kafka's tools count
   * it: records not yet committed, in flight included). Rejects when the broker cannot be
   * asked; empty before assignment and for a member that owns no partition.
   */
  lag(): Promise<readonly PartitionLag[]>;
  /** Stops fetching, waits for handlers in flight, commits, and leaves the group. */
  close(): Promise<void>;
}

export interface Bus {
  /** Creates missing topics (existing ones are left as they are). */
  createTopics(topics: readonly string[], partitions: number): Promise<void>;
  /** Resolves when every record is acknowledged; records produced in one call may be batched. */
  produce(records: readonly OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: RecordHandler): Promise<Subscription>;
  /** Closes every subscription and connection. */
  close(): Promise<void>;
}
