import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { unknownKeyFix } from '../core/suggest.js';
import { kebabCase } from '../core/option-case.js';

/**
 * Who may use a feature: `[]` (nobody), `['self']`, `['*']`, or origins such as
 * `['self', 'https://maps.example.com']`. `false` leaves the feature out of the header.
 */
export type PermissionsAllowlist = readonly string[] | false;

/**
 * Features this version accepts: the standardised and proposed features of the Permissions Policy
 * registry that a browser implements on at least one platform. Unknown names are refused, so a
 * typo cannot silently leave a feature allowed. (Chromium on Linux does not recognise
 * `attribution-reporting`, `bluetooth` and `web-share`, and logs a warning when they are sent.)
 * @see https://github.com/w3c/webappsec-permissions-policy/blob/main/features.md
 */
export const KNOWN_FEATURES = [
  'accelerometer',
  'attribution-reporting',
  'autoplay',
  'bluetooth',
  'browsing-topics',
  'camera',
  'compute-pressure',
  'cross-origin-isolated',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'usb',
  'web-share',
  'window-management',
  'xr-spatial-tracking',
] as const;

export type PermissionsFeature = (typeof KNOWN_FEATURES)[number];

/** Feature → allowlist. Keys may be kebab-case (`'display-capture'`) or camelCase (`displayCapture`). */
export type PermissionsPolicyOptions = { [feature: string]: PermissionsAllowlist };

/**
 * Denied by default: features that reach hardware, location, money or the user's screen, which a
 * typical web service never needs and an injected script would love to have. Every name here is
 * recognised by Chromium (checked by the browser tests), so the header causes no console noise.
 */
export const DEFAULT_DENIED: readonly PermissionsFeature[] = [
  'accelerometer',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
];

const FEATURES = new Set<string>(KNOWN_FEATURES);
/** An origin allowed in a Permissions-Policy allowlist: `https://example.com`, `https://*.example.com:8443`. */
export const PERMISSIONS_ORIGIN = /^https?:\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?$/;

/**
 * Validates the options (merged over the default denials) and returns the header value, e.g.
 * `camera=(), geolocation=(self "https://maps.example.com")`; `undefined` when off or empty.
 */
export function compilePermissionsPolicy(options: PermissionsPolicyOptions | false | undefined, problems: Problems, path: string): string | undefined {
  if (options === false) return undefined;
  const features = new Map<string, readonly string[]>(DEFAULT_DENIED.map((name) => [name, []]));
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      problems.add(path, `expected an object of features, got ${show(options)}.`, "write { camera: [], geolocation: ['self'] }, or false.");
      return undefined;
    }
    for (const [key, allowlist] of Object.entries(options)) {
      const name = kebabCase(key);
      if (!FEATURES.has(name)) {
        problems.add(`${path}.${key}`, `unknown feature "${key}".`, unknownKeyFix(name, KNOWN_FEATURES));
        continue;
      }
      if (allowlist === false) features.delete(name);
      else {
        const members = readAllowlist(allowlist, problems, `${path}.${key}`);
        if (members) features.set(name, members);
      }
    }
  }
  if (features.size === 0) return undefined;
  return [...features].map(([name, members]) => `${name}=${renderAllowlist(members)}`).join(', ');
}

function readAllowlist(raw: unknown, problems: Problems, path: string): string[] | undefined {
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array, got ${show(raw)}.`, "write [] for nobody, ['self'], ['*'], or origins like ['self', 'https://example.com'].");
    return undefined;
  }
  const members: string[] = [];
  for (const [index, item] of (raw as unknown[]).entries()) {
    const value = typeof item === 'string' ? item.trim().toLowerCase() : item;
    if (value === 'self' || value === "'self'") members.push('self');
    else if (value === '*' || value === 'src') members.push(value);
    else if (typeof value === 'string' && PERMISSIONS_ORIGIN.test(value)) members.push(`"${value}"`);
    else problems.add(`${path}[${index}]`, `${show(item)} is not 'self', '*', 'src' or an origin.`, "use 'self', '*', or an origin such as 'https://example.com' (no path).");
  }
  if (members.includes('*') && members.length > 1) {
    problems.add(path, "'*' already allows every origin; the other entries are ignored by browsers.", "use '*' alone, or list origins without '*'.");
  }
  return members;
}

function renderAllowlist(members: readonly string[]): string {
  if (members.length === 1 && members[0] === '*') return '*';
  return `(${members.join(' ')})`;
}
