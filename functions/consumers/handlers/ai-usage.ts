import type { BoundedMap } from '../../../shared/bounded-map';
import type { EventHandler } from '../../../shared/consumer/bus';
import { aggregates, rememberedIds } from './bounds';
import type { StoreBounds } from './bounds';
import type { EventType } from '../../../shared/events/event-types';

/** AI usage of one model. */
export interface ModelUsage {
  readonly model: string;
  responses: number;
  tokens: number;
  costUsd: number;
  totalResponseTimeMs: number;
  switchedTo: number;
  switchedFrom: number;
}

/** In-memory AI usage by model, for this container (bounded: {@link StoreBounds}). */
export class AiUsageStore {
  readonly #byModel: BoundedMap<string, ModelUsage>;
  readonly #seen: BoundedMap<string, true>;

  public constructor(bounds: StoreBounds = {}) {
    this.#byModel = aggregates(bounds);
    this.#seen = rememberedIds(bounds);
  }

  /**
   * The usage of a model, created empty on first use.
   *
   * @example
   * ```ts
   * store.model('gpt-4').tokens;
   * ```
   */
  public model(model: string): ModelUsage {
    return this.#byModel.getOrCreate(model, () => ({
      model,
      responses: 0,
      tokens: 0,
      costUsd: 0,
      totalResponseTimeMs: 0,
      switchedTo: 0,
      switchedFrom: 0,
    }));
  }

  /**
   * Whether an event id is new (and remembers it): redeliveries count once.
   *
   * @example
   * ```ts
   * if (store.firstSeen(event.id)) usage.responses += 1;
   * ```
   */
  public firstSeen(eventId: string): boolean {
    return this.#seen.addIfAbsent(eventId, true);
  }

  /**
   * Every model's usage.
   *
   * @example
   * ```ts
   * store.all().map((u) => u.model);
   * ```
   */
  public all(): readonly ModelUsage[] {
    return this.#byModel.values();
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
    this.#byModel.clear();
    this.#seen.clear();
  }
}

/** The container's AI usage. */
export const aiUsageStore = new AiUsageStore();

/**
 * Aggregates AI usage per model: responses, tokens, cost, response time.
 *
 * @example
 * ```ts
 * bus.subscribe('ai.response.generated', aiUsageHandler(aiUsageStore));
 * ```
 */
export const aiUsageHandler = (
  store: AiUsageStore,
): EventHandler<typeof EventType.AiResponseGenerated> => ({
  name: 'ai-usage',
  canHandle: () => true,
  handle: function aggregateAiUsage(event, { logger }) {
    if (!store.firstSeen(event.id)) return;
    const usage = store.model(event.data.model_name);
    usage.responses += 1;
    usage.tokens += event.data.tokens_used;
    usage.costUsd += event.data.cost_usd ?? 0;
    usage.totalResponseTimeMs += event.data.response_time_ms;
    logger.debug('ai usage aggregated', {
      model: usage.model,
      responses: usage.responses,
      tokens: usage.tokens,
    });
  },
});

/**
 * Counts model switches, from and to each model.
 *
 * @example
 * ```ts
 * bus.subscribe('ai.model.switched', modelSwitchHandler(aiUsageStore));
 * ```
 */
export const modelSwitchHandler = (
  store: AiUsageStore,
): EventHandler<typeof EventType.AiModelSwitched> => ({
  name: 'ai-model-switches',
  canHandle: (event) => event.data.from_model !== event.data.to_model,
  handle: function countModelSwitch(event) {
    if (!store.firstSeen(event.id)) return;
    store.model(event.data.from_model).switchedFrom += 1;
    store.model(event.data.to_model).switchedTo += 1;
  },
});
