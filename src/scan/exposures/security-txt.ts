import { finding, type ScanFinding } from '../finding.js';
import { EXPOSURE_FINDINGS } from './findings.js';
import { SECURITY_TXT_PATH } from './paths.js';
import { bodyText, excerpt, looksLikeHtml, succeeded, type FetchedResponse } from './response.js';

/** The fields RFC 9116 defines (names are case-insensitive; others are extensions and ignored). */
const URI_FIELDS = ['acknowledgments', 'canonical', 'contact', 'encryption', 'hiring', 'policy'] as const;
const FIELD_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):[ \t]*(.*)$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
const SIGNED_START = '-----BEGIN PGP SIGNED MESSAGE-----';
const YEAR_MS = 365 * 86_400_000;

const FIX_EXPIRES = 'set `Expires:` once, as an RFC 3339 date less than a year ahead, and renew it before it passes.';

/**
 * Evaluates the answer to `GET /.well-known/security.txt`: no 2xx answer, or an HTML page (a soft
 * 404), is a missing file (`010`, low); otherwise the text is checked by `parseSecurityTxt`.
 * @see https://www.rfc-editor.org/rfc/rfc9116#section-3
 * @example evaluateSecurityTxt({ status: 404, headers: [], body: '' }) // [AEGIS-SCAN-EXPOSE-010]
 */
export function evaluateSecurityTxt(response: FetchedResponse, now: Date = new Date()): ScanFinding[] {
  if (!succeeded(response) || looksLikeHtml(response)) {
    return [finding(EXPOSURE_FINDINGS.securityTxtMissing, `GET ${SECURITY_TXT_PATH} → ${response.status}${succeeded(response) ? ', an HTML page' : ''}`, `publish ${SECURITY_TXT_PATH} with at least Contact and Expires (RFC 9116).`)];
  }
  return parseSecurityTxt(bodyText(response), now);
}

/**
 * Checks a security.txt file (RFC 9116) and returns its findings; a valid file with a future
 * `Expires` gives none. Rules:
 *
 * - each line is blank, a `#` comment, or `Name: value`; anything else is `011`;
 * - `Contact` is required, one or more (`012`, medium: without it the file is useless);
 * - `Expires` is required (`013`), exactly once (`017`), an RFC 3339 date-time (`018`), in the
 *   future (`014`, medium), and should be less than a year ahead (`015`);
 * - `Preferred-Languages` at most once (`017`), a comma-separated list of language tags (`018`);
 * - `Contact`, `Encryption`, `Acknowledgments`, `Canonical`, `Policy`, `Hiring` are URIs, and web
 *   URIs must be `https://` (`018`);
 * - a PGP cleartext-signed file is unwrapped and noted (`016`); the signature is not verified.
 *
 * Unknown fields are extensions: ignored, as the RFC asks.
 * @see https://www.rfc-editor.org/rfc/rfc9116
 * @example parseSecurityTxt('Contact: mailto:security@example.com\nExpires: 2030-01-01T00:00:00Z\n', new Date('2029-06-01'))
 */
export function parseSecurityTxt(text: string, now: Date = new Date()): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const signed = text.trimStart().startsWith(SIGNED_START);
  if (signed) findings.push(finding(EXPOSURE_FINDINGS.securityTxtSigned, SIGNED_START, 'none needed; the scanner does not check the signature.'));
  const fields = new Map<string, Array<{ value: string; line: number }>>();
  unsign(text, signed).forEach(({ text: line, number }) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = FIELD_LINE.exec(line);
    if (!match) {
      findings.push(finding(EXPOSURE_FINDINGS.securityTxtInvalidLine, `line ${number}: "${excerpt(line)}"`, 'write each line as `Field: value`, or start it with `#` for a comment.'));
      return;
    }
    const name = (match[1] ?? '').toLowerCase();
    const list = fields.get(name) ?? [];
    list.push({ value: (match[2] ?? '').trim(), line: number });
    fields.set(name, list);
  });
  const invalid = (evidence: string, fix: string): void => {
    findings.push(finding(EXPOSURE_FINDINGS.securityTxtInvalidValue, evidence, fix));
  };

  if (!fields.has('contact')) findings.push(finding(EXPOSURE_FINDINGS.securityTxtNoContact, 'no Contact field', 'add `Contact: mailto:security@…` (or an https:// form).'));
  for (const name of URI_FIELDS) {
    for (const { value, line } of fields.get(name) ?? []) {
      const problem = uriProblem(value);
      if (problem) invalid(`line ${line}: ${fieldName(name)}: ${excerpt(value)} (${problem})`, `write ${fieldName(name)} as a URI; web URIs must start with https://.`);
    }
  }

  const expires = fields.get('expires') ?? [];
  if (expires.length === 0) findings.push(finding(EXPOSURE_FINDINGS.securityTxtNoExpires, 'no Expires field', FIX_EXPIRES));
  if (expires.length > 1) findings.push(finding(EXPOSURE_FINDINGS.securityTxtRepeated, `Expires appears ${expires.length} times (lines ${expires.map((e) => e.line).join(', ')})`, FIX_EXPIRES));
  const first = expires[0];
  if (first) {
    const time = DATE_TIME.test(first.value) ? Date.parse(first.value) : Number.NaN;
    const evidence = `line ${first.line}: Expires: ${excerpt(first.value)}`;
    if (Number.isNaN(time)) invalid(`${evidence} (not an RFC 3339 date-time)`, FIX_EXPIRES);
    else if (time <= now.getTime()) findings.push(finding(EXPOSURE_FINDINGS.securityTxtExpired, `${evidence} (now ${now.toISOString()})`, FIX_EXPIRES));
    else if (time - now.getTime() > YEAR_MS) findings.push(finding(EXPOSURE_FINDINGS.securityTxtFarExpiry, `${evidence} (now ${now.toISOString()})`, FIX_EXPIRES));
  }

  const languages = fields.get('preferred-languages') ?? [];
  if (languages.length > 1) findings.push(finding(EXPOSURE_FINDINGS.securityTxtRepeated, `Preferred-Languages appears ${languages.length} times (lines ${languages.map((l) => l.line).join(', ')})`, 'write Preferred-Languages once, as a comma-separated list.'));
  for (const { value, line } of languages) {
    if (!value.split(',').every((tag) => LANGUAGE_TAG.test(tag.trim()))) invalid(`line ${line}: Preferred-Languages: ${excerpt(value)} (not a list of language tags)`, 'write Preferred-Languages as language tags separated by commas, e.g. `en, fr`.');
  }
  return findings;
}

/** The lines to read, numbered from 1 in the file: the signed message without its armour, or all. */
function unsign(text: string, signed: boolean): Array<{ text: string; number: number }> {
  const lines = text.split(/\r?\n/).map((line, index) => ({ text: line, number: index + 1 }));
  if (!signed) return lines;
  const start = lines.findIndex((line) => line.text.startsWith(SIGNED_START));
  const blank = lines.findIndex((line, index) => index > start && line.text.trim() === '');
  const end = lines.findIndex((line) => line.text.startsWith('-----BEGIN PGP SIGNATURE-----'));
  return lines.slice(blank + 1, end < 0 ? undefined : end).map((line) => ({ ...line, text: line.text.replace(/^- /, '') }));
}

/** Why `value` is not an acceptable URI, or `undefined`. */
function uriProblem(value: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'not a URI';
  if (scheme === 'http') return 'http://, not https://';
  return undefined;
}

/** The RFC's spelling of a field name. */
function fieldName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
