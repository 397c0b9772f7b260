/**
 * Kafka's key → partition mapping: the Java client's `Utils.murmur2` over the key's UTF-8
 * bytes, made positive with `& 0x7fffffff`, modulo the partition count
 * (`BuiltInPartitioner.partitionForKey`). `@platformatic/kafka`'s `compatibilityPartitioner`
 * computes the same, so the in-process bus, our Kafka producer and foreign clients (Java,
 * librdkafka's `murmur2_random`) all put a correlation id on the same partition.
 * Written here on 32-bit integer maths (Math.imul) rather than imported from the Kafka
 * client, which hashes through BigInt and would load the whole client into the embedded default.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const encoder = new TextEncoder();

/** The Java client's signed 32-bit murmur2 of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1–3 bytes (Java: a switch falling through from case 3 to case 1).
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2] << 16;
    if (rest >= 2) h ^= data[whole + 1] << 8;
    h = Math.imul(h ^ data[whole], M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition a keyed record goes to, as every Kafka client that follows Java's does. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}
