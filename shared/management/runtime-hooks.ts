/**
 * What a local runtime hands the management function, which AWS provides
 * otherwise. The interfaces are defined here and implemented in local/: the
 * local runtime registers them when it starts, the management handler looks
 * them up on each request. Nothing of local/ is imported (nor bundled).
 */
import type { TopicConfigPolicy } from '../platform';

/**
 * How the management API reaches the local event source mappings: to reset
 * a group's offsets it must first stop the ESM that owns the group, as it
 * disables the event source mapping in AWS. The local ESM registers itself
 * here when it starts.
 */
export interface EsmControl {
  /** Whether a running local ESM consumes with this consumer group. */
  readonly owns: (groupId: string) => boolean;
  /** Stops consuming for the group and leaves it (no active members after). */
  readonly pause: (groupId: string) => Promise<void>;
  /** Starts consuming again from the group's committed offsets. */
  readonly resume: (groupId: string) => Promise<void>;
}

let registered: EsmControl | undefined;

/**
 * Registers the running local ESM (or clears it with `undefined`).
 *
 * @example
 * ```ts
 * registerEsmControl({ owns, pause, resume });
 * ```
 */
export const registerEsmControl = (control: EsmControl | undefined): void => {
  registered = control;
};

/**
 * The running local ESM, if any.
 *
 * @example
 * ```ts
 * const esm = getEsmControl();
 * if (esm?.owns(groupId)) await esm.pause(groupId);
 * ```
 */
export const getEsmControl = (): EsmControl | undefined => registered;

let topicConfigPolicy: TopicConfigPolicy | undefined;

/**
 * Registers the topic configs the local runtime applies (replication
 * clamped to its brokers), for the drift check; `undefined` clears it.
 *
 * @example
 * ```ts
 * registerTopicConfigPolicy(topicConfigs); // local/provision.ts
 * ```
 */
export const registerTopicConfigPolicy = (policy: TopicConfigPolicy | undefined): void => {
  topicConfigPolicy = policy;
};

/**
 * The registered topic config policy, if any.
 *
 * @example
 * ```ts
 * const policy = getTopicConfigPolicy() ?? definitionTopicConfigs;
 * ```
 */
export const getTopicConfigPolicy = (): TopicConfigPolicy | undefined => topicConfigPolicy;

let countersRefresh: (() => Promise<void>) | undefined;

/**
 * Registers how to bring the in-process counters up to date before they are
 * read (the local runtime's ESM worker thread sends its latest series);
 * `undefined` clears it.
 *
 * @example
 * ```ts
 * registerCountersRefresh(() => worker.requestSeries()); // local/esm/thread-service.ts
 * ```
 */
export const registerCountersRefresh = (refresh: (() => Promise<void>) | undefined): void => {
  countersRefresh = refresh;
};

/**
 * The registered counters refresh, if any.
 *
 * @example
 * ```ts
 * await getCountersRefresh()?.();
 * ```
 */
export const getCountersRefresh = (): (() => Promise<void>) | undefined => countersRefresh;
