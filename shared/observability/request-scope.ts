import { AsyncLocalStorage } from 'node:async_hooks';

/** Log keys of one request (correlation and trace ids), visible to every line it logs. */
export type RequestKeys = Record<string, string>;

const scope = new AsyncLocalStorage<RequestKeys>();
let inFlight = 0;

const leave = (): void => {
  inFlight -= 1;
  // Nothing in flight: node turns the promise hooks off again (AsyncLocalStorage#disable).
  if (inFlight === 0) scope.disable();
};

/**
 * Runs `work` as one request: log keys set during it (by `requestLogContext`)
 * reach only its own log lines. Why: the local gateway serves concurrent
 * requests in one process with one logger per function, where keys appended to
 * the logger itself would label another request's lines. In AWS a container
 * serves one request at a time and needs no scope.
 *
 * Only a request that starts while another is in flight gets a scope: one
 * served alone is served as in a Lambda container (its keys on the logger,
 * removed when it is answered), and a scoped request's own keys override
 * them on its lines. Why: while any AsyncLocalStorage is in use, node 20
 * runs a hook for every promise of the process, kafkajs' included, ~5% of
 * the gateway's CPU per single-event request (issue #13 item 2).
 *
 * @example
 * ```ts
 * const result = await withRequestScope(() => handler(event, context));
 * ```
 */
export const withRequestScope = async <T>(work: () => Promise<T>): Promise<T> => {
  inFlight += 1;
  try {
    return await (inFlight > 1 ? scope.run({}, work) : work());
  } finally {
    leave();
  }
};

/** The keys of the request being served, `undefined` outside a scope of {@link withRequestScope}. */
export const requestScopeKeys = (): RequestKeys | undefined => scope.getStore();
