import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  clusterUuid,
  localClusterArn,
  localFunctionArn,
  nameUuid,
} from '../../../../local/esm/local-arns';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('local ARNs', () => {
  it('reads a KRaft cluster id (a UUID in unpadded base64url) back as that UUID', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const id = Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
        expect(clusterUuid(id, 'x')).toBe(uuid);
      }),
    );
  });

  it('falls back to a stable name-based UUID for any other id, or none', () => {
    expect(clusterUuid('not a kraft id', 'p')).toBe(nameUuid('not a kraft id'));
    expect(clusterUuid(null, 'xseven-events')).toBe(nameUuid('xseven-events'));
    expect(nameUuid('a')).toMatch(UUID);
    expect(nameUuid('a')).toBe(nameUuid('a'));
    expect(nameUuid('a')).not.toBe(nameUuid('b'));
  });

  it("shapes the cluster ARN as MSK's and the function ARN as Lambda's", () => {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    expect(localClusterArn('xseven-events', id)).toBe(
      `arn:aws:kafka:local:000000000000:cluster/xseven-events/${clusterUuid(id, '')}-1`,
    );
    expect(localFunctionArn('conversation-log')).toBe(
      'arn:aws:lambda:local:000000000000:function:conversation-log',
    );
  });
});
