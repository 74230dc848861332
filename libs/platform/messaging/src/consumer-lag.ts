import type { Meter, ObservableCallback } from '@opentelemetry/api';

export const CONSUMER_LAG_METRIC = 'portcullis.messaging.consumer.lag';

/**
 * Consumer lag of one group, per topic and partition this process consumes: messages in the
 * partition (its high watermark) that the group has not handled yet. Kept from what each fetched
 * batch says, so it costs no request to the broker: set when a batch arrives (all of it is still
 * to do), lowered as each message or chunk is resolved, down to 0 when the batch is done.
 *
 * A partition this process no longer consumes (a rebalance gave it to another replica, or the
 * consumer stopped) reports 0 from here on: the SDK keeps reporting every series it has seen, so
 * dropping it would repeat a stale lag; summed over replicas, only the owner's value counts.
 *
 * What it cannot see: a partition whose consumer is not running (crashed, disconnected) reports
 * no growing lag; the broker-side lag (kafka-exporter's kafka_consumergroup_lag, which the Helm
 * chart's autoscaling reads) covers that case.
 */
export class ConsumerLag {
  private readonly lags = new Map<string, { topic: string; partition: number; lag: number }>();

  constructor(
    meter: Meter,
    private readonly groupId: string,
  ) {
    const gauge = meter.createObservableGauge(CONSUMER_LAG_METRIC, {
      description: 'Messages of a partition its consumer group has not handled yet.',
      unit: '{message}',
    });
    const callback: ObservableCallback = (result) => {
      for (const { topic, partition, lag } of this.lags.values()) {
        result.observe(lag, {
          'messaging.system': 'kafka',
          'messaging.consumer.group.name': this.groupId,
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
        });
      }
    };
    gauge.addCallback(callback);
  }

  /** `nextOffset`: the offset of the first message not handled yet (last handled + 1). */
  record(topic: string, partition: number, highWatermark: string, nextOffset: string): void {
    const lag = Math.max(0, Number(highWatermark) - Number(nextOffset));
    if (!Number.isFinite(lag)) return;
    this.lags.set(`${topic}\u0000${partition}`, { topic, partition, lag });
  }

  /** After a rebalance: the partitions this process no longer consumes lag no more here. */
  retain(assignment: Readonly<Record<string, readonly number[]>>): void {
    for (const entry of this.lags.values()) {
      if (!(assignment[entry.topic] ?? []).includes(entry.partition)) entry.lag = 0;
    }
  }

  /** The consumer stopped: it holds no partition. */
  reset(): void {
    for (const entry of this.lags.values()) entry.lag = 0;
  }
}
