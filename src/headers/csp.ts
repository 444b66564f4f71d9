import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { unknownKeyFix } from '../core/suggest.js';
import { checkObject, readBoolean } from '../core/read-option.js';
import type { Profile } from '../core/profile.js';
import {
  DIRECTIVES,
  REPORTING_DIRECTIVES,
  RETIRED_DIRECTIVES,
  type CspDirectives,
} from './csp-directives.js';
import { checkSource, checkToken } from './csp-sources.js';
import { kebabCase } from '../core/option-case.js';

/**
 * Content-Security-Policy options.
 * @see https://www.w3.org/TR/CSP3/
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Content_Security_Policy_Cheat_Sheet.html
 */
export interface CspOptions {
  /**
   * Directives merged over the strict defaults, one directive at a time; `false` removes one.
   * Defaults: `default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none';
   * form-action 'self'; script-src 'nonce-…' 'strict-dynamic'`, plus `upgrade-insecure-requests`
   * in production.
   */
  directives?: CspDirectives;
  /** Start from the strict defaults (`true`, the default) or from no directives at all. */
  useDefaults?: boolean;
  /** Send `Content-Security-Policy-Report-Only`: violations are reported, nothing is blocked. Default `false`. */
  reportOnly?: boolean;
  /**
   * Where the fresh per-request nonce is inserted. Default `{ scripts: true, styles: false }`.
   * The nonce is also given to the application (`res.locals.cspNonce`, `context.cspNonce`).
   */
  nonce?: { scripts?: boolean; styles?: boolean };
}

/** The CSP compiled once: the header name and a template that only needs the nonce. */
export interface CompiledCsp {
  readonly headerName: 'Content-Security-Policy' | 'Content-Security-Policy-Report-Only';
  /** `headerName` in lower case. */
  readonly lowerName: string;
  /** Header value for secure requests, split where the nonce goes: `template.join(nonce)` is the value. */
  readonly template: readonly string[];
  /**
   * The same for plain-HTTP requests: without `report-to`. Browsers ignore `Reporting-Endpoints`
   * on insecure pages and, when a policy names a `report-to` group, they also skip `report-uri` —
   * so a plain page would report nothing at all. Without `report-to`, it reports via `report-uri`.
   */
  readonly plainTemplate: readonly string[];
  /** The resolved directives (nonce shown as `'nonce-{nonce}'`), for exporters and checks. */
  readonly directives: ReadonlyMap<string, readonly string[]>;
}

/** What the reporting setup contributes to every policy (resolved once for the whole policy). */
export interface CspReportTargets {
  /** Value for `report-uri`. */
  readonly uri: string;
  /** Reporting API endpoint name for `report-to` (declared in `Reporting-Endpoints`). */
  readonly group: string;
}

const NONCE_SLOT = '\u0000nonce\u0000';

/** The CSP header value for one request: the secure or plain template with this request's nonce. */
export function renderCsp(csp: CompiledCsp, secure: boolean, nonce: string): string {
  const template = secure ? csp.template : csp.plainTemplate;
  // One nonce slot (script-src) is the common case: two concatenations instead of a join.
  return template.length === 2 ? (template[0] as string) + nonce + (template[1] as string) : template.join(nonce);
}
const NONCE_SOURCE = `'nonce-${NONCE_SLOT}'`;

const DEFAULT_DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'self'"]],
  ['base-uri', ["'self'"]],
  ['object-src', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
  ['form-action', ["'self'"]],
  ['script-src', ["'strict-dynamic'"]],
];

const KNOWN_OPTIONS = ['directives', 'useDefaults', 'reportOnly', 'nonce'];

/**
 * Validates CSP options and compiles the header once. Problems are added to `problems` under
 * `path`; the result is `undefined` when the header is turned off or invalid.
 */
