import { DEFAULT_DENIED, KNOWN_FEATURES, PERMISSIONS_ORIGIN } from '../../headers/permissions-policy.js';
import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { shown, valuesOf, type ReceivedHeader } from './header-list.js';
import { parseDictionary, type StructuredItem } from './structured-dictionary.js';
import { camelCase } from '../../core/option-case.js';

const NAME = 'Permissions-Policy';
const KNOWN = new Set<string>(KNOWN_FEATURES);
/** Powerful features: the ones Aegis denies by default (hardware, location, payment, screen…). */
const POWERFUL = new Set<string>(DEFAULT_DENIED);
/** As Aegis writes origins, but in any case: sites may send `HTTPS://Example.com`. */
const ORIGIN = new RegExp(PERMISSIONS_ORIGIN.source, 'i');

/** The Aegis option for a feature, e.g. `headers.permissionsPolicy.displayCapture`. */
function option(feature: string): string {
  return `headers.permissionsPolicy.${camelCase(feature)}`;
}

/**
 * Permissions-Policy: a structured-field dictionary `feature=(allowlist)`, where an allowlist holds
 * `*`, `self`, `src` and quoted origins. Browsers ignore the whole header when it does not parse,
 * ignore unknown features and entries they do not understand, and keep the last of a repeated
 * feature. Several header lines are joined with `, ` first.
 * @see https://w3c.github.io/webappsec-permissions-policy/#permissions-policy-http-header-field
 */
export function checkPermissionsPolicy(headers: readonly ReceivedHeader[]): ScanFinding[] {
  const values = valuesOf(headers, NAME);
  if (values.length === 0) {
    return [finding(HEADER_FINDINGS.permissionsMissing, `no ${NAME}`, `deny what the site does not use, e.g. camera=(), geolocation=() (headers.permissionsPolicy; Aegis denies ${DEFAULT_DENIED.length} powerful features by default).`)];
  }
  const parsed = parseDictionary(values.join(', '));
  if (!parsed.ok) {
    return [finding(HEADER_FINDINGS.permissionsSyntax, `${shown(NAME, values)} (${parsed.error})`, 'write feature=(allowlist) members separated by commas, e.g. camera=(), geolocation=(self "https://maps.example.com") (headers.permissionsPolicy builds it).')];
  }
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  for (const [feature, value] of parsed.members) {
    if (seen.has(feature)) findings.push(finding(HEADER_FINDINGS.permissionsDuplicateFeature, `${NAME} ${feature}`, 'list each feature once: browsers keep only the last.'));
    seen.add(feature);
    if (!KNOWN.has(feature)) {
      findings.push(finding(HEADER_FINDINGS.permissionsUnknownFeature, `${NAME} ${feature}`, 'check the spelling against the Permissions Policy feature list; browsers ignore unknown features.'));
      continue;
    }
    const items = value.list ? value.items : [value.item];
    const wildcard = items.some((item) => item.type === 'token' && item.value === '*');
    for (const item of items) {
      if (!understood(item)) {
        findings.push(finding(HEADER_FINDINGS.permissionsInvalidAllowlist, `${NAME} ${feature}=${render(value.list, items)}`, `use (), self, * or quoted origins such as "https://example.com" (${option(feature)}).`));
        break;
      }
    }
    if (wildcard && POWERFUL.has(feature)) {
      findings.push(finding(HEADER_FINDINGS.permissionsPowerfulWildcard, `${NAME} ${feature}=${render(value.list, items)}`, `allow it only where needed: ${option(feature)}: ['self'] or named origins, or [] for nobody.`));
    }
  }
  return findings;
}

function understood(item: StructuredItem): boolean {
  if (item.type === 'token') return ['*', 'self', 'src'].includes(item.value);
  return item.type === 'string' && ORIGIN.test(item.value);
}

function render(list: boolean, items: readonly StructuredItem[]): string {
  const text = items.map((item) => (item.type === 'string' ? `"${item.value}"` : item.value)).join(' ');
  return list ? `(${text})` : text;
}
