import type { CommitPosition, TopicPartition } from './partition-dispatcher.ts';

/** What a group needs from one of its members. */
export interface GroupMember {
  readonly topics: readonly string[];
  /** Commits what the member has handled so far: called before its partitions may move. */
  flushCommits(): void;
  /** The member's partitions from now on (the new generation). */
  assigned(partitions: readonly TopicPartition[]): void;
}

/**
 * A consumer group of the in-process bus, as Kafka's classic protocol runs one: every join
 * or leave is a rebalance, partitions are dealt round-robin over the members in join order
 * (what `@platformatic/kafka`'s default assigner does), and committed offsets outlive
 * members. Rebalances are synchronous, so, unlike on a broker, members never see a
 * half-finished one; members still flush their commits first, as Kafka members do when
 * told to rejoin.
 */
export class InProcessGroup {
  readonly #members: GroupMember[] = [];
  readonly #committed = new Map<string, bigint>();
  readonly #partitionCount: (topic: string) => number;

  constructor(partitionCount: (topic: string) => number) {
    this.#partitionCount = partitionCount;
  }

  join(member: GroupMember): void {
    this.#members.push(member);
    this.#rebalance();
  }

  /** Removes a member; it commits nothing more (a clean leaver flushed its commits already). */
  leave(member: GroupMember): void {
    const index = this.#members.indexOf(member);
    if (index < 0) return;
    this.#members.splice(index, 1);
    this.#rebalance();
  }

  commit(positions: readonly CommitPosition[]): void {
    for (const { topic, partition, offset } of positions) this.#committed.set(`${topic}:${partition}`, offset);
  }

  committed(topic: string, partition: number): bigint | undefined {
    return this.#committed.get(`${topic}:${partition}`);
  }

  #rebalance(): void {
    for (const member of this.#members) member.flushCommits();
    const assignments = this.#members.map((): TopicPartition[] => []);
    const topics = [...new Set(this.#members.flatMap((member) => member.topics))].sort();
    let turn = 0; // one count across topics, as the Kafka client's round-robin assigner keeps it
    for (const topic of topics) {
      const subscribers = this.#members.flatMap((member, index) => (member.topics.includes(topic) ? [index] : []));
      const partitions = this.#partitionCount(topic);
      for (let partition = 0; partition < partitions; partition++) {
        assignments[subscribers[turn++ % subscribers.length]].push({ topic, partition });
      }
    }
    this.#members.forEach((member, index) => member.assigned(assignments[index]));
  }
}
