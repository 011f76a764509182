/**
 * Idempotent producer sessions (issue #15). A session is one kafkajs
 * producer: one producer id, one sequence number per partition. kafkajs
 * adds a batch's record count to the partition's sequence before a produce
 * request and subtracts it when the request fails, any failure
 * (src/producer/sendMessages.js), also one after which the leader has the
 * batch (a request that timed out waiting for the replicas). The next
 * request of that partition on that session then reuses the sequence
 * numbers of a batch the broker holds: the same record count is answered
 * as a duplicate of the stored batch (acknowledged with its offsets, the
 * new records never written); another count is refused as out of order.
 *
 * So a partition whose last request on a session may have been written
 * ({@link ProducerSessions.taint}) sends its next, different records on a
 * newer session (a new producer id, sequences from 0). A session is
 * replaced, never cut: requests still in flight on it finish there (their
 * re-sends must keep its sequence numbers), and it is disconnected when
 * the last of them lets it go.
 */

/** A producer session a request holds while it runs. */
export interface ProducerSession<P> {
  /** Increasing per {@link ProducerSessions} (logs, tests). */
  readonly id: number;
  /** The connected producer; rejects when it could not be opened (nothing was sent on it). */
  readonly producer: Promise<P>;
}

interface SessionState<P> extends ProducerSession<P> {
  holders: number;
  retired: boolean;
  broken: boolean;
}

/** How sessions are opened and closed. */
export interface SessionFactory<P> {
  /** Opens a new session (a new producer id). */
  readonly open: () => Promise<P>;
  /** Closes a session nothing holds any more. */
  readonly close: (producer: P) => Promise<void>;
}

/**
 * The sessions of one producer: the current one, and retired ones still
 * held by requests in flight.
 *
 * @example
 * ```ts
 * const sessions = new ProducerSessions({ open: connectProducer, close: (p) => p.disconnect() });
 * const session = sessions.acquire('orders\u00000');
 * try {
 *   await (await session.producer).sendBatch(request);
 * } catch (error) {
 *   if (mayHaveWritten(error)) sessions.taint('orders\u00000', session);
 * } finally {
 *   sessions.release(session);
 * }
 * ```
 */
export class ProducerSessions<P> {
  private readonly factory: SessionFactory<P>;
  private current: SessionState<P> | undefined;
  /** Partition key -> id of the current session its last request may have been written on. */
  private readonly tainted = new Map<string, number>();
  private readonly closing = new Set<Promise<void>>();
  private nextId = 1;

  public constructor(factory: SessionFactory<P>) {
    this.factory = factory;
  }

  /**
   * The session the next request of partition `key` goes on, held until
   * {@link release}: the current one, or a new one when `key` is tainted
   * on the current one.
   */
  public acquire(key: string): ProducerSession<P> {
    const taintedOn = this.tainted.get(key);
    if (taintedOn !== undefined) {
      this.tainted.delete(key);
      if (this.current !== undefined && taintedOn === this.current.id) this.retire(this.current);
    }
    return this.hold();
  }

  /**
   * Gives `session` up for the current session, a new one if `session` is
   * still current: after Kafka refused it (producer id, epoch or sequence)
   * or when it could not be opened.
   */
  public replace(session: ProducerSession<P>): ProducerSession<P> {
    const state = session as SessionState<P>;
    if (state === this.current) this.retire(state);
    this.release(session);
    return this.hold();
  }

  /** Partition `key`'s last request on `session` may have been written: its next records go on a newer session. */
  public taint(key: string, session: ProducerSession<P>): void {
    if (session === this.current) this.tainted.set(key, session.id);
  }

  /** Whether `session` could not be opened. */
  public broken(session: ProducerSession<P>): boolean {
    return (session as SessionState<P>).broken;
  }

  /** Lets `session` go; a retired session closes when nothing holds it. */
  public release(session: ProducerSession<P>): void {
    const state = session as SessionState<P>;
    state.holders -= 1;
    if (state.retired && state.holders === 0) this.close(state);
  }

  /** Opens the current session if there is none, and waits until it is connected. */
  public async ready(): Promise<void> {
    const session = this.hold();
    try {
      await session.producer;
    } finally {
      this.release(session);
    }
  }

  /**
   * Retires every session: the idle ones close now (awaited), the ones in
   * use when their last request lets them go. The next request opens a
   * new session.
   */
  public async closeAll(): Promise<void> {
    if (this.current !== undefined) this.retire(this.current);
    await Promise.all([...this.closing]);
  }

  /** The current session's id, if one is open or opening (tests, diagnostics). */
  public get currentId(): number | undefined {
    return this.current?.id;
  }

  private hold(): SessionState<P> {
    const state = this.current ?? this.openSession();
    state.holders += 1;
    return state;
  }

  private openSession(): SessionState<P> {
    const producer = this.factory.open();
    const state: SessionState<P> = {
      id: this.nextId,
      producer,
      holders: 0,
      retired: false,
      broken: false,
    };
    this.nextId += 1;
    this.current = state;
    producer.catch(() => {
      state.broken = true;
      if (this.current === state) this.retire(state);
    });
    return state;
  }

  private retire(state: SessionState<P>): void {
    if (this.current === state) {
      this.current = undefined;
      // Every taint named this session or an older one: the next session starts every partition afresh.
      this.tainted.clear();
    }
    if (state.retired) return;
    state.retired = true;
    if (state.holders === 0) this.close(state);
  }

  private close(state: SessionState<P>): void {
    const closed = state.producer.then(
      (producer) => this.factory.close(producer),
      () => undefined,
    );
    const done = closed.catch(() => undefined);
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
  }
}
