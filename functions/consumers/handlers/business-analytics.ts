import type { BoundedMap } from '../../../shared/bounded-map';
import type { EventHandler } from '../../../shared/consumer/bus';
import { aggregates, rememberedIds } from './bounds';
import type { StoreBounds } from './bounds';
import type { EventType } from '../../../shared/events/event-types';

/** The aggregate of one business metric. */
export interface MetricAggregate {
  readonly businessId: string;
  readonly metricName: string;
  metricType: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

/** In-memory business metric aggregates, for this container (bounded: {@link StoreBounds}). */
export class AnalyticsStore {
  readonly #metrics: BoundedMap<string, MetricAggregate>;
  readonly #seen: BoundedMap<string, true>;

  public constructor(bounds: StoreBounds = {}) {
    this.#metrics = aggregates(bounds);
    this.#seen = rememberedIds(bounds);
  }

  /**
   * Adds one observation of a metric (idempotent by event id).
   *
   * @example
   * ```ts
   * store.observe('e1', 'biz-1', 'daily_active_users', 'gauge', 1250);
   * ```
   */
  public observe(
    eventId: string,
    businessId: string,
    metricName: string,
    metricType: string,
    value: number,
  ): MetricAggregate | undefined {
    if (!this.#seen.addIfAbsent(eventId, true)) return undefined;
    const key = `${businessId}\u0000${metricName}`;
    const current = this.#metrics.get(key);
    if (current === undefined) {
      const created = {
        businessId,
        metricName,
        metricType,
        count: 1,
        sum: value,
        min: value,
        max: value,
        last: value,
      };
      this.#metrics.set(key, created);
      return created;
    }
    current.metricType = metricType;
    current.count += 1;
    current.sum += value;
    current.min = Math.min(current.min, value);
    current.max = Math.max(current.max, value);
    current.last = value;
    return current;
  }

  /**
   * The aggregate of one metric of one business.
   *
   * @example
   * ```ts
   * store.get('biz-1', 'daily_active_users')?.last;
   * ```
   */
  public get(businessId: string, metricName: string): MetricAggregate | undefined {
    return this.#metrics.get(`${businessId}\u0000${metricName}`);
  }

  /**
   * Forgets everything (tests).
   *
   * @example
   * ```ts
   * store.clear();
   * ```
   */
  public clear(): void {
    this.#metrics.clear();
    this.#seen.clear();
  }
}

/** The container's analytics aggregates. */
export const analyticsStore = new AnalyticsStore();

/**
 * Aggregates business metrics (count, sum, min, max, last) per business and metric.
 *
 * @example
 * ```ts
 * bus.subscribe('business.analytics.update', analyticsHandler(analyticsStore));
 * ```
 */
export const analyticsHandler = (
  store: AnalyticsStore,
): EventHandler<typeof EventType.BusinessAnalyticsUpdate> => ({
  name: 'analytics-aggregator',
  canHandle: (event) => Number.isFinite(event.data.metric_value),
  handle: function aggregateMetric(event, { logger }) {
    const aggregate = store.observe(
      event.id,
      event.data.business_id,
      event.data.metric_name,
      event.data.metric_type,
      event.data.metric_value,
    );
    if (aggregate)
      logger.debug('metric aggregated', {
        businessId: aggregate.businessId,
        metric: aggregate.metricName,
        count: aggregate.count,
      });
  },
});