export function compileCsp(
  options: CspOptions | false | undefined,
  context: { profile: Profile; problems: Problems; path: string; reporting: CspReportTargets | undefined },
): CompiledCsp | undefined {
  if (options === false) return undefined;
  const { problems, path } = context;
  const opts: CspOptions = options ?? {};
  if (!checkObject(opts, KNOWN_OPTIONS, problems, path, '{ directives: { … } }, or false to turn the header off')) return undefined;
  const nonce = opts.nonce ?? {};
  const nonceOk = checkObject(nonce, ['scripts', 'styles'], problems, `${path}.nonce`, '{ scripts: true, styles: false }');
  const nonceScripts = nonceOk && readBoolean(nonce.scripts, true, problems, `${path}.nonce.scripts`);
  const nonceStyles = nonceOk && readBoolean(nonce.styles, false, problems, `${path}.nonce.styles`);
  const useDefaults = readBoolean(opts.useDefaults, true, problems, `${path}.useDefaults`);
  const reportOnly = readBoolean(opts.reportOnly, false, problems, `${path}.reportOnly`);

  const directives = new Map<string, string[]>();
  if (useDefaults) {
    for (const [name, values] of DEFAULT_DIRECTIVES) directives.set(name, [...values]);
    if (context.profile === 'production') directives.set('upgrade-insecure-requests', []);
  }
  applyUserDirectives(directives, opts.directives, problems, `${path}.directives`);

  insertNonce(directives, 'script-src', nonceScripts, problems, `${path}.nonce.scripts`);
  insertNonce(directives, 'style-src', nonceStyles, problems, `${path}.nonce.styles`);

  if (directives.size === 0) {
    problems.add(`${path}.directives`, 'the policy has no directives left.', 'keep useDefaults: true, add directives, or set the header to false.');
  }
  if (context.reporting) directives.set('report-uri', [context.reporting.uri]);
  const plainValue = render(directives);
  if (context.reporting) directives.set('report-to', [context.reporting.group]);
  const value = render(directives);
  const headerName = reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy';
  return {
    headerName,
    lowerName: headerName.toLowerCase(),
    template: value.split(NONCE_SLOT),
    plainTemplate: plainValue.split(NONCE_SLOT),
    directives: new Map([...directives].map(([name, values]) => [name, values.map((v) => v.replace(NONCE_SLOT, '{nonce}'))])),
  };
}

function render(directives: ReadonlyMap<string, readonly string[]>): string {
  return [...directives].map(([name, values]) => (values.length ? `${name} ${values.join(' ')}` : name)).join('; ');
}

function applyUserDirectives(target: Map<string, string[]>, given: CspDirectives | undefined, problems: Problems, path: string): void {
  if (given === undefined) return;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.add(path, `expected an object of directives, got ${show(given)}.`, "write directives as { scriptSrc: [\"'self'\"] }.");
    return;
  }
  for (const [key, raw] of Object.entries(given as Record<string, unknown>)) {
    const name = kebabCase(key);
    const at = `${path}.${key}`;
    const kind = DIRECTIVES.get(name);
    if (!kind) {
      reportUnknownDirective(name, key, problems, at);
      continue;
    }
    if (raw === false || raw === undefined) {
      target.delete(name);
      continue;
    }
    if (kind === 'flag') {
      if (raw === true) target.set(name, []);
      else problems.add(at, `expected true or false, got ${show(raw)}.`, `write ${key}: true.`);
      continue;
    }
    if (!Array.isArray(raw)) {
      problems.add(at, `expected an array of strings, got ${show(raw)}.`, `write ${key}: ["'self'"] (one source per item).`);
      continue;
    }
    const values = checkValues(name, kind, raw as unknown[], problems, at);
    if (values) target.set(name, values);
  }
}

function checkValues(name: string, kind: 'sources' | 'tokens', raw: unknown[], problems: Problems, at: string): string[] | undefined {
  let ok = true;
  raw.forEach((value, index) => {
    const problem = kind === 'sources' ? checkSource(value) : checkToken(name, value);
    if (problem) {
      problems.add(`${at}[${index}]`, problem[0], problem[1]);
      ok = false;
    }
  });
  if (!ok) return undefined;
  const values = raw as string[];
  if (kind === 'sources') {
    if (values.length === 0) {
      problems.add(at, 'an empty source list.', `write ["'none'"] to allow nothing, or false to remove the directive.`);
      return undefined;
    }
    if (values.some((v) => v.toLowerCase() === "'none'") && values.length > 1) {
      problems.add(at, "'none' is combined with other sources, so browsers ignore it.", "use 'none' alone, or drop it.");
      return undefined;
    }
  }
  return values.map((v) => (v.startsWith("'") && !v.startsWith("'sha") ? v.toLowerCase() : v));
}

function reportUnknownDirective(name: string, key: string, problems: Problems, at: string): void {
  const retired = RETIRED_DIRECTIVES[name];
  if (retired) problems.add(at, `"${name}" is no longer part of CSP.`, retired);
  else if (REPORTING_DIRECTIVES.has(name)) {
    problems.add(at, `"${name}" is managed by Aegis.`, 'configure it with the top-level reporting option (path, or url for an external collector).');
  } else problems.add(at, `unknown CSP directive "${key}".`, unknownKeyFix(name, [...DIRECTIVES.keys()]));
}

/** Puts the nonce first in `name`, creating the directive from default-src when it is absent. */
function insertNonce(directives: Map<string, string[]>, name: string, enabled: boolean, problems: Problems, path: string): void {
  if (!enabled) return;
  const current = directives.get(name) ?? directives.get('default-src');
  if (!current) {
    problems.add(path, `the nonce goes into ${name}, but neither ${name} nor default-src is set.`, `set ${name} in directives, or turn this nonce off.`);
    return;
  }
  const rest = current.filter((v) => v !== "'none'");
  directives.set(name, [NONCE_SOURCE, ...rest]);
}
