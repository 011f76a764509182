import { checkEnvironment, ENV_VARIABLES } from '../../../shared/platform/env';

// checkEnvironment validates only the variables that are set (a function's
// init builds no schema of an unset one): that is the same check as long as
// an unset variable is never an error.
describe('the environment contract', () => {
  it.each(ENV_VARIABLES.map((v) => [v.name, v] as const))(
    '%s may be unset (it has a default or is optional)',
    (_name, variable) => {
      expect(variable.schema.safeParse(undefined).success).toBe(true);
    },
  );

  it('accepts an empty environment', () => {
    expect(() => checkEnvironment(ENV_VARIABLES, {})).not.toThrow();
  });

  it('builds a variable schema once, when first read', () => {
    const [first] = ENV_VARIABLES;
    expect(first?.schema).toBe(first?.schema);
  });
});
