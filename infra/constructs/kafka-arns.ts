import { Fn, Token } from 'aws-cdk-lib';

/**
 * The pieces of an MSK cluster ARN the kafka-cluster IAM resources are built
 * from: `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`.
 * Works on literal ARNs (existing clusters) and on CloudFormation tokens
 * (clusters created by the stack).
 */
export interface KafkaArns {
  readonly cluster: string;
  /** `arn:...:topic/<name>/<uuid>/<topic>` */
  topic(name: string): string;
  /** `arn:...:group/<name>/<uuid>/<group>` */
  group(id: string): string;
  /** `arn:...:transactional-id/<name>/<uuid>/<id>` */
  transactionalId(id: string): string;
}

/**
 * IAM resource ARNs of one MSK cluster's topics, groups and transactional ids.
 *
 * @example
 * ```ts
 * const arns = kafkaArns('arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abc-1');
 * arns.topic('ai.responses'); // 'arn:aws:kafka:eu-west-1:123456789012:topic/demo/abc-1/ai.responses'
 * ```
 */
export const kafkaArns = (clusterArn: string): KafkaArns => {
  let head: string;
  let path: string;
  if (Token.isUnresolved(clusterArn)) {
    // With an assumed length, Fn.split gives one Fn::Select per part.
    [head = '', path = ''] = Fn.split(':cluster/', clusterArn, 2);
  } else {
    const at = clusterArn.indexOf(':cluster/');
    head = clusterArn.slice(0, at);
    path = clusterArn.slice(at + ':cluster/'.length);
  }
  const of = (kind: string, name: string): string => `${head}:${kind}/${path}/${name}`;
  return {
    cluster: clusterArn,
    topic: (name) => of('topic', name),
    group: (id) => of('group', id),
    transactionalId: (id) => of('transactional-id', id),
  };
};
