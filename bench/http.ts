import { request } from 'node:http';
import type { Agent } from 'node:http';

export { freePort } from '../test/support/local-process';

/** POSTs a JSON body on a keep-alive agent; rejects unless the answer is 200. */
export const postJson = (agent: Agent, url: string, payload: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`batch route answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
