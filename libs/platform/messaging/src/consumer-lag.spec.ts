import { MetricsProbe } from '@portcullis/observability';
import { CONSUMER_LAG_METRIC, ConsumerLag } from './consumer-lag';

describe('ConsumerLag', () => {
  const lagsOf = async (probe: MetricsProbe) =>
    (await probe.points(CONSUMER_LAG_METRIC))
      .map((p) => [
        p.attributes['messaging.consumer.group.name'],
        p.attributes['messaging.destination.name'],
        p.attributes['messaging.destination.partition.id'],
        p.value,
      ])
      .sort();

  it('is the high watermark minus the next offset to handle, per group, topic and partition', async () => {
    const probe = new MetricsProbe();
    const lag = new ConsumerLag(probe.meter, 'delivery');
    // A batch of offsets 10..14 arrives; the partition's high watermark is 20.
    lag.record('codes', 0, '20', '10');
    lag.record('codes', 1, '7', '7');
    expect(await lagsOf(probe)).toEqual([
      ['delivery', 'codes', '0', 10],
      ['delivery', 'codes', '1', 0],
    ]);
    lag.record('codes', 0, '20', '15'); // 10..14 handled
    lag.record('codes', 0, '20', '20'); // the next batch handled too
    expect(await lagsOf(probe)).toEqual([
      ['delivery', 'codes', '0', 0],
      ['delivery', 'codes', '1', 0],
    ]);
    await probe.shutdown();
  });

  it('reports 0 for partitions a rebalance took away, and for all once the consumer stopped', async () => {
    const probe = new MetricsProbe();
    const lag = new ConsumerLag(probe.meter, 'risk-attempts');
    lag.record('identity', 0, '5', '3');
    lag.record('identity', 1, '5', '3');
    lag.record('factors', 2, '9', '1');
    lag.retain({ identity: [1], factors: [2] });
    expect(await lagsOf(probe)).toEqual([
      ['risk-attempts', 'factors', '2', 8],
      ['risk-attempts', 'identity', '0', 0],
      ['risk-attempts', 'identity', '1', 2],
    ]);
    lag.reset();
    expect(await lagsOf(probe)).toEqual([
      ['risk-attempts', 'factors', '2', 0],
      ['risk-attempts', 'identity', '0', 0],
      ['risk-attempts', 'identity', '1', 0],
    ]);
    await probe.shutdown();
  });
});
