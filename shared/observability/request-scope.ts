import { AsyncLocalStorage } from 'node:async_hooks';

/** Log keys of one request (correlation and trace ids), visible to every line it logs. */
export type RequestKeys = Record<string, string>;

const scope = new AsyncLocalStorage<RequestKeys>();

/**
 * Runs `work` as one request: log keys set during it (by `requestLogContext`)
 * reach only its own log lines. Why: the local gateway serves concurrent
 * requests in one process with one logger per function, where keys appended to
 * the logger itself would label another request's lines. In AWS a container
 * serves one request at a time and needs no scope.
 *
 * @example
 * ```ts
 * const result = await withRequestScope(() => handler(event, context));
 * ```
 */
export const withRequestScope = <T>(work: () => T): T => scope.run({}, work);

/** The keys of the request being served, `undefined` outside {@link withRequestScope}. */
export const requestScopeKeys = (): RequestKeys | undefined => scope.getStore();
