/** One measurement against its baseline, both run in the same process. */
export interface BenchResult {
  /** What is measured, e.g. "publish API vs bare kafkajs send (batch 100)". */
  readonly name: string;
  /** The unit of both figures, e.g. "msg/s" or "µs/record". */
  readonly unit: string;
  /** The baseline figure (raw client, same broker, same run). */
  readonly baseline: number;
  /** Our figure. */
  readonly value: number;
  /** Whether a higher figure is better (throughput) or lower (latency, size). */
  readonly higherIsBetter: boolean;
  /** The target ratio value/baseline (>= for higherIsBetter, <= otherwise). */
  readonly target: number;
  /**
   * A reference line (e.g. the broker's ceiling): its ratio shows a distance,
   * not a goal; printed as `ref`, never counted as missed, `target` unused.
   */
  readonly reference?: boolean;
}

/** A group of benchmarks; `npm run bench` runs every suite of bench/main.ts. */
export interface BenchSuite {
  readonly name: string;
  readonly run: () => Promise<readonly BenchResult[]>;
}
