import { awsEsmGate, localEsmGate, ownsGroup } from '../../../shared/management/esm-gate';
import type { EsmApi, EsmDescription } from '../../../shared/management/esm-gate';
import { EsmTransitionError } from '../../../shared/management/errors';

/**
 * A stand-in for the Lambda ESM API: ESMs move Enabled -> Disabling ->
 * Disabled over `pollsToDisable` GetEventSourceMapping calls, as AWS does
 * asynchronously. Every call is journaled.
 */
const fakeLambda = (
  mappings: EsmDescription[],
  pollsToDisable = 2,
  pageSize = 1,
): { api: EsmApi; calls: string[]; state: (uuid: string) => string | undefined } => {
  const calls: string[] = [];
  const states = new Map(mappings.map((m) => [m.UUID ?? '', m.State ?? 'Enabled']));
  const countdown = new Map<string, number>();
  const api: EsmApi = {
    list: async ({ Marker }) => {
      calls.push(`list ${Marker ?? '-'}`);
      const start = Number(Marker ?? '0');
      const page = mappings
        .slice(start, start + pageSize)
        .map((m) => ({ ...m, State: states.get(m.UUID ?? '') }));
      const next = start + pageSize < mappings.length ? String(start + pageSize) : undefined;
      return { EventSourceMappings: page, ...(next ? { NextMarker: next } : {}) };
    },
    update: async ({ UUID, Enabled }) => {
      calls.push(`update ${UUID} ${Enabled ? 'enable' : 'disable'}`);
      states.set(UUID, Enabled ? 'Enabling' : 'Disabling');
      countdown.set(UUID, pollsToDisable);
      return {};
    },
    get: async ({ UUID }) => {
      calls.push(`get ${UUID}`);
      const left = (countdown.get(UUID) ?? 0) - 1;
      countdown.set(UUID, left);
      if (left <= 0 && states.get(UUID) === 'Disabling') states.set(UUID, 'Disabled');
      return { UUID, State: states.get(UUID) };
    },
  };
  return { api, calls, state: (uuid) => states.get(uuid) };
};

const fakeClock = (): { now: () => number; sleep: (ms: number) => Promise<void> } => {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
};

const msk = (uuid: string, group: string | undefined, state = 'Enabled'): EsmDescription => ({
  UUID: uuid,
  State: state,
  AmazonManagedKafkaEventSourceConfig: group === undefined ? {} : { ConsumerGroupId: group },
});

describe('AWS event source mapping gate', () => {
  it('disables the owning ESM, waits until Disabled, and the returned resume enables it again', async () => {
    const lambda = fakeLambda([msk('esm-a', 'other'), msk('esm-b', 'billing')], 3);
    const gate = awsEsmGate({
      api: lambda.api,
      timeoutMs: 60_000,
      pollIntervalMs: 1000,
      ...fakeClock(),
    });

    const resume = await gate.stop('billing');
    expect(resume).toBeDefined();
    expect(lambda.state('esm-b')).toBe('Disabled');
    expect(lambda.state('esm-a')).toBe('Enabled');
    expect(lambda.calls).toEqual([
      'list -',
      'list 1',
      'update esm-b disable',
      'get esm-b',
      'get esm-b',
      'get esm-b',
    ]);

    await resume?.();
    expect(lambda.calls.at(-1)).toBe('update esm-b enable');
    expect(lambda.state('esm-b')).toBe('Enabling');
  });

  it('resolves undefined (nothing to stop) when no ESM owns the group', async () => {
    const lambda = fakeLambda([msk('esm-a', 'other')]);
    const gate = awsEsmGate({ api: lambda.api, timeoutMs: 1000, ...fakeClock() });
    expect(await gate.stop('billing')).toBeUndefined();
    expect(lambda.calls.filter((c) => c.startsWith('update'))).toEqual([]);
  });

  it('leaves an ESM that was already disabled disabled after the reset', async () => {
    const lambda = fakeLambda([msk('esm-b', 'billing', 'Disabled')]);
    const gate = awsEsmGate({ api: lambda.api, timeoutMs: 1000, ...fakeClock() });
    const resume = await gate.stop('billing');
    await resume?.();
    expect(lambda.calls.filter((c) => c.startsWith('update'))).toEqual([]);
    expect(lambda.state('esm-b')).toBe('Disabled');
  });

  it('gives up after the timeout with a retriable error and enables the ESM again', async () => {
    const lambda = fakeLambda([msk('esm-b', 'billing')], 1_000);
    const gate = awsEsmGate({
      api: lambda.api,
      timeoutMs: 5000,
      pollIntervalMs: 1000,
      ...fakeClock(),
    });
    const error = await gate.stop('billing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsmTransitionError);
    expect((error as EsmTransitionError).retriable).toBe(true);
    expect(lambda.calls.at(-1)).toBe('update esm-b enable');
  });

  it('knows that AWS uses the ESM UUID as the group id when none is configured', () => {
    expect(ownsGroup(msk('3f2a-uuid', undefined), '3f2a-uuid')).toBe(true);
    expect(ownsGroup(msk('3f2a-uuid', undefined), 'billing')).toBe(false);
    expect(
      ownsGroup(
        { UUID: 'u', SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: 'billing' } },
        'billing',
      ),
    ).toBe(true);
  });
});

describe('local event source mapping gate', () => {
  it('pauses the registered local ESM that owns the group and resumes it', async () => {
    const calls: string[] = [];
    const gate = localEsmGate(() => ({
      owns: (g) => g === 'billing',
      pause: async (g) => void calls.push(`pause ${g}`),
      resume: async (g) => void calls.push(`resume ${g}`),
    }));
    expect(await gate.stop('other')).toBeUndefined();
    const resume = await gate.stop('billing');
    await resume?.();
    expect(calls).toEqual(['pause billing', 'resume billing']);
  });

  it('does nothing when no local ESM is registered', async () => {
    expect(await localEsmGate(() => undefined).stop('billing')).toBeUndefined();
  });
});
