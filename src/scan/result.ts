/**
 * The result of `aegis scan`, as the library returns it and as `--format json` prints it: plain JSON
 * (no Dates, no class instances), so `JSON.stringify(report)` is the JSON output. The shape is
 * versioned ({@link SCAN_SCHEMA_VERSION}) and published as `docs/scan-result.schema.json`.
 */

import type { ScanFinding } from './finding.js';
import type { ScanCategory } from './grade/categories.js';
import type { ScanGrade } from './grade/score.js';
import type { ReceivedHeader } from './headers/header-list.js';
import type { TlsVersionName } from './tls/versions.js';
import type { RedirectHop } from './transport/redirect-chain.js';

/**
 * Version of the JSON shape. The major part changes when a field is removed or changes meaning;
 * the minor part when fields are added.
 */
export const SCAN_SCHEMA_VERSION = '1.0';

/** A finding as reported: the check's finding plus the category it is graded in. */
export interface ReportedFinding extends ScanFinding {
  readonly category: ScanCategory;
}

/** One TLS protocol version as the sweep saw it. */
export interface ReportedVersion {
  readonly accepted: boolean;
  /** The probe got no usable answer: `accepted: false` then means "unknown". */
  readonly error?: string;
  /** Accepted: the suite the server chose from the full list. */
  readonly preferred?: string;
  /** Accepted: the suites it accepts, in the server's order of choice. */
  readonly ciphers?: readonly string[];
  /** Accepted: false when the cipher enumeration was cut short (then `ciphers` is partial). */
  readonly ciphersComplete?: boolean;
}

/** The certificate as the scan read it (dates as ISO 8601 strings). */
export interface ReportedCertificate {
  readonly trusted: boolean;
  readonly authorizationError?: string;
  readonly hostnameMatch: boolean;
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** Whole days until `validTo` (negative once expired). */
  readonly daysLeft: number;
  readonly keyType: string;
  readonly keyBits?: number;
  readonly signatureAlgorithm: string;
  readonly ocspStapled: boolean;
  readonly alpn: string | false;
}

/** The key exchange groups the server accepts, each offered alone (testssl.sh's "elliptic curves offered"). */
export interface ReportedGroups {
  /** The version they were offered at: `TLSv1.3`, or `TLSv1.2` (elliptic curves only) when the server speaks no TLS 1.3. */
  readonly version: 'TLSv1.3' | 'TLSv1.2';
  /** The accepted groups by IANA name (e.g. `x25519`, `secp256r1`, `ffdhe2048`, `X25519MLKEM768`), in the scan's table order. */
  readonly accepted: readonly string[];
  /** False when the enumeration was cut short (then `accepted` is partial, and `error` says why). */
  readonly complete: boolean;
  readonly error?: string;
}

/** What the TLS sweep found, for the report. */
export interface ReportedTls {
  readonly host: string;
  readonly port: number;
  readonly versions: Readonly<Record<TlsVersionName, ReportedVersion>>;
  /** The key exchange groups accepted. */
  readonly groups?: ReportedGroups;
  readonly certificate: ReportedCertificate | { readonly error: string };
}

/** The page the scan judged: the final answer of the scanned URL. */
export interface ReportedPage {
  /** The URL that answered (after same-origin redirects). */
  readonly url: string;
  readonly status: number;
  /** Response headers in received order (Set-Cookie values are hidden). */
  readonly headers: readonly ReceivedHeader[];
}

/** One difference between what the site serves and what the expected Aegis policy would send. */
export interface DriftEntry {
  /** The header (lower-case), e.g. `content-security-policy`. */
  readonly header: string;
  /** `missing`: the policy sends it, the site does not; `unexpected`: the reverse; `different`: both, other values. */
  readonly kind: 'missing' | 'unexpected' | 'different';
  /** What the policy would send (absent for `unexpected`). */
  readonly expected?: string;
  /** What the site served (absent for `missing`). */
  readonly served?: string;
  /** Which part differs, in one line (e.g. `script-src: served lacks 'strict-dynamic'`). */
  readonly detail: string;
}

/** The grade of one target: what `gradeScan` returns (docs/scan-grading.md). */
export type ReportedGrade = ScanGrade;

/** The scan of one URL. */
export interface ScanResult {
  /** The URL as given (normalised by the URL parser). */
  readonly target: string;
  /** `scanned`: graded; `unreachable`: the page could not be fetched at all (see `error`). */
  readonly outcome: 'scanned' | 'unreachable';
  /** Why the target is unreachable. */
  readonly error?: string;
  /** ISO 8601 start time. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** The categories looked at; the others are not graded (e.g. `tls` for a site that never reaches https://). */
  readonly categoriesScanned: readonly ScanCategory[];
  /** Absent when unreachable. */
  readonly grade?: ReportedGrade;
  /** Every finding, grouped by category in report order, worst first within a category. */
  readonly findings: readonly ReportedFinding[];
  /** The redirect chain from the http:// entry point (empty when it was not probed). */
  readonly redirects: readonly RedirectHop[];
  /** Whether the chain qualifies for the browsers' HSTS preload list, and every rule it breaks. */
  readonly hstsPreload?: { readonly eligible: boolean; readonly reasons: readonly string[] };
  readonly page?: ReportedPage;
  readonly tls?: ReportedTls;
  /** Present when a policy was given to compare with (`--expect`): every difference, empty when none. */
  readonly drift?: readonly DriftEntry[];
  /** Probes that got no usable answer, one line each (they are also findings where a check covers them). */
  readonly errors: readonly string[];
}

/** The whole output of one `aegis scan` run. */
export interface ScanReport {
  readonly schemaVersion: typeof SCAN_SCHEMA_VERSION;
  readonly tool: { readonly name: 'aegis'; readonly version: string };
  readonly results: readonly ScanResult[];
}
