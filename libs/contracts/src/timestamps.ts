import type { Timestamp } from './gen/google/protobuf/timestamp.pb';

export function toTimestamp(date: Date): Timestamp {
  const millis = date.getTime();
  return { seconds: Math.floor(millis / 1000).toString(), nanos: (millis % 1000) * 1_000_000 };
}

export function fromTimestamp(timestamp: Timestamp | undefined): Date | undefined {
  if (!timestamp) return undefined;
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}
