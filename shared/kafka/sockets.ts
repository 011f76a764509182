import type * as Net from 'node:net';
import type * as Tls from 'node:tls';
import { lazy } from '../lazy';

/*
 * node:net and node:tls, required at the first connection our own code
 * opens (a broker probe, a pinned admin), not at init: loading them takes
 * ~1.5 ms and ~1 ms of a Lambda's init here (issue #13 item 6), and kafkajs,
 * which opens every other connection, is loaded at first use as well.
 */

/** `node:net`, on first use. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const net = lazy(() => require('node:net') as typeof Net);

/** `node:tls`, on first use. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const tls = lazy(() => require('node:tls') as typeof Tls);
