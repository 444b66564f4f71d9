import { finding, type ScanFinding } from '../finding.js';
import { EXPOSURE_FINDINGS } from './findings.js';
import { EXPOSURE_PATHS, type ExposureKind } from './paths.js';
import { bodyText, excerpt, looksLikeHtml, succeeded, type FetchedResponse } from './response.js';

const GIT_HEAD = /^(?:ref: refs\/\S+|[0-9a-f]{40}(?:[0-9a-f]{24})?)\s*$/;
const ENV_LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=/;
const APACHE_STATUS = /<title>\s*Apache Status\s*<\/title>|<h1>\s*Apache Server Status for/i;
const NGINX_STATUS = /^Active connections: \d+\s*\n\s*server accepts handled requests/;
const LISTING = /<title>\s*Index of \/|<h1>\s*Index of \/|\[To Parent Directory\]|<title>\s*Directory listing for \//i;
const DS_STORE = '\u0000\u0000\u0000\u0001Bud1';
/** ZIP local-file header, or the end record of an empty archive. */
const ZIP_SIGNATURES = ['PK\u0003\u0004', 'PK\u0005\u0006'];

/**
 * Evaluates the answer to one probe of `EXPOSURE_PATHS` (or any other page fetched, for directory
 * listings) and returns the findings. A file is reported only when its **content** is recognised,
 * never on status alone, so a soft 404 (a 200 page for every path) gives nothing:
 *
 * - `/.git/HEAD`: `ref: refs/…` or a bare commit id (`001`);
 * - `/.env`: not HTML, and every non-blank, non-comment line is `KEY=value` (`002`); the evidence
 *   names the keys, never a value;
 * - `/server-status`: Apache mod_status HTML, or nginx `stub_status` text (`003`);
 * - any path: an "Index of /…" page (Apache, nginx), IIS "[To Parent Directory]", or Python's
 *   "Directory listing for /" (`004`);
 * - `/.DS_Store`: the `Bud1` signature (`005`); `/backup.zip`: a ZIP signature (`006`).
 *
 * Only 2xx answers are read.
 * @see https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information
 * @example evaluateExposure('/.git/HEAD', { status: 200, headers: [], body: 'ref: refs/heads/main\n' })
 */
export function evaluateExposure(path: string, response: FetchedResponse): ScanFinding[] {
  if (!succeeded(response)) return [];
  const text = bodyText(response);
  const findings: ScanFinding[] = [];
  const kind: ExposureKind | undefined = EXPOSURE_PATHS.find((entry) => entry.path === path)?.kind;
  const kindFinding = kind === undefined ? undefined : recognise(kind, path, text, response);
  if (kindFinding) findings.push(kindFinding);
  if (LISTING.test(text.slice(0, 4096))) {
    findings.push(finding(EXPOSURE_FINDINGS.directoryListing, `GET ${path} → ${response.status}, "${excerpt(text.match(LISTING)?.[0] ?? '')}"`, 'turn off automatic indexes (Apache `Options -Indexes`, nginx `autoindex off`).'));
  }
  return findings;
}

function recognise(kind: ExposureKind, path: string, text: string, response: FetchedResponse): ScanFinding | undefined {
  const seen = `GET ${path} → ${response.status}`;
  switch (kind) {
    case 'git':
      return GIT_HEAD.test(text)
        ? finding(EXPOSURE_FINDINGS.gitRepository, `${seen}, "${excerpt(text)}"`, 'deploy a build, not a checkout, or deny every path under /.git/ at the server.')
        : undefined;
    case 'env': {
      const keys = envKeys(text, response);
      return keys
        ? finding(EXPOSURE_FINDINGS.envFile, `${seen}, ${keys.length} KEY=value line(s): ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`, 'keep .env out of the web root (deny dotfiles at the server) and rotate every secret it held.')
        : undefined;
    }
    case 'server-status': {
      const match = APACHE_STATUS.exec(text) ?? NGINX_STATUS.exec(text);
      return match
        ? finding(EXPOSURE_FINDINGS.serverStatus, `${seen}, "${excerpt(match[0])}"`, 'restrict the status page to localhost or an admin network (`Require local`, `allow 127.0.0.1`).')
        : undefined;
    }
    case 'ds-store':
      return text.startsWith(DS_STORE) ? finding(EXPOSURE_FINDINGS.dsStore, `${seen}, Bud1 signature`, 'delete .DS_Store files from the deployment and deny dotfiles at the server.') : undefined;
    case 'archive':
      return ZIP_SIGNATURES.some((signature) => text.startsWith(signature)) ? finding(EXPOSURE_FINDINGS.backupArchive, `${seen}, ZIP signature`, 'move backups out of the web root.') : undefined;
  }
}

/** The keys of a body that is a dotenv file, or `undefined` when it is not one (HTML, prose, nothing). */
function envKeys(text: string, response: FetchedResponse): string[] | undefined {
  if (looksLikeHtml(response)) return undefined;
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const keys: string[] = [];
  for (const line of lines) {
    const key = ENV_LINE.exec(line)?.[1];
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys.length > 0 ? keys : undefined;
}
