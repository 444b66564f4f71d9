/**
 * The paths `aegis scan` requests to look for files a site should not serve, as data. Short on
 * purpose: each one is commonly left behind by a deployment and recognisable by its content, so a
 * hit is a real finding, not a guess.
 */

/** What a probed file is, which decides how `evaluateExposure` recognises it. */
export type ExposureKind = 'git' | 'env' | 'server-status' | 'ds-store' | 'archive';

/** One path to probe. */
export interface ExposurePath {
  readonly path: string;
  readonly kind: ExposureKind;
  /** Why it is on the list. */
  readonly why: string;
}

/** The paths to request with GET, in order. Directory listings are recognised on any page fetched. */
export const EXPOSURE_PATHS: readonly ExposurePath[] = [
  { path: '/.git/HEAD', kind: 'git', why: 'a deployed checkout: the whole repository (source, history, committed secrets) can be rebuilt from /.git/' },
  { path: '/.env', kind: 'env', why: 'dotenv files hold database URLs, API keys and session secrets' },
  { path: '/server-status', kind: 'server-status', why: "Apache mod_status: every client's address and the URLs being served" },
  { path: '/.DS_Store', kind: 'ds-store', why: 'macOS folder metadata copied with the files: lists file names, hidden ones included' },
  { path: '/backup.zip', kind: 'archive', why: 'the most common name of a site backup left in the web root' },
];

/** The foreign host sent in the `Host` header to look for reflection (`.invalid` is reserved, RFC 6761). */
export const FOREIGN_HOST = 'aegis-scan.invalid';

/** The TRACE probe: a marker header a real echo carries back. */
export const TRACE_PROBE = {
  method: 'TRACE',
  path: '/',
  headers: [['X-Aegis-Scan', 'trace-probe']],
} as const;

/** Where security.txt lives (RFC 9116 §3). */
export const SECURITY_TXT_PATH = '/.well-known/security.txt';
