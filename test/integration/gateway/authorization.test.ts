import type { Admin } from 'kafkajs';
import { startGateway } from '../../../local/gateway/server';
import type { RunningGateway } from '../../../local/gateway/server';
import { provisionTopics } from '../../../local/provision';
import { createLogger } from '../../../shared/observability/logger';
import { ApiAuthMode, platform, withNamespace } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { testKafka, uniquePrefix } from '../../support/kafka';
import { expectDocumented } from '../../support/openapi-contract';

const OPERATOR = 'Bearer operator-token-0123456789';
const PUBLISHER = 'Bearer publisher-token-0123456789';
const EVENT = JSON.stringify({
  event_type: 'user.action',
  data: { user_id: 'user_456', action: 'login' },
});

/**
 * Through the real local gateway and the real publish and management
 * functions: the gateway builds the authorizer context of each mode from the
 * local tokens, and the functions' one authorization check decides.
 */
describe('authorization through the local gateway (real handlers, real broker)', () => {
  let admin: Admin;
  let def: PlatformDefinition;
  const gateways = new Map<ApiAuthMode, RunningGateway>();

  beforeAll(async () => {
    const kafka = testKafka('gateway-auth');
    admin = kafka.admin();
    await admin.connect();
    const prefix = uniquePrefix('gwauth');
    def = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    // The handlers build their context from the environment on first use, as in Lambda.
    process.env.XSEVEN_TOPIC_PREFIX = prefix;
    for (const mode of Object.values(ApiAuthMode))
      gateways.set(
        mode,
        await startGateway({
          platform: def,
          port: 0,
          host: '127.0.0.1',
          logger: createLogger('gateway-auth-test'),
          auth: {
            mode,
            operatorToken: OPERATOR.slice('Bearer '.length),
            publishToken: PUBLISHER.slice('Bearer '.length),
            allowUnauthenticatedMutations: false,
          },
        }),
      );
  });

  afterAll(async () => {
    for (const gateway of gateways.values()) await gateway.stop();
    await admin.disconnect();
  });

  const call = async (
    mode: ApiAuthMode,
    method: string,
    path: string,
    authorization?: string,
  ): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> => {
    const gateway = gateways.get(mode);
    if (!gateway) throw new Error(`no ${mode} gateway`);
    const response = await fetch(`${gateway.url}${def.apiBasePath}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(method === 'POST' ? { body: EVENT } : {}),
    });
    const text = await response.text();
    // Every answer through the gateway is one the OpenAPI document describes.
    expectDocumented(
      method,
      `${def.apiBasePath}${path}`,
      response.status,
      Object.fromEntries(response.headers.entries()),
      text,
    );
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: JSON.parse(text) as Record<string, unknown>,
    };
  };

  it.each(Object.values(ApiAuthMode))(
    '%s: the publish-only principal publishes, and is refused on read and operate routes',
    async (mode) => {
      const published = await call(mode, 'POST', '/events/generic', PUBLISHER);
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ event_type: 'user.action' });
      for (const [method, path] of [
        ['GET', '/topics'],
        ['DELETE', `/topics/${encodeURIComponent(def.dlq.topic)}`],
      ] as const) {
        const refused = await call(mode, method, path, PUBLISHER);
        expect({ method, path, status: refused.status }).toEqual({ method, path, status: 403 });
        expect(refused.type).toBe('application/problem+json');
      }
      // Refused before anything ran: the topic is still there.
      expect(await admin.listTopics()).toContain(def.dlq.topic);
    },
  );

  it.each(Object.values(ApiAuthMode))(
    '%s: the operator reads, operates and publishes',
    async (mode) => {
      expect((await call(mode, 'GET', '/topics', OPERATOR)).status).toBe(200);
      // Authorized to operate: the unknown topic is the only reason for the 404.
      const missing = await call(
        mode,
        'DELETE',
        `/topics/${def.access.apiTopicPrefix}no-such-topic`,
        OPERATOR,
      );
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'TOPIC_NOT_FOUND' });
      expect((await call(mode, 'POST', '/events/generic', OPERATOR)).status).toBe(200);
    },
  );

  it.each(Object.values(ApiAuthMode))(
    '%s: without a known token there is no principal, and every function answers 401',
    async (mode) => {
      for (const authorization of [undefined, 'Bearer not-a-configured-token'])
        for (const [method, path] of [
          ['GET', '/topics'],
          ['POST', '/events/generic'],
        ] as const) {
          const refused = await call(mode, method, path, authorization);
          expect({ method, authorization, status: refused.status }).toEqual({
            method,
            authorization,
            status: 401,
          });
          expect(refused.type).toBe('application/problem+json');
        }
    },
  );

  it.each(Object.values(ApiAuthMode))(
    '%s: /health (liveness and readiness) is open: no token, an unknown one, or the publish-only principal',
    async (mode) => {
      for (const authorization of [undefined, 'Bearer not-a-configured-token', PUBLISHER, OPERATOR])
        for (const path of ['/health', '/health?deep=true']) {
          const answer = await call(mode, 'GET', path, authorization);
          expect({ path, authorization, status: answer.status }).toEqual({
            path,
            authorization,
            status: 200,
          });
          expect(answer.body).toMatchObject({ status: 'ok' });
        }
    },
  );
});
