import { EventBus } from '../../../shared/consumer/bus';
import type { EventHandler } from '../../../shared/consumer/bus';
import { validateEvent } from '../../../shared/events/validate';
import { createEnvelope } from '../../../shared/events/envelope';

const errorEvent = (severity: 'info' | 'critical') =>
  validateEvent(
    createEnvelope({
      type: 'system.error',
      data: { component: 'db', error_type: 'timeout', error_message: 'slow', severity },
    }),
  );

describe('EventBus', () => {
  it('routes an event to every subscribed handler of its type that accepts it, in order', () => {
    const all: EventHandler<'system.error'> = {
      name: 'all',
      canHandle: () => true,
      handle: () => {},
    };
    const critical: EventHandler<'system.error'> = {
      name: 'critical',
      canHandle: (e) => e.data.severity === 'critical',
      handle: () => {},
    };
    const other: EventHandler<'user.action'> = {
      name: 'other',
      canHandle: () => true,
      handle: () => {},
    };
    const bus = new EventBus()
      .subscribe('system.error', all)
      .subscribe('system.error', critical)
      .subscribe('user.action', other);
    expect(bus.handlersFor(errorEvent('critical')).map((h) => h.name)).toEqual(['all', 'critical']);
    expect(bus.handlersFor(errorEvent('info')).map((h) => h.name)).toEqual(['all']);
    expect(bus.subscriptions()).toEqual({
      'system.error': ['all', 'critical'],
      'user.action': ['other'],
    });
  });

  it('returns no handler for an event type nobody subscribed to', () => {
    expect(new EventBus().handlersFor(errorEvent('info'))).toEqual([]);
  });
});
