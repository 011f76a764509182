import { parseInfraConfig } from '../../../infra/config';
import { InfraConfigError } from '../../../infra/errors';
import {
  loadPlatformDefinition,
  platformDefinitionInput,
  PlatformDefinitionError,
} from '../../../shared/platform';
import type { PlatformDefinitionInput } from '../../../shared/platform';

/** A mutable copy of the shipped definition, as written. */
export const shippedDefinition = (): PlatformDefinitionInput =>
  structuredClone(platformDefinitionInput) as unknown as PlatformDefinitionInput;

/** The problems the definition loader reports; fails when it accepts the input. */
export const definitionProblems = (input: PlatformDefinitionInput): readonly string[] => {
  try {
    loadPlatformDefinition(input);
  } catch (error) {
    if (error instanceof PlatformDefinitionError) return error.problems;
    throw error;
  }
  throw new Error('expected the definition to be rejected');
};

/** The problems the CDK context validation reports; fails when it accepts the input. */
export const contextProblems = (input: Record<string, unknown>): readonly string[] => {
  try {
    parseInfraConfig(input);
  } catch (error) {
    if (error instanceof InfraConfigError) return error.details.problems as string[];
    throw error;
  }
  throw new Error('expected an InfraConfigError');
};
