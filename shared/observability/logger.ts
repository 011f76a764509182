import { Logger } from '@aws-lambda-powertools/logger';
import { PlatformEnv } from '../platform/env';
import { requestScopeKeys } from './request-scope';

type LogArguments = Parameters<Logger['info']>;
type LogMessage = LogArguments[0];
type ExtraInput = LogArguments extends [unknown, ...infer Rest] ? Rest : never;

/** A Powertools logger whose lines also carry the keys of the request being served (request-scope.ts). */
class RequestScopedLogger extends Logger {
  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogMessage,
    extraInput: ExtraInput,
  ) {
    const keys = requestScopeKeys();
    if (keys === undefined || Object.keys(keys).length === 0)
      return super.createAndPopulateLogItem(logLevel, input, extraInput);
    const [first] = extraInput;
    // Powertools' own forms: an error goes under `error`, a string under `extra`.
    const attributes =
      first instanceof Error
        ? [{ error: first }]
        : typeof first === 'string'
          ? [{ extra: first }]
          : (extraInput as Exclude<ExtraInput, [Error | string]>);
    return super.createAndPopulateLogItem(logLevel, input, [keys, ...attributes]);
  }

  protected override createLogger(options?: ConstructorParameters<typeof Logger>[0]): Logger {
    return new RequestScopedLogger(options);
  }
}

/**
 * A structured (JSON) Powertools logger for one service (POWERTOOLS_SERVICE_NAME
 * when set: the stack names every function's service after the definition).
 * Level from POWERTOOLS_LOG_LEVEL (default INFO). Never log whole event payloads at
 * info level: they may hold personal data; log ids, types and sizes.
 *
 * @example
 * ```ts
 * const logger = createLogger('publish-api');
 * logger.info('published', { eventId, topic });
 * ```
 */
export const createLogger = (serviceName: string): Logger =>
  new RequestScopedLogger({
    serviceName: process.env[PlatformEnv.ServiceName.name] ?? serviceName,
  });
