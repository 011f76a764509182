import { createHash } from 'node:crypto';

/**
 * The region and account of the local runtime's ARNs: there is no AWS
 * account locally, and these can never be mistaken for a real one.
 */
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

const formatUuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/**
 * A name-based UUID (RFC 4122 version 5 layout: SHA-1 of the name): the
 * same name always gives the same UUID.
 *
 * @example
 * ```ts
 * nameUuid('xseven-conversation-log'); // stable across runs
 * ```
 */
export const nameUuid = (name: string): string => {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
};

/**
 * The UUID of a local cluster, from the id its brokers report
 * (DescribeCluster): a KRaft cluster id is a UUID in unpadded base64url
 * (22 characters), read back as such; any other id (or none) gives a
 * name-based UUID of `fallback`.
 *
 * @example
 * ```ts
 * clusterUuid('AAECAwQFBgcICQoLDA0ODw'); // '00010203-0405-0607-0809-0a0b0c0d0e0f'
 * ```
 */
export const clusterUuid = (clusterId: string | null | undefined, fallback: string): string => {
  if (clusterId && /^[A-Za-z0-9_-]{22}$/.test(clusterId))
    return formatUuid(Buffer.from(clusterId, 'base64url').toString('hex'));
  return nameUuid(clusterId || fallback);
};

/**
 * The ARN every local event source mapping of one cluster carries, shaped
 * as MSK's `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>-<n>`
 * (AWS's cluster ARNs end in a UUID and a number, e.g.
 * `.../cluster/SalesCluster/abcd1234-abcd-cafe-abab-9876543210ab-4` in
 * Powertools' sample event): in AWS all mappings of a cluster carry its
 * ARN, whatever consumer or topic they read.
 *
 * @example
 * ```ts
 * localClusterArn('xseven-events', 'AAECAwQFBgcICQoLDA0ODw');
 * // 'arn:aws:kafka:local:000000000000:cluster/xseven-events/00010203-0405-0607-0809-0a0b0c0d0e0f-1'
 * ```
 */
export const localClusterArn = (name: string, clusterId: string | null | undefined): string =>
  `arn:aws:kafka:${LOCAL_REGION}:${LOCAL_ACCOUNT}:cluster/${name}/${clusterUuid(clusterId, name)}-1`;

/**
 * The unqualified ARN of a local function (a consumer, by its name).
 *
 * @example
 * ```ts
 * localFunctionArn('conversation-log'); // 'arn:aws:lambda:local:000000000000:function:conversation-log'
 * ```
 */
export const localFunctionArn = (name: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
