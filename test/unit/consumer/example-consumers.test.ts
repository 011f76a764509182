import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MSKEvent } from 'aws-lambda';
import { createEnvelope } from '../../../shared/events/envelope';
import type { EventType } from '../../../shared/events/event-types';
import type { EventDataInput } from '../../../shared/events/schemas';
import * as aiResponses from '../../../functions/consumers/ai-responses';
import * as businessAnalytics from '../../../functions/consumers/business-analytics';
import * as conversationLog from '../../../functions/consumers/conversation-log';
import * as systemMonitoring from '../../../functions/consumers/system-monitoring';
import { lambdaContext } from './support';

const fixture = (name: string): MSKEvent =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/msk', name), 'utf8')) as MSKEvent;

let offset = 0;
/** An MSK event of valid events (so no DLQ write is ever attempted). */
const mskOf = (topic: string, events: readonly ReturnType<typeof createEnvelope>[]): MSKEvent => ({
  eventSource: 'aws:kafka',
  eventSourceArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/x/y',
  bootstrapServers: 'b-1:9098',
  records: {
    [`${topic}-0`]: events.map((e) => ({
      topic,
      partition: 0,
      offset: (offset += 1),
      timestamp: Date.now(),
      timestampType: 'CREATE_TIME' as const,
      key: Buffer.from('k').toString('base64'),
      value: Buffer.from(JSON.stringify(e)).toString('base64'),
      headers: [],
    })),
  },
});
const ev = <T extends EventType>(type: T, data: EventDataInput<T>) =>
  createEnvelope({ type, data });

describe('the example consumers', () => {
  it('conversation-log keeps each conversation, without content, and ignores redeliveries', async () => {
    conversationLog.conversationLogStore.clear();
    const event = fixture('conversation-batch.json');
    await conversationLog.handler(event, lambdaContext());
    await conversationLog.handler(event, lambdaContext());
    const log = conversationLog.conversationLogStore.get('conv-1');
    expect(log?.entries.map((e) => [e.type, e.contentLength])).toEqual([
      ['conversation.started', undefined],
      ['conversation.message', 32],
    ]);
    expect(log?.status).toBe('open');
    expect(conversationLog.conversationLogStore.get('conv-9')?.status).toBe('ended');
    expect(JSON.stringify(log)).not.toContain('Hello');
  });

  it('ai-responses aggregates usage per model and counts switches', async () => {
    aiResponses.aiUsageStore.clear();
    const base = { prompt: 'p', response: 'r', response_time_ms: 100 };
    await aiResponses.handler(
      mskOf('ai.responses', [
        ev('ai.response.generated', {
          ...base,
          model_name: 'gpt-4',
          tokens_used: 150,
          cost_usd: 0.003,
        }),
        ev('ai.response.generated', {
          ...base,
          model_name: 'gpt-4',
          tokens_used: 50,
          cost_usd: 0.001,
        }),
        ev('ai.model.switched', { from_model: 'gpt-4', to_model: 'claude' }),
      ]),
      lambdaContext(),
    );
    const gpt = aiResponses.aiUsageStore.model('gpt-4');
    expect([gpt.responses, gpt.tokens, gpt.costUsd.toFixed(3), gpt.switchedFrom]).toEqual([
      2,
      200,
      '0.004',
      1,
    ]);
    expect(aiResponses.aiUsageStore.model('claude').switchedTo).toBe(1);
  });

  it('business-analytics keeps count, sum, min, max and last per business metric', async () => {
    businessAnalytics.analyticsStore.clear();
    await businessAnalytics.handler(fixture('self-managed-batch.json'), lambdaContext());
    expect(businessAnalytics.analyticsStore.get('biz-1', 'daily_active_users')).toMatchObject({
      count: 2,
      sum: 2550,
      min: 1250,
      max: 1300,
      last: 1300,
    });
  });

  it('system-monitoring counts errors, health, user actions and workflows', async () => {
    systemMonitoring.monitoringStore.clear();
    await systemMonitoring.handler(
      mskOf('system.monitoring', [
        ev('system.error', {
          component: 'db',
          error_type: 'timeout',
          error_message: 'slow',
          severity: 'critical',
        }),
        ev('system.error', {
          component: 'db',
          error_type: 'timeout',
          error_message: 'slow',
          severity: 'critical',
        }),
        ev('system.health_check', { component: 'db', status: 'degraded' }),
        ev('user.action', { user_id: 'u', action: 'login' }),
        ev('workflow.failed', {
          workflow_id: 'w',
          workflow_name: 'onboarding',
          error_message: 'x',
        }),
      ]),
      lambdaContext(),
    );
    expect(systemMonitoring.monitoringStore.snapshot()).toEqual({
      errors: { 'db/critical': 2 },
      health: { db: 'degraded' },
      userActions: { login: 1 },
      workflows: { 'workflow.failed': 1 },
    });
  });
});
