import type { Logger } from '@aws-lambda-powertools/logger';
import type { Kafka } from 'kafkajs';
import type { PlatformDefinition } from '../../shared/platform';

/** What every local service gets from the runtime. */
export interface LocalRuntimeContext {
  readonly platform: PlatformDefinition;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A started local service. */
export interface RunningService {
  readonly stop: () => Promise<void>;
}

/**
 * One piece of the local platform (API gateway, event source mappings,
 * scheduler...). `npm start` starts them in order and stops them in reverse.
 */
export interface LocalService {
  readonly name: string;
  readonly start: (context: LocalRuntimeContext) => Promise<RunningService>;
}
