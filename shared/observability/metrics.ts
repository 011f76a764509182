import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PlatformEnv, readEnv } from '../platform/env';
import { emfMetricName } from '../platform/metrics';
import type { DlqGaugeName, MetricName } from '../platform/metrics';
import { BoundedMap } from '../bounded-map';

/** Labels of one series, e.g. `{ topic: 'ai.responses' }`. */
export type MetricLabels = Readonly<Record<string, string>>;

/** Sum, count, min and max of one series (a counter uses `sum`). */
export interface SeriesValue {
  readonly name: MetricName;
  readonly labels: MetricLabels;
  sum: number;
  count: number;
  min: number;
  max: number;
}

/**
 * Label values come from the definition's topics and consumers, but a
 * caller-chosen topic (generic publish, manual retry) could add series for
 * ever: the least recently updated series goes beyond this many.
 */
const MAX_SERIES = 10_000;
const series = new BoundedMap<string, SeriesValue>({ maxEntries: MAX_SERIES });
let emf: Metrics | undefined;
/** Other threads' series by thread (see {@link setThreadSeries}). */
const others = new Map<string, readonly SeriesValue[]>();

/** EMF is emitted only inside Lambda (locally the in-process series are the source). */
const emfMetrics = (): Metrics | undefined => {
  if (process.env[PlatformEnv.LambdaFunctionName.name] === undefined) return undefined;
  emf ??= new Metrics({ namespace: readEnv(PlatformEnv.MetricsNamespace) });
  return emf;
};

/** `name|k=v,...` with the labels in name order (no sort for the common 0 or 1 label). */
const seriesKey = (name: MetricName, labels: MetricLabels): string => {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  if (keys.length > 1) keys.sort();
  let key = `${name}|`;
  for (const k of keys) key += `${k}=${labels[k]},`;
  return key;
};

/**
 * Records a value: adds to the in-process series (what the local runtime
 * exposes) and, inside Lambda, to the Powertools EMF metrics (CloudWatch is
 * the source of truth there; flush with {@link flushMetrics}).
 *
 * @example
 * ```ts
 * recordMetric(MetricName.ProducerMessagesSent, 10, { topic: 'ai.responses' });
 * recordMetric(MetricName.ProducerSendDurationSeconds, 0.012); // the producer's send time carries no label
 * ```
 */
export const recordMetric = (name: MetricName, value: number, labels: MetricLabels = {}): void => {
  const key = seriesKey(name, labels);
  const current = series.get(key);
  if (current) {
    current.sum += value;
    current.count += 1;
    current.min = Math.min(current.min, value);
    current.max = Math.max(current.max, value);
  } else {
    series.set(key, { name, labels: { ...labels }, sum: value, count: 1, min: value, max: value });
  }
  const unit = name.endsWith('_seconds') ? MetricUnit.Seconds : MetricUnit.Count;
  emfMetrics()?.addMetric(emfMetricName(name), unit, value);
};

/**
 * Records a gauge for CloudWatch only (inside Lambda; a no-op elsewhere,
 * where the live figures are read from the broker), flushed with the
 * invocation's other metrics.
 *
 * @example
 * ```ts
 * recordGauge(DlqGaugeName.DlqDepth, 12);
 * ```
 */
export const recordGauge = (name: DlqGaugeName, value: number, seconds = false): void => {
  emfMetrics()?.addMetric(name, seconds ? MetricUnit.Seconds : MetricUnit.Count, value);
};

/**
 * The in-process series recorded so far (this process only: in Lambda that
 * is one container, so never present these as global figures there).
 *
 * @example
 * ```ts
 * const sent = metricSnapshot().filter((s) => s.name === MetricName.ProducerMessagesSent);
 * ```
 */
export const metricSnapshot = (): readonly SeriesValue[] => {
  const own = series.values().map((s) => ({ ...s }));
  if (others.size === 0) return own;
  // Another thread's series add to this one's of the same name and labels
  // (both threads' producers count sends to one topic, say).
  const merged = new Map(own.map((s) => [seriesKey(s.name, s.labels), s]));
  for (const values of others.values())
    for (const s of values) {
      const key = seriesKey(s.name, s.labels);
      const mine = merged.get(key);
      if (mine === undefined) merged.set(key, { ...s, labels: { ...s.labels } });
      else {
        mine.sum += s.sum;
        mine.count += s.count;
        mine.min = Math.min(mine.min, s.min);
        mine.max = Math.max(mine.max, s.max);
      }
    }
  return [...merged.values()];
};

/**
 * The last snapshot of series another thread of this process recorded (the
 * local runtime's ESM worker, local/esm/worker.ts), which
 * {@link metricSnapshot} adds to this thread's; `undefined` forgets it.
 *
 * @example
 * ```ts
 * setThreadSeries('local-esm', snapshotFromWorker);
 * ```
 */
export const setThreadSeries = (
  thread: string,
  values: readonly SeriesValue[] | undefined,
): void => {
  if (values === undefined) others.delete(thread);
  else others.set(thread, values);
};

/**
 * Publishes the stored EMF metrics (inside Lambda; a no-op elsewhere).
 * Call at the end of each invocation.
 *
 * @example
 * ```ts
 * try { return await work(); } finally { flushMetrics(); }
 * ```
 */
export const flushMetrics = (): void => {
  if (emf?.hasStoredMetrics()) emf.publishStoredMetrics();
};

/**
 * Clears the in-process series (tests).
 *
 * @example
 * ```ts
 * resetMetrics();
 * ```
 */
export const resetMetrics = (): void => {
  series.clear();
  others.clear();
};
