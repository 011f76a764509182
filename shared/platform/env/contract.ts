import * as z from 'zod';
import { lazy } from '../../lazy';
import { parseEnv } from './parse';

/**
 * One environment variable of the platform: its name, the zod schema that
 * reads it (defaults included) and what it means. The CDK stack writes
 * variables by these entries ({@link envRecord}); the runtime reads them
 * through schemas built from them ({@link envShape}), so a name is spelled
 * once.
 */
export interface EnvVar<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  readonly schema: S;
  readonly doc: string;
}

/**
 * Declares a variable of the contract. Its schema is built when first read
 * (`variable.schema`), not when the contract is imported: a Lambda's init
 * builds only the schemas of the variables it reads (issue #13 item 6).
 *
 * @example
 * ```ts
 * const Port = envVar('XSEVEN_API_PORT', () => z.coerce.number().int().default(8000), 'Port of the local API gateway');
 * ```
 */
export const envVar = <const N extends string, S extends z.ZodType>(
  name: N,
  schema: () => S,
  doc: string,
): EnvVar<N, S> => {
  const built = lazy(schema);
  return {
    name,
    get schema() {
      return built();
    },
    doc,
  };
};

/** The zod object shape of some variables, keyed by their names. */
export type EnvShape<V extends readonly EnvVar[]> = {
  [E in V[number] as E['name']]: E['schema'];
};

/**
 * The zod shape reading `vars`: `z.object(envShape(A, B))` validates them
 * together, reporting every bad one at once.
 *
 * @example
 * ```ts
 * const schema = z.object(envShape(LocalEnv.ApiPort, LocalEnv.ApiHost));
 * parseEnv(schema, process.env).XSEVEN_API_PORT; // 8000
 * ```
 */
export const envShape = <const V extends readonly EnvVar[]>(...vars: V): EnvShape<V> =>
  Object.fromEntries(vars.map((v) => [v.name, v.schema])) as EnvShape<V>;

/**
 * Reads one variable (a ConfigError names it when its value is bad).
 *
 * @example
 * ```ts
 * readEnv(PlatformEnv.TopicPrefix, { XSEVEN_TOPIC_PREFIX: 'staging-' }); // 'staging-'
 * ```
 */
export const readEnv = <N extends string, S extends z.ZodType>(
  variable: EnvVar<N, S>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> =>
  (parseEnv(z.object({ [variable.name]: variable.schema }), env) as Record<N, z.output<S>>)[
    variable.name
  ];

/**
 * Environment variables as a function gets them, keyed by the contract's
 * entries (the CDK stack never spells a variable's name).
 *
 * @example
 * ```ts
 * envRecord([[PlatformEnv.TopicPrefix, 'staging-']]); // { XSEVEN_TOPIC_PREFIX: 'staging-' }
 * ```
 */
export const envRecord = (
  entries: readonly (readonly [EnvVar, string])[],
): Record<string, string> => Object.fromEntries(entries.map(([v, value]) => [v.name, value]));
