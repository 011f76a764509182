import type { ESLint } from 'eslint';

/** The layering rules of the repository (eslint/layers.js). */
declare const layers: ESLint.Plugin & {
  /** The area of a file, from its path relative to the repository root. */
  readonly areaOf: (path: string) => string;
};
export = layers;
