import type { BoundedMap } from '../../../shared/bounded-map';
import type { EventHandler } from '../../../shared/consumer/bus';
import { aggregates, rememberedIds } from './bounds';
import type { StoreBounds } from './bounds';
import { EventType } from '../../../shared/events/event-types';

/** What the system monitor has counted, for this container. */
export interface MonitoringSnapshot {
  /** Errors by `component/severity`. */
  readonly errors: Readonly<Record<string, number>>;
  /** Last health status by component. */
  readonly health: Readonly<Record<string, string>>;
  /** User actions by action name. */
  readonly userActions: Readonly<Record<string, number>>;
  /** Workflow events by type (started, completed, failed). */
  readonly workflows: Readonly<Record<string, number>>;
}

const bump = (counts: BoundedMap<string, number>, key: string): number => {
  const next = (counts.get(key) ?? 0) + 1;
  counts.set(key, next);
  return next;
};

/** In-memory monitoring counters (idempotent by event id; bounded: {@link StoreBounds}). */
export class MonitoringStore {
  readonly errors: BoundedMap<string, number>;
  readonly health: BoundedMap<string, string>;
  readonly userActions: BoundedMap<string, number>;
  readonly workflows: BoundedMap<string, number>;
  readonly #seen: BoundedMap<string, true>;

  public constructor(bounds: StoreBounds = {}) {
    this.errors = aggregates(bounds);
    this.health = aggregates(bounds);
    this.userActions = aggregates(bounds);
    this.workflows = aggregates(bounds);
    this.#seen = rememberedIds(bounds);
  }

  /**
   * Whether an event id is new (and remembers it).
   *
   * @example
   * ```ts
   * if (store.firstSeen(id)) bump();
   * ```
   */
  public firstSeen(eventId: string): boolean {
    return this.#seen.addIfAbsent(eventId, true);
  }

  /**
   * A plain copy of every counter.
   *
   * @example
   * ```ts
   * store.snapshot().errors['payments/critical'];
   * ```
   */
  public snapshot(): MonitoringSnapshot {
    return {
      errors: Object.fromEntries(this.errors.entries()),
      health: Object.fromEntries(this.health.entries()),
      userActions: Object.fromEntries(this.userActions.entries()),
      workflows: Object.fromEntries(this.workflows.entries()),
    };
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
    for (const m of [this.errors, this.userActions, this.workflows]) m.clear();
    this.health.clear();
    this.#seen.clear();
  }
}

/** The container's monitoring counters. */
export const monitoringStore = new MonitoringStore();

/**
 * Counts system errors by component and severity; logs critical ones at error level.
 *
 * @example
 * ```ts
 * bus.subscribe('system.error', errorCounterHandler(monitoringStore));
 * ```
 */
export const errorCounterHandler = (
  store: MonitoringStore,
): EventHandler<typeof EventType.SystemError> => ({
  name: 'error-counter',
  canHandle: () => true,
  handle: function countError(event, { logger }) {
    if (!store.firstSeen(event.id)) return;
    const key = `${event.data.component}/${event.data.severity}`;
    const count = bump(store.errors, key);
    if (event.data.severity === 'critical')
      logger.error('critical system error reported', {
        component: event.data.component,
        errorType: event.data.error_type,
        count,
      });
  },
});

/**
 * Keeps the last health status of each component; logs transitions.
 *
 * @example
 * ```ts
 * bus.subscribe('system.health_check', healthHandler(monitoringStore));
 * ```
 */
export const healthHandler = (
  store: MonitoringStore,
): EventHandler<typeof EventType.HealthCheck> => ({
  name: 'health-tracker',
  canHandle: () => true,
  handle: function trackHealth(event, { logger }) {
    const previous = store.health.get(event.data.component);
    store.health.set(event.data.component, event.data.status);
    if (previous !== undefined && previous !== event.data.status)
      logger.warn('component health changed', {
        component: event.data.component,
        from: previous,
        to: event.data.status,
      });
  },
});

/**
 * Counts user actions by action name.
 *
 * @example
 * ```ts
 * bus.subscribe('user.action', userActionHandler(monitoringStore));
 * ```
 */
export const userActionHandler = (
  store: MonitoringStore,
): EventHandler<typeof EventType.UserAction> => ({
  name: 'user-action-counter',
  canHandle: () => true,
  handle: function countUserAction(event) {
    if (store.firstSeen(event.id)) bump(store.userActions, event.data.action);
  },
});

type WorkflowEventType =
  | typeof EventType.WorkflowStarted
  | typeof EventType.WorkflowCompleted
  | typeof EventType.WorkflowFailed;

/**
 * Counts workflow events by type; logs failures with their step.
 *
 * @example
 * ```ts
 * bus.subscribe('workflow.failed', workflowHandler(monitoringStore));
 * ```
 */
export const workflowHandler = (store: MonitoringStore): EventHandler<WorkflowEventType> => ({
  name: 'workflow-counter',
  canHandle: () => true,
  handle: function countWorkflow(event, { logger }) {
    if (!store.firstSeen(event.id)) return;
    bump(store.workflows, event.type);
    if (event.type === EventType.WorkflowFailed)
      logger.warn('workflow failed', {
        workflowId: event.data.workflow_id,
        step: event.data.failed_step,
      });
  },
});
