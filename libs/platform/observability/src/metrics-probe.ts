import type { Attributes, Meter } from '@opentelemetry/api';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';

/** A reader that exports nothing by itself: its owner collects when it wants to look. */
export class CollectingMetricReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point as a test compares it: a counter's or gauge's value, a histogram's count and sum. */
export interface ProbedPoint {
  readonly attributes: Attributes;
  readonly value: number;
  /** Histograms only. */
  readonly count?: number;
  readonly sum?: number;
}

/**
 * A private MeterProvider and a reader to look at what was recorded: unit tests hand `meter` to
 * the code under test, then read `points(name)`. Nothing global is touched.
 */
export class MetricsProbe {
  private readonly reader = new CollectingMetricReader();
  private readonly provider: MeterProvider;
  readonly meter: Meter;

  constructor(views: ViewOptions[] = []) {
    this.provider = new MeterProvider({ readers: [this.reader], views });
    this.meter = this.provider.getMeter('probe');
  }

  /** A meter of another instrumentation scope (views may select by it). */
  meterOf(scope: string): Meter {
    return this.provider.getMeter(scope);
  }

  /** Every instrument collected now, observable callbacks included. */
  async collect(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }

  /** The data points of one instrument (none when it recorded nothing). */
  async points(name: string): Promise<ProbedPoint[]> {
    const metric = (await this.collect()).find((m) => m.descriptor.name === name);
    if (!metric) return [];
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      return metric.dataPoints.map((p) => ({
        attributes: p.attributes,
        value: p.value.count,
        count: p.value.count,
        sum: p.value.sum ?? 0,
      }));
    }
    if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) {
      return metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value.count }));
    }
    return metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
