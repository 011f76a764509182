import { managementKafkaAccess } from '../../infra/stacks/platform-stack';
import {
  esmGroupId,
  platform,
  routeAccess,
  RouteAuth,
  routeScopes,
  withNamespace,
} from '../../shared/platform';
import type { HttpRouteDefinition } from '../../shared/platform';
import { actionsOf, resourceTexts, statementsOf } from './support/cfn';
import { definitionProblems as problemsOf, shippedDefinition } from './support/problems';
import { resourcesOf, synthPlatform } from './support/synth';
import type { Synthesized } from './support/synth';

const routeKey = (r: Pick<HttpRouteDefinition, 'method' | 'path'>): string =>
  `${r.method} ${r.path}`;
/** The tail of the execute-api ARN of a route: any stage, `{param}` as `*`. */
const arnTail = (r: HttpRouteDefinition): string =>
  `/*/${r.method}${r.path.replace(/\{[^}]+\}/g, '*')}`;
const publishRoutes = platform.httpRoutes.filter((r) => r.function === 'publish');
const managementRoutes = platform.httpRoutes.filter((r) => r.function === 'management');
/** Open routes (liveness): no authorizer, no invoke permission needed. */
const openRoutes = new Set(
  platform.httpRoutes.filter((r) => r.auth === RouteAuth.None).map(routeKey),
);
const guarded = (routes: readonly HttpRouteDefinition[]): HttpRouteDefinition[] =>
  routes.filter((r) => !openRoutes.has(routeKey(r)));
const { scopes } = platform.access;

describe('who may do what: routes', () => {
  it('derive their access from the definition: publish, read, or operate when mutating', () => {
    expect(publishRoutes.length).toBeGreaterThan(0);
    for (const r of publishRoutes) expect(routeAccess(r)).toBe('publish');
    const mutating = managementRoutes.filter((r) => r.mutating);
    expect(mutating.map(routeKey)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/kafka/topics',
        'DELETE /api/v1/kafka/topics/{name}',
        'POST /api/v1/kafka/consumers/{topic}/reset-offset',
        'POST /api/v1/kafka/dead-letter-queue/retry',
      ]),
    );
    for (const r of mutating) expect(routeAccess(r)).toBe('operate');
    for (const r of managementRoutes.filter((m) => !m.mutating))
      expect(routeAccess(r)).toBe('read');
  });

  it('take their JWT scopes from the definition; operators may also read', () => {
    expect(routeScopes(platform, { function: 'publish', mutating: false })).toEqual([
      scopes.publish,
    ]);
    expect(routeScopes(platform, { function: 'management', mutating: false })).toEqual([
      scopes.read,
      scopes.operate,
    ]);
    expect(routeScopes(platform, { function: 'management', mutating: true })).toEqual([
      scopes.operate,
    ]);
  });
});

