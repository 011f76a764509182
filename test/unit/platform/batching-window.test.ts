import {
  batchingWindowsSchema,
  platform,
  PlatformDefinitionError,
  withBatchingWindows,
} from '../../../shared/platform';
import { LocalEnv, readEnv } from '../../../shared/platform/env';

const windows = (def: typeof platform): Record<string, number> =>
  Object.fromEntries(def.consumers.map((c) => [c.name, c.maximumBatchingWindowMs]));

describe('batching windows per environment', () => {
  it('reads one window for all, per consumer, or both', () => {
    expect(batchingWindowsSchema().parse('0')).toEqual({ all: 0, byConsumer: {} });
    expect(batchingWindowsSchema().parse(1000)).toEqual({ all: 1000, byConsumer: {} });
    expect(batchingWindowsSchema().parse(' 250 , conversation-log=0 ')).toEqual({
      all: 250,
      byConsumer: { 'conversation-log': 0 },
    });
  });

  it('refuses a window out of AWS range or not a whole number, naming the variable', () => {
    for (const bad of ['-1', '300001', '1.5', 'conversation-log=', 'fast'])
      expect(() => readEnv(LocalEnv.BatchingWindowMs, { XSEVEN_BATCHING_WINDOW_MS: bad })).toThrow(
        /XSEVEN_BATCHING_WINDOW_MS/,
      );
  });

  it('overrides the definition: per consumer first, then the one for all, else the definition', () => {
    const before = windows(platform);
    const after = windows(
      withBatchingWindows(platform, { all: 1000, byConsumer: { 'conversation-log': 0 } }),
    );
    for (const name of Object.keys(before))
      expect(after[name]).toBe(name === 'conversation-log' ? 0 : 1000);
    expect(withBatchingWindows(platform, undefined)).toBe(platform);
    expect(windows(withBatchingWindows(platform, { byConsumer: {} }))).toEqual(before);
  });

  it('refuses a consumer the definition lacks', () => {
    expect(() => withBatchingWindows(platform, { byConsumer: { nobody: 0 } })).toThrow(
      PlatformDefinitionError,
    );
  });
});
