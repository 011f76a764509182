import * as z from 'zod';
import { ConfigError } from '../../errors';
import { lazy } from '../../lazy';

/**
 * Parses environment variables with a zod schema. Every problem is reported
 * at once, naming the variable: `KAFKA_SASL_MECHANISM: Invalid option ...`.
 *
 * @example
 * ```ts
 * const env = parseEnv(z.object({ PORT: z.coerce.number() }), process.env);
 * ```
 */
export const parseEnv = <S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<S> => {
  // jitless: an environment is parsed once per container, and zod's
  // compiled fast path of an object costs more to build (~1-5 ms at a
  // cold start) than it ever saves on one parse.
  const parsed = schema.safeParse(env, { jitless: true });
  if (parsed.success) return parsed.data;
  throw environmentError(
    parsed.error.issues.map((i) => ({ variable: i.path.join('.') || '(env)', message: i.message })),
  );
};

/** What is wrong with one variable (or with a rule across variables, named by one of them). */
export interface EnvProblem {
  readonly variable: string;
  readonly message: string;
}

/**
 * The ConfigError of an environment's problems, each naming its variable.
 *
 * @example
 * ```ts
 * throw environmentError([{ variable: 'AWS_REGION', message: 'is required with AWS_MSK_IAM' }]);
 * ```
 */
export const environmentError = (problems: readonly EnvProblem[]): ConfigError => {
  const lines = problems.map((p) => `${p.variable}: ${p.message}`);
  return new ConfigError(`invalid environment: ${lines.join('; ')}`, {
    details: { problems: lines },
  });
};

/**
 * A zod refinement reporting a rule's problems as issues on their variables.
 *
 * @example
 * ```ts
 * z.object(shape).superRefine(refineWith(connectionProblems));
 * ```
 */
export const refineWith =
  <T>(problems: (env: T) => readonly EnvProblem[]) =>
  (env: T, ctx: z.RefinementCtx): void => {
    for (const p of problems(env))
      ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
  };

/**
 * A list of `host:port`, written as the seed does (`["localhost:9092"]`, JSON)
 * or comma-separated (`h1:9092,h2:9092`, as MSK prints it).
 */
export const brokerListSchema = lazy(() =>
  z.string().transform((raw, ctx) => {
    const text = raw.trim();
    let items: unknown = text.split(',');
    if (text.startsWith('[')) {
      try {
        items = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not a valid JSON array' });
        return z.NEVER;
      }
    }
    // Checked in plain code: a schema built here would cost ~1 ms of every init.
    if (!Array.isArray(items) || !items.every((b): b is string => typeof b === 'string')) {
      ctx.addIssue({ code: 'custom', message: 'must be a list of host:port strings' });
      return z.NEVER;
    }
    const brokers = items.map((b) => b.trim()).filter((b) => b !== '');
    const bad = brokers.find((b) => !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b));
    if (bad !== undefined || brokers.length === 0) {
      ctx.addIssue({ code: 'custom', message: `"${bad ?? ''}" is not host:port` });
      return z.NEVER;
    }
    return brokers;
  }),
);

/** `true/false/1/0/yes/no` as a boolean. */
export const booleanFlagSchema = lazy(() =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
);
