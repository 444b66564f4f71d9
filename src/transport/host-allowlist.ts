import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { parseHost, type ParsedHost } from './host-syntax.js';

/**
 * The hosts a service answers for. Entries:
 * - `example.com` — that name, on any port;
 * - `example.com:8443` — that name on that port only;
 * - `*.example.com` — any subdomain at any depth (`a.example.com`, `a.b.example.com`), not the apex;
 * - `127.0.0.1`, `[::1]` or `::1` — an IP literal; IP literals are refused unless listed.
 *
 * `false` turns the allowlist off (a malformed, missing or duplicate Host is still refused).
 */
export type HostsOption = readonly string[] | false;

/** The allowlist compiled once: lookups are a Set probe plus a short suffix scan. */
export interface HostAllowlist {
  /** True when `host` may be served. */
  allows(host: ParsedHost): boolean;
  /** The entries as given, for exporters and checks. */
  readonly entries: readonly string[];
}

/** Hosts allowed when none are configured outside production. */
export const LOCAL_HOSTS: readonly string[] = ['localhost', '*.localhost', '127.0.0.1', '[::1]'];

/** Validates the entries and compiles the allowlist. */
export function compileHostAllowlist(entries: readonly string[], problems: Problems, path: string): HostAllowlist {
  const anyPort = new Set<string>();
  const withPort = new Set<string>();
  const suffixes: Array<{ suffix: string; port: number | undefined }> = [];
  entries.forEach((entry, index) => {
    const at = `${path}[${index}]`;
    if (typeof entry !== 'string') {
      problems.add(at, `${show(entry)} is not a host name.`, "write a name such as 'example.com' or '*.example.com'.");
      return;
    }
    if (entry === '*' || entry === '.*') {
      problems.add(at, 'a bare wildcard allows every host, which defeats the allowlist.', 'list your domains, or set hosts: false to turn the check off explicitly.');
      return;
    }
    const wildcard = entry.startsWith('*.');
    const text = wildcard ? entry.slice(2) : entry;
    const parsed = parseHost(text.includes(':') && !text.startsWith('[') && text.split(':').length > 2 ? `[${text}]` : text);
    if (!parsed || (wildcard && parsed.ip) || text.includes('*')) {
      problems.add(at, `${JSON.stringify(entry)} is not a host pattern.`, "use 'example.com', 'example.com:8443', '*.example.com' or an IP such as '127.0.0.1' or '[::1]'.");
      return;
    }
    if (wildcard) suffixes.push({ suffix: `.${parsed.hostname}`, port: parsed.port });
    else if (parsed.port === undefined) anyPort.add(parsed.hostname);
    else withPort.add(`${parsed.hostname}:${parsed.port}`);
  });
  return {
    entries: [...entries],
    allows(host) {
      if (anyPort.has(host.hostname)) return true;
      if (host.port !== undefined && withPort.has(`${host.hostname}:${host.port}`)) return true;
      if (host.ip) return false;
      for (const { suffix, port } of suffixes) {
        if (host.hostname.endsWith(suffix) && (port === undefined || port === host.port)) return true;
      }
      return false;
    },
  };
}
