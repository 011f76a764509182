import { EVENT_TYPES } from '../events/event-types';
import { PlatformDefinitionError } from './errors';
import { ON_FAILURE_RETRY_CAP, platformSchema } from './schema';
import type { PlatformDefinition, PlatformDefinitionInput } from './schema';

const duplicates = (values: readonly string[]): string[] => [
  ...new Set(values.filter((v, i) => values.indexOf(v) !== i)),
];

const nameOf = (definition: PlatformDefinitionInput, path: readonly PropertyKey[]): string => {
  const [area, index] = path;
  if (typeof index !== 'number') return path.join('.');
  const item = (definition as unknown as Record<string, unknown[] | undefined>)[String(area)]?.[
    index
  ];
  const label =
    item && typeof item === 'object'
      ? ((item as Record<string, unknown>).name ??
        (item as Record<string, unknown>).eventType ??
        `${String((item as Record<string, unknown>).method)} ${String((item as Record<string, unknown>).path)}`)
      : index;
  return [`${String(area)}["${String(label)}"]`, ...path.slice(2)].join('.');
};

/** Cross-reference rules zod cannot express field by field. */
const crossCheck = (def: PlatformDefinition): string[] => {
  const problems: string[] = [];
  const topics = new Set(def.topics.map((t) => t.name));
  const needTopic = (topic: string, who: string): void => {
    if (!topics.has(topic)) problems.push(`${who} refers to unknown topic "${topic}"`);
  };

  for (const name of duplicates(def.topics.map((t) => t.name)))
    problems.push(`topic "${name}" is defined twice`);
  for (const t of def.topics) {
    if (t.minInSyncReplicas > t.replicationFactor)
      problems.push(
        `topic "${t.name}": minInSyncReplicas (${t.minInSyncReplicas}) exceeds replicationFactor (${t.replicationFactor})`,
      );
  }

  for (const type of duplicates(def.eventRoutes.map((r) => r.eventType)))
    problems.push(`event type "${type}" is routed twice`);
  for (const r of def.eventRoutes) needTopic(r.topic, `route of event type "${r.eventType}"`);
  const routed = new Set(def.eventRoutes.map((r) => r.eventType));
  for (const type of EVENT_TYPES)
    if (!routed.has(type)) problems.push(`event type "${type}" has no topic route`);

  for (const name of duplicates(def.consumers.map((c) => c.name)))
    problems.push(`consumer "${name}" is defined twice`);
  for (const id of duplicates(def.consumers.map((c) => c.consumerGroupId)))
    problems.push(`consumer group id "${id}" is used by more than one consumer`);
  for (const c of def.consumers) {
    for (const t of c.topics) needTopic(t, `consumer "${c.name}"`);
    if (c.onFailureTopic !== undefined) {
      needTopic(c.onFailureTopic, `consumer "${c.name}" onFailureTopic`);
      if (c.topics.includes(c.onFailureTopic))
        problems.push(
          `consumer "${c.name}": onFailureTopic "${c.onFailureTopic}" must not be one of its source topics`,
        );
    }
    if (c.maximumRetryAttempts === -1) {
      const destination =
        c.onFailureTopic === undefined
          ? "the platform's failure bucket"
          : `onFailureTopic "${c.onFailureTopic}"`;
      problems.push(
        `consumer "${c.name}": maximumRetryAttempts -1 (infinite) cannot be combined with its on-failure destination (${destination}): AWS then applies at most ${ON_FAILURE_RETRY_CAP} retries; set the bound (0-10000) explicitly`,
      );
    }
    if (c.startingPosition === 'AT_TIMESTAMP' && c.startingPositionTimestamp === undefined)
      problems.push(
        `consumer "${c.name}": startingPosition AT_TIMESTAMP needs startingPositionTimestamp`,
      );
    if (c.topics.includes(def.dlq.topic))
      problems.push(
        `consumer "${c.name}" must not consume the dead-letter topic "${def.dlq.topic}"`,
      );
  }

  needTopic(def.dlq.topic, 'dlq.topic');
  needTopic(def.dlq.archiveTopic, 'dlq.archiveTopic');
  for (const t of Object.keys(def.dlq.byTopic)) needTopic(t, 'dlq.byTopic');

  for (const route of duplicates(def.httpRoutes.map((r) => `${r.method} ${r.path}`)))
    problems.push(`HTTP route "${route}" is defined twice`);

  for (const scope of duplicates(Object.values(def.access.scopes)))
    problems.push(`access.scopes: "${scope}" names more than one kind of route`);
  for (const t of def.topics)
    if (t.name.startsWith(def.access.apiTopicPrefix))
      problems.push(
        `topic "${t.name}" starts with access.apiTopicPrefix "${def.access.apiTopicPrefix}", reserved for topics created through the API`,
      );
  return problems;
};

/**
 * Validates a platform definition and fills its defaults. Throws a
 * {@link PlatformDefinitionError} listing every problem, each naming its culprit.
 *
 * @example
 * ```ts
 * const platform = loadPlatformDefinition({ name: 'demo', topics: [...], ... });
 * platform.topics[0].replicationFactor; // 3 unless set
 * ```
 */
export const loadPlatformDefinition = (input: PlatformDefinitionInput): PlatformDefinition => {
  const parsed = platformSchema().safeParse(input);
  if (!parsed.success) {
    throw new PlatformDefinitionError(
      parsed.error.issues.map((issue) => `${nameOf(input, issue.path)}: ${issue.message}`),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new PlatformDefinitionError(problems);
  return parsed.data;
};