describe('IAM mode (the default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform();
  });

  const policyOf = (role: 'publisher' | 'operator') => {
    const found = Object.entries(resourcesOf(s.template, 'AWS::IAM::ManagedPolicy')).find(([id]) =>
      id.startsWith(`Http${role}Policy`),
    );
    if (found === undefined) throw new Error(`no ${role} policy`);
    return found;
  };

  it.each([
    ['publisher', guarded(publishRoutes)],
    ['operator', guarded(managementRoutes)],
  ] as const)(
    'has a "%s" managed policy allowing execute-api:Invoke on exactly its guarded routes',
    (role, routes) => {
      const [, policy] = policyOf(role);
      const statements = statementsOf(policy);
      expect(statements).toHaveLength(1);
      const [statement] = statements;
      expect(statement?.Effect).toBe('Allow');
      expect(actionsOf(statement!)).toEqual(['execute-api:Invoke']);
      const resources = resourceTexts(statement!);
      const [apiId] = Object.keys(resourcesOf(s.template, 'AWS::ApiGatewayV2::Api'));
      expect(resources.sort()).toEqual(
        routes
          .map(
            (r) =>
              `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>${arnTail(r)}`,
          )
          .sort(),
      );
    },
  );

  it('keeps the two apart: no publish route for operators, no management route for publishers', () => {
    const publisher = resourceTexts(statementsOf(policyOf('publisher')[1])[0]!).join('\n');
    const operator = resourceTexts(statementsOf(policyOf('operator')[1])[0]!).join('\n');
    for (const r of managementRoutes) expect(publisher).not.toContain(arnTail(r));
    for (const r of publishRoutes) expect(operator).not.toContain(arnTail(r));
    expect(`${publisher}\n${operator}`).not.toMatch(/\/\*\/\*/);
  });

  it('exports both policy ARNs', () => {
    for (const role of ['Publisher', 'Operator'] as const) {
      const [id] = policyOf(role === 'Publisher' ? 'publisher' : 'operator');
      s.template.hasOutput(`${role}PolicyArn`, {
        Value: { Ref: id },
        Export: { Name: `Test-${role}PolicyArn` },
      });
    }
  });

  it('puts every route behind IAM, without scopes, but the open ones (liveness)', () => {
    expect([...openRoutes]).toEqual(['GET /api/v1/kafka/health']);
    for (const route of Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route'))) {
      const key = String(route.Properties.RouteKey);
      expect([key, route.Properties.AuthorizationType]).toEqual([
        key,
        key === '$default' || openRoutes.has(key) ? 'NONE' : 'AWS_IAM',
      ]);
      expect(route.Properties.AuthorizationScopes).toBeUndefined();
    }
  });

  it("limits the management function's Kafka rights to the definition's topics and groups and the API prefix", () => {
    const [, policy] =
      Object.entries(resourcesOf(s.template, 'AWS::IAM::Policy')).find(([id]) =>
        id.startsWith('ManagementServiceRoleDefaultPolicy'),
      ) ?? [];
    const statements = statementsOf(policy!);
    const withAction = (action: string): string[] =>
      statements.filter((st) => actionsOf(st).includes(action)).flatMap(resourceTexts);
    const tail = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

    const deletable = withAction('kafka-cluster:DeleteTopic');
    expect(deletable.every((arn) => arn.includes(':topic/'))).toBe(true);
    expect(deletable.map(tail).sort()).toEqual(
      [...platform.topics.map((t) => t.name), `${platform.access.apiTopicPrefix}*`].sort(),
    );
    const groups = withAction('kafka-cluster:AlterGroup');
    expect(groups.every((arn) => arn.includes(':group/'))).toBe(true);
    expect(groups.map(tail).sort()).toEqual(
      [
        ...platform.consumers.flatMap((c) => c.topics.map((t) => esmGroupId(c, t))),
        platform.dlq.consumerGroupId,
        'xseven-management-dlq-scan-*',
        'xseven-management-browse-*',
      ].sort(),
    );
    const kafkaResources = statements
      .filter((st) => actionsOf(st).some((a) => a.startsWith('kafka-cluster:')))
      .flatMap(resourceTexts);
    // never a whole kind of resource of the cluster
    for (const arn of kafkaResources) expect(tail(arn)).not.toBe('*');
  });
});

describe('JWT mode', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthPlatform({
      config: {
        apiAuth: 'jwt',
        jwtIssuer: 'https://auth.example.com/',
        jwtAudience: 'xseven-api',
      },
    });
  });

  it('requires the scope of each route, from the definition', () => {
    const routes = Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')).filter(
      (r) => r.Properties.RouteKey !== '$default',
    );
    expect(routes).toHaveLength(platform.httpRoutes.length);
    for (const route of routes) {
      const def = platform.httpRoutes.find((r) => routeKey(r) === route.Properties.RouteKey);
      expect(def).toBeDefined();
      if (openRoutes.has(routeKey(def!))) {
        expect(route.Properties.AuthorizationType).toBe('NONE');
        expect(route.Properties.AuthorizationScopes).toBeUndefined();
        continue;
      }
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizationScopes: routeScopes(platform, def!),
      });
    }
    const deleteTopic = routes.find(
      (r) => r.Properties.RouteKey === 'DELETE /api/v1/kafka/topics/{name}',
    );
    expect(deleteTopic?.Properties.AuthorizationScopes).toEqual([scopes.operate]);
  });

  it('creates no IAM invoke policies', () => {
    s.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(Object.keys(s.template.findOutputs('*'))).not.toContain('PublisherPolicyArn');
  });
});

describe('the access settings of the definition', () => {
  it('refuse one scope for two kinds of route', () => {
    const input = shippedDefinition();
    input.access = { ...input.access, scopes: { publish: 'a', read: 'b', operate: 'a' } };
    expect(problemsOf(input)).toEqual(['access.scopes: "a" names more than one kind of route']);
  });

  it('refuse an API topic prefix that covers a definition topic', () => {
    const input = shippedDefinition();
    input.access = { ...input.access, apiTopicPrefix: 'ai.' };
    expect(problemsOf(input)).toEqual([
      'topic "ai.responses" starts with access.apiTopicPrefix "ai.", reserved for topics created through the API',
    ]);
  });

  it('follow the namespace: the API prefix is namespaced like the topics', () => {
    const def = withNamespace(platform, 'staging-');
    expect(def.access.apiTopicPrefix).toBe(`staging-${platform.access.apiTopicPrefix}`);
    expect(managementKafkaAccess(def).adminTopics).toContain(
      `staging-${platform.access.apiTopicPrefix}*`,
    );
    expect(managementKafkaAccess(def).adminTopics).not.toContain('staging-*');
  });
});
