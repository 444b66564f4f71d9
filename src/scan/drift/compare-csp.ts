import { SOURCE_DIRECTIVES } from '../../headers/csp-directives.js';
import { parseCsp } from '../csp/parse.js';

const SOURCE_LISTS: ReadonlySet<string> = new Set(SOURCE_DIRECTIVES);
const NONCE = /^'nonce-/i;
const HASH = /^'sha(?:256|384|512)-/i;

/**
 * One source or token, in the form two equivalent values share: any nonce is `'nonce-…'`;
 * keywords are case-insensitive; a hash keeps its (case-sensitive) base64 value; a host source
 * has its scheme and host lower-cased but not its path; `sandbox` tokens are case-insensitive.
 */
function normalise(directive: string, value: string): string {
  if (NONCE.test(value)) return "'nonce-…'";
  if (HASH.test(value)) return value.slice(0, 8).toLowerCase() + value.slice(8);
  if (value.startsWith("'") || directive === 'sandbox') return value.toLowerCase();
  if (!SOURCE_LISTS.has(directive)) return value;
  const scheme = value.indexOf('://');
  const slash = value.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  return slash === -1 ? value.toLowerCase() : value.slice(0, slash).toLowerCase() + value.slice(slash);
}

/** Normalised value → the value as written (the first one), in order. */
function valueSet(directive: string, values: readonly string[]): Map<string, string> {
  const set = new Map<string, string>();
  for (const value of values) {
    const key = normalise(directive, value);
    if (!set.has(key)) set.set(key, value);
  }
  return set;
}

/** The differences between two parsed policies, one phrase per directive. */
function directiveDifferences(expected: ReadonlyMap<string, readonly string[]>, served: ReadonlyMap<string, readonly string[]>): string[] {
  const differences: string[] = [];
  for (const [name, values] of expected) {
    const servedValues = served.get(name);
    if (servedValues === undefined) {
      differences.push(`${name}: served lacks the directive`);
      continue;
    }
    const want = valueSet(name, values);
    const got = valueSet(name, servedValues);
    const lacks = [...want].filter(([key]) => !got.has(key)).map(([, value]) => value);
    const adds = [...got].filter(([key]) => !want.has(key)).map(([, value]) => value);
    const parts = [...(lacks.length ? [`lacks ${lacks.join(' ')}`] : []), ...(adds.length ? [`adds ${adds.join(' ')}`] : [])];
    if (parts.length) differences.push(`${name}: served ${parts.join(', ')}`);
  }
  for (const name of served.keys()) if (!expected.has(name)) differences.push(`${name}: served adds the directive`);
  return differences;
}

/**
 * How a served Content-Security-Policy (or `-Report-Only`) differs from the expected one, directive
 * by directive, as browsers parse both ({@link parseCsp}): directive names and keywords are
 * case-insensitive, the order of sources inside a directive does not matter, nor does a repeated
 * source, and every nonce equals every other (each response has its own). A header carrying
 * several policies (`,`) is compared policy by policy, in order.
 * @param expected the policy's value (one header)
 * @param served every value the site sent for this header, in order (joined with `,` as browsers do)
 * @returns one phrase per difference (`script-src: served lacks 'strict-dynamic'`); empty when the two are equivalent
 * @see https://www.w3.org/TR/CSP3/#parse-response-csp
 * @example cspDifferences("script-src 'self' https://a.example", ["script-src https://A.example 'self'"]) // []
 */
export function cspDifferences(expected: string, served: readonly string[]): string[] {
  const want = parseCsp(expected);
  const got = parseCsp(served.join(','));
  const several = want.length > 1 || got.length > 1;
  const differences: string[] = [];
  for (let index = 0; index < Math.max(want.length, got.length); index++) {
    const prefix = several ? `policy ${index + 1}: ` : '';
    const wanted = want[index];
    const seen = got[index];
    if (!wanted) differences.push(`${prefix}served adds the policy`);
    else if (!seen) differences.push(`${prefix}served lacks the policy`);
    else differences.push(...directiveDifferences(wanted.directives, seen.directives).map((difference) => prefix + difference));
  }
  return differences;
}
