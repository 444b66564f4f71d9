/** The problems of the AegisConfigError that `build` throws (the built package's class), as `[path, message]` pairs; fails the test when it throws nothing, or something else. */
import { expect } from 'vitest';
import { AegisConfigError } from 'aegis';

export function configProblems(build: () => unknown): Array<[string, string]> {
  let error: unknown;
  try {
    build();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(AegisConfigError);
  return (error as AegisConfigError).problems.map((p) => [p.path, p.message]);
}
