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
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid environment: ${problems.join('; ')}`, { details: { problems } });
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
    const list = z.array(z.string()).safeParse(items);
    if (!list.success) {
      ctx.addIssue({ code: 'custom', message: 'must be a list of host:port strings' });
      return z.NEVER;
    }
    const brokers = list.data.map((b) => b.trim()).filter((b) => b !== '');
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
