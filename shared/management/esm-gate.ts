import type { EsmControl } from './runtime-hooks';
import { EsmTransitionError } from './errors';
import { captureAwsClient } from '../tracing/xray';

/**
 * Stops whatever event source mapping consumes with a group, so that the
 * group's offsets can be changed, and gives back the way to restart it.
 */
export interface EsmGate {
  /**
   * Stops the ESM(s) owning `groupId`. Resolves to a function restarting
   * them, or `undefined` when no ESM owns the group.
   */
  readonly stop: (groupId: string) => Promise<(() => Promise<void>) | undefined>;
}

/**
 * The gate of the local runtime: the local ESM registered in
 * shared/management/runtime-hooks.ts is paused and resumed. `control` is looked up
 * on each call (the ESM registers itself after this module loads).
 *
 * @example
 * ```ts
 * const gate = localEsmGate(getEsmControl);
 * const resume = await gate.stop('xseven-ai-responses');
 * ```
 */
export const localEsmGate = (control: () => EsmControl | undefined): EsmGate => {
  const stopLocalEsm = async (groupId: string): Promise<(() => Promise<void>) | undefined> => {
    const esm = control();
    if (!esm?.owns(groupId)) return undefined;
    await esm.pause(groupId);
    return () => esm.resume(groupId);
  };
  return { stop: stopLocalEsm };
};

/** The parts of an event source mapping the gate reads (as @aws-sdk/client-lambda returns them). */
export interface EsmDescription {
  readonly UUID?: string;
  readonly State?: string;
  readonly FunctionArn?: string;
  readonly AmazonManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
  readonly SelfManagedKafkaEventSourceConfig?: { readonly ConsumerGroupId?: string };
}

/** The three Lambda API calls the gate needs (an adapter over LambdaClient, or a test double). */
export interface EsmApi {
  readonly list: (input: {
    readonly Marker?: string;
    readonly EventSourceArn?: string;
  }) => Promise<{ EventSourceMappings?: readonly EsmDescription[]; NextMarker?: string }>;
  readonly update: (input: {
    readonly UUID: string;
    readonly Enabled: boolean;
  }) => Promise<unknown>;
  readonly get: (input: { readonly UUID: string }) => Promise<EsmDescription>;
}

/** Options of {@link awsEsmGate}. */
export interface AwsEsmGateOptions {
  readonly api: EsmApi;
  /** Restrict the listing to the MSK cluster's ESMs. */
  readonly eventSourceArn?: string;
  readonly timeoutMs: number;
  readonly pollIntervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether an ESM consumes with `groupId` (AWS uses the ESM's UUID as the
 * group id when none is configured).
 *
 * @example
 * ```ts
 * ownsGroup({ UUID: 'u', AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' } }, 'g'); // true
 * ```
 */
export const ownsGroup = (esm: EsmDescription, groupId: string): boolean => {
  const configured =
    esm.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId ??
    esm.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId;
  return configured === undefined || configured === ''
    ? esm.UUID === groupId
    : configured === groupId;
};

/**
 * The gate in AWS: disables the event source mapping(s) owning the group,
 * waits until each is `Disabled`, and hands back a function enabling again
 * the ones that were enabled. Mappings already disabled stay disabled.
 *
 * @example
 * ```ts
 * const gate = awsEsmGate({ api: lambdaEsmApi(new LambdaClient({})), timeoutMs: 120_000 });
 * const resume = await gate.stop('xseven-ai-responses');
 * try { await reset(); } finally { await resume?.(); }
 * ```
 */
export const awsEsmGate = (options: AwsEsmGateOptions): EsmGate => {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const interval = options.pollIntervalMs ?? 2000;

  const listAll = async (): Promise<EsmDescription[]> => {
    const all: EsmDescription[] = [];
    let marker: string | undefined;
    do {
      const page = await options.api.list({
        ...(marker === undefined ? {} : { Marker: marker }),
        ...(options.eventSourceArn === undefined ? {} : { EventSourceArn: options.eventSourceArn }),
      });
      all.push(...(page.EventSourceMappings ?? []));
      marker = page.NextMarker;
    } while (marker !== undefined && marker !== '');
    return all;
  };

  const waitUntilDisabled = async (uuid: string): Promise<void> => {
    const deadline = now() + options.timeoutMs;
    for (;;) {
      const state = (await options.api.get({ UUID: uuid })).State ?? 'Unknown';
      if (state === 'Disabled') return;
      if (now() >= deadline) throw new EsmTransitionError(uuid, 'Disabled', state);
      await sleep(interval);
    }
  };

  const stopAwsEsm = async (groupId: string): Promise<(() => Promise<void>) | undefined> => {
    const owners = (await listAll()).filter((e) => e.UUID !== undefined && ownsGroup(e, groupId));
    if (owners.length === 0) return undefined;
    const toEnable = owners.filter((e) => e.State !== 'Disabled' && e.State !== 'Disabling');
    const resume = async (): Promise<void> => {
      for (const esm of toEnable) await options.api.update({ UUID: esm.UUID ?? '', Enabled: true });
    };
    try {
      for (const esm of toEnable)
        await options.api.update({ UUID: esm.UUID ?? '', Enabled: false });
      for (const esm of owners) await waitUntilDisabled(esm.UUID ?? '');
    } catch (error) {
      await resume();
      throw error;
    }
    return resume;
  };
  return { stop: stopAwsEsm };
};

/**
 * Adapts an @aws-sdk/client-lambda client to {@link EsmApi}. Loaded lazily
 * so that only the offset reset in AWS pays for the SDK.
 *
 * @example
 * ```ts
 * const api = await lambdaEsmApi();
 * ```
 */
export const lambdaEsmApi = async (): Promise<EsmApi> => {
  const sdk = await import('@aws-sdk/client-lambda');
  const client = captureAwsClient(new sdk.LambdaClient({}));
  return {
    list: (input) => client.send(new sdk.ListEventSourceMappingsCommand({ ...input })),
    update: (input) => client.send(new sdk.UpdateEventSourceMappingCommand({ ...input })),
    get: (input) => client.send(new sdk.GetEventSourceMappingCommand({ ...input })),
  };
};
