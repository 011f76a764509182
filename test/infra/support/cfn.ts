/**
 * A CloudFormation value as text: literal strings as they are, `Fn::Join`
 * joined, `Ref`/`Fn::GetAtt` as `<Name>`, so a test can read an ARN built
 * from tokens (`arn:<AWS::Partition>:execute-api:...`).
 */
export const cfnText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(cfnText).join(sep);
  }
  return JSON.stringify(value);
};

/** One IAM policy statement of a template. */
export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect: string;
}

/** The statements of an AWS::IAM::Policy or AWS::IAM::ManagedPolicy. */
export const statementsOf = (policy: { Properties: Record<string, unknown> }): Statement[] =>
  (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;

/** The actions of a statement, as a list. */
export const actionsOf = (s: Statement): string[] =>
  Array.isArray(s.Action) ? s.Action : [s.Action];

/** The resources of a statement, as text (see {@link cfnText}). */
export const resourceTexts = (s: Statement): string[] =>
  (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(cfnText);
