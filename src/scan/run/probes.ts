/**
 * The scan's extra requests beyond the page: CORS probes, the exposure paths, security.txt, TRACE,
 * a foreign Host header, and the source maps of the page's own scripts. Each probe is one bounded
 * request that resolves to findings and, when it got no answer, an error line; none throws.
 */

import { CORS_PROBES } from '../cors/probes.js';
import { evaluateCors, type CorsProbeResult } from '../cors/evaluate.js';
import { evaluateExposure } from '../exposures/evaluate.js';
import { EXPOSURE_PATHS, FOREIGN_HOST, SECURITY_TXT_PATH, TRACE_PROBE } from '../exposures/paths.js';
import { evaluateHostReflection, evaluateTrace } from '../exposures/reflection.js';
import { evaluateSecurityTxt } from '../exposures/security-txt.js';
import { evaluateSourceMap, findSourceMaps } from '../exposures/source-maps.js';
import { fetchOnce, type FetchOutcome } from '../fetch/fetch-once.js';
import type { ScanFinding } from '../finding.js';
import type { PageContent } from '../content/extract.js';
import type { ResolvedScanOptions } from './options.js';
import { serverName } from './page.js';
import { parseUrl } from '../url.js';

/** What one probe produced. */
export interface ProbeOutcome {
  readonly findings: readonly ScanFinding[];
  readonly errors: readonly string[];
}

/** One named probe, ready to run. */
export interface Probe {
  /** The progress step it counts as (several probes may share one). */
  readonly step: string;
  readonly run: () => Promise<ProbeOutcome>;
}

/** Bodies read by probes that only need a signature or a small file. */
const PROBE_BODY_BYTES = 64 * 1024;
/** The page's own scripts read for a source-map reference, at most. */
const MAX_SCRIPTS = 8;
/** Directories of the page's own subresources requested to look for a listing, at most. */
const MAX_DIRECTORIES = 3;

function request(url: URL, options: ResolvedScanOptions, init: { method?: string; headers?: Record<string, string>; maxBodyBytes?: number } = {}): Promise<FetchOutcome> {
  return fetchOnce(url.href, {
    timeoutMs: options.timeoutMs,
    maxBodyBytes: init.maxBodyBytes ?? PROBE_BODY_BYTES,
    servername: serverName(url),
    ...(init.method === undefined ? {} : { method: init.method }),
    ...(init.headers === undefined ? {} : { headers: init.headers }),
  });
}

/** One request judged by `judge`; no answer becomes the error line `<what>: <error>`. */
async function judged(what: string, response: Promise<FetchOutcome>, judge: (answer: Exclude<FetchOutcome, { error: string }>) => ScanFinding[]): Promise<ProbeOutcome> {
  const answer = await response;
  if ('error' in answer) return { findings: [], errors: [`${what}: ${answer.error}`] };
  return { findings: judge(answer), errors: [] };
}

/** The four CORS probes against the page URL, judged together. */
export function corsProbe(page: URL, options: ResolvedScanOptions): Probe {
  return {
    step: 'cors',
    run: async () => {
      const answers = await Promise.all(CORS_PROBES.map((probe) => request(page, options, { method: probe.method, headers: Object.fromEntries(probe.headers), maxBodyBytes: 1024 })));
      const results: CorsProbeResult[] = [];
      const errors: string[] = [];
      answers.forEach((answer, index) => {
        const probe = CORS_PROBES[index];
        if (probe === undefined) return;
        if ('error' in answer) errors.push(`CORS ${probe.name}: ${answer.error}`);
        else results.push({ probe, status: answer.status, headers: answer.headers });
      });
      return { findings: evaluateCors(results), errors };
    },
  };
}

/** The exposure paths, security.txt, TRACE and the foreign Host, each its own probe. */
export function exposureProbes(origin: URL, options: ResolvedScanOptions, now: Date | undefined): Probe[] {
  const at = (path: string): URL => new URL(path, origin);
  return [
    ...EXPOSURE_PATHS.map(({ path }) => ({
      step: 'exposures',
      run: () => judged(`GET ${path}`, request(at(path), options), (answer) => evaluateExposure(path, answer)),
    })),
    {
      step: 'exposures',
      run: () => judged(`GET ${SECURITY_TXT_PATH}`, request(at(SECURITY_TXT_PATH), options), (answer) => evaluateSecurityTxt(answer, now)),
    },
    {
      step: 'exposures',
      run: () => judged(`TRACE ${TRACE_PROBE.path}`, request(at(TRACE_PROBE.path), options, { method: TRACE_PROBE.method, headers: Object.fromEntries(TRACE_PROBE.headers) }), evaluateTrace),
    },
    {
      step: 'exposures',
      run: () => judged(`GET / with Host: ${FOREIGN_HOST}`, request(at('/'), options, { headers: { host: FOREIGN_HOST } }), (answer) => evaluateHostReflection(FOREIGN_HOST, answer)),
    },
  ];
}

/**
 * The page's same-origin scripts (at most {@link MAX_SCRIPTS}), each read for a source-map
 * reference (comment or `SourceMap` header), and every same-origin map found requested. Maps on
 * other origins are not requested: the scan stays on the scanned site.
 */
export function sourceMapProbe(page: URL, content: PageContent, options: ResolvedScanOptions): Probe {
  return {
    step: 'source maps',
    run: async () => {
      const scripts = [...new Set(content.scripts.map((ref) => ref.url).filter((url): url is URL => url !== undefined && url.origin === page.origin).map((url) => url.href))].slice(0, MAX_SCRIPTS);
      const findings: ScanFinding[] = [];
      const errors: string[] = [];
      const maps = new Set<string>();
      for (const script of scripts) {
        const answer = await request(new URL(script), options, { maxBodyBytes: options.maxBodyBytes });
        if ('error' in answer) {
          errors.push(`GET ${script}: ${answer.error}`);
          continue;
        }
        if (answer.status < 200 || answer.status > 299) continue;
        for (const reference of findSourceMaps(Buffer.from(answer.body).toString('utf8'), answer.headers)) {
          const map = parseUrl(reference, script);
          if (map !== undefined && map.origin === page.origin) maps.add(map.href);
        }
      }
      for (const map of maps) {
        const outcome = await judged(`GET ${map}`, request(new URL(map), options, { maxBodyBytes: options.maxBodyBytes }), (answer) => evaluateSourceMap(map, answer));
        findings.push(...outcome.findings);
        errors.push(...outcome.errors);
      }
      return { findings, errors };
    },
  };
}

/**
 * The directories the page's own scripts, stylesheets and images live in (`/static/`,
 * `/assets/js/`…), at most {@link MAX_DIRECTORIES}, nearest the root first, each requested once to
 * look for an automatic index (EXPOSE-004). The root is not requested again: it is the page itself
 * or a probe already.
 */
export function directoryProbes(page: URL, content: PageContent, options: ResolvedScanOptions): Probe[] {
  const directories = new Set<string>();
  for (const ref of [...content.scripts, ...content.stylesheets, ...content.media]) {
    const url = ref.url;
    if (url === undefined || url.origin !== page.origin) continue;
    const directory = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
    if (directory !== '/' && directory !== '') directories.add(directory);
  }
  const nearest = [...directories].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)).slice(0, MAX_DIRECTORIES);
  return nearest.map((directory) => ({
    step: 'exposures',
    run: () => judged(`GET ${directory}`, request(new URL(directory, page.origin), options), (answer) => evaluateExposure(directory, answer)),
  }));
}
