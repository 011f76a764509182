import { AiUsageStore } from '../../../functions/consumers/handlers/ai-usage';
import { AnalyticsStore } from '../../../functions/consumers/handlers/business-analytics';
import { ConversationLogStore } from '../../../functions/consumers/handlers/conversation-log';
import { MonitoringStore } from '../../../functions/consumers/handlers/system-monitoring';

const entry = (eventId: string) => ({
  eventId,
  type: 'conversation.message',
  time: '2026-01-01T00:00:00Z',
  userId: 'u1',
});

describe('the example stores stay bounded', () => {
  it('conversation log: conversations, entries per conversation and remembered ids', () => {
    let t = 0;
    const store = new ConversationLogStore({
      maxKeys: 3,
      maxEntriesPerConversation: 2,
      maxRememberedIds: 5,
      rememberIdsMs: 1_000,
      now: () => t,
    });
    for (let i = 0; i < 10; i += 1) store.append('c1', entry(`e${i}`));
    const log = store.get('c1');
    expect(log?.entries.map((e) => e.eventId)).toEqual(['e8', 'e9']);
    expect(log?.dropped).toBe(8);
    expect(store.append('c1', entry('e9')).entries).toHaveLength(2); // a redelivery
    for (const c of ['c2', 'c3', 'c4']) store.append(c, entry(`${c}-e`));
    expect(store.get('c1')).toBeUndefined();
    expect(store.sizes()).toEqual({ conversations: 3, rememberedIds: 5 });
    t += 1_001;
    store.append('c4', entry('c4-e')); // remembered ids expire
    expect(store.get('c4')?.entries).toHaveLength(2);
  });

  it('a million events of distinct conversations keep the store at its bounds', () => {
    const store = new ConversationLogStore({ maxKeys: 1_000, maxRememberedIds: 2_000 });
    for (let i = 0; i < 1_000_000; i += 1) store.append(`c${i % 50_000}`, entry(`e${i}`));
    expect(store.sizes()).toEqual({ conversations: 1_000, rememberedIds: 2_000 });
  });

  it('aggregates of models, metrics and components', () => {
    const ai = new AiUsageStore({ maxKeys: 2, maxRememberedIds: 2 });
    for (const m of ['a', 'b', 'c']) ai.model(m).responses += 1;
    expect(ai.all().map((u) => u.model)).toEqual(['b', 'c']);
    expect(['e1', 'e2', 'e3', 'e1'].map((id) => ai.firstSeen(id))).toEqual([
      true,
      true,
      true,
      true, // e1 was evicted by e3: remembered ids are bounded too
    ]);

    const analytics = new AnalyticsStore({ maxKeys: 1 });
    analytics.observe('e1', 'b1', 'm', 'gauge', 1);
    analytics.observe('e2', 'b2', 'm', 'gauge', 2);
    expect(analytics.get('b1', 'm')).toBeUndefined();
    expect(analytics.get('b2', 'm')?.last).toBe(2);
    expect(analytics.observe('e2', 'b2', 'm', 'gauge', 2)).toBeUndefined();

    let t = 0;
    const monitoring = new MonitoringStore({ maxKeys: 10, maxIdleMs: 100, now: () => t });
    monitoring.health.set('db', 'ok');
    t += 101;
    expect(monitoring.snapshot().health).toEqual({});
  });
});
