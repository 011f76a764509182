import {
  loadPlatformDefinition,
  platform,
  platformDefinitionInput,
  withNamespace,
} from '../../../shared/platform';

const isDeepFrozen = (value: unknown): boolean =>
  value === null ||
  typeof value !== 'object' ||
  (Object.isFrozen(value) && Object.values(value).every(isDeepFrozen));

// The functions run on the definition without parsing it at import (issue
// #13 item 6): this is where the shipped definition is validated, with
// `cdk synth` (the stack loads what it deploys).
describe('the shipped platform definition', () => {
  it('is valid, and the runtime definition is exactly what the loader makes of it', () => {
    expect(loadPlatformDefinition(platformDefinitionInput)).toStrictEqual(platform);
  });

  it('is frozen at runtime', () => {
    expect(isDeepFrozen(platform)).toBe(true);
    expect(() => {
      (platform.topics as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('stays valid and frozen under a namespace prefix', () => {
    const namespaced = withNamespace(platform, 'staging-');
    expect(loadPlatformDefinition(namespaced)).toStrictEqual(namespaced);
    expect(isDeepFrozen(namespaced)).toBe(true);
  });
});
