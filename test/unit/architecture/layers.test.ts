import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import layers from '../../../eslint/layers';

/** A small repository with one violation of each rule (test/fixtures/layers). */
const ROOT = join(__dirname, '../../fixtures/layers');

const lint = (file: string): string[] => {
  const linter = new Linter({ configType: 'flat' });
  const filename = join(ROOT, file);
  return linter
    .verify(
      readFileSync(filename, 'utf8'),
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { layers },
          rules: {
            'layers/direction': ['error', { root: ROOT }],
            'layers/no-area-cycles': ['error', { root: ROOT }],
          },
        },
      ],
      filename,
    )
    .map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
};

describe('the layering lint rules (eslint/layers.js)', () => {
  it('refuses an import against the direction of the layers', () => {
    expect(lint('shared/c/upward.ts')).toEqual([
      expect.stringMatching(
        /^layers\/direction: shared\/c\/upward\.ts may not import local\/emulator\.ts/,
      ),
    ]);
    expect(lint('infra/stack.ts')).toEqual([
      expect.stringMatching(
        /^layers\/direction: infra\/stack\.ts may not import shared\/a\/three\.ts/,
      ),
    ]);
  });

  it('refuses a cycle between two areas, reported on both sides', () => {
    expect(lint('shared/a/one.ts')).toEqual([
      'layers/no-area-cycles: import cycle between areas: shared/a -> shared/b -> shared/a (docs/architecture.md)',
    ]);
    expect(lint('shared/b/two.ts')).toEqual([
      'layers/no-area-cycles: import cycle between areas: shared/b -> shared/a -> shared/b (docs/architecture.md)',
    ]);
  });

  it('lets imports run the right way', () => {
    expect(lint('shared/a/three.ts')).toEqual([]);
    expect(lint('local/emulator.ts')).toEqual([]);
    expect(lint('functions/f/handler.ts')).toEqual([]);
  });

  it('names areas as the team rules do', () => {
    expect(layers.areaOf('shared/dlq/mover.ts')).toBe('shared/dlq');
    expect(layers.areaOf('shared/errors.ts')).toBe('shared');
    expect(layers.areaOf('local/main.ts')).toBe('local');
    expect(layers.areaOf('local/esm/delivery.ts')).toBe('local/esm');
    expect(layers.areaOf('infra/constructs/topics.ts')).toBe('infra');
  });
});
