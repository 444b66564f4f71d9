import { parseHsts, type ParsedHsts } from '../transport/hsts.js';

/** The value-less HSTS directives, with their usual spelling. */
const FLAGS = [
  ['includeSubDomains', 'includeSubDomains'],
  ['preload', 'preload'],
] as const satisfies ReadonlyArray<readonly [keyof ParsedHsts, string]>;

/**
 * How a served Strict-Transport-Security header differs from the expected one, as a browser reads
 * both ({@link parseHsts}, RFC 6797): by `max-age`, `includeSubDomains` and `preload`, whatever
 * their order, spelling case, quoting or extra `;`. Unknown directives are ignored, as browsers
 * ignore them; of several served fields only the first counts, as in browsers. A served value
 * browsers ignore is one difference, naming why.
 * @param expected the policy's value
 * @param served every value the site sent, in order
 * @returns one phrase per difference (`max-age: expected 63072000, served 300`); empty when equivalent
 * @see https://www.rfc-editor.org/rfc/rfc6797#section-6.1
 * @example hstsDifferences('max-age=63072000; includeSubDomains', ['includesubdomains; MAX-AGE="63072000"']) // []
 */
export function hstsDifferences(expected: string, served: readonly string[]): string[] {
  const want = parseHsts([expected]);
  const got = parseHsts(served);
  if (!got.valid) {
    const why = got.problems.find((problem) => problem.fatal)?.message ?? 'no value';
    return [`served value is ignored by browsers (${why})`];
  }
  const differences: string[] = [];
  if (want.maxAge !== got.maxAge) differences.push(`max-age: expected ${want.maxAge ?? 'none'}, served ${got.maxAge}`);
  for (const [flag, name] of FLAGS) {
    if (want[flag] && !got[flag]) differences.push(`served lacks ${name}`);
    else if (!want[flag] && got[flag]) differences.push(`served adds ${name}`);
  }
  return differences;
}
