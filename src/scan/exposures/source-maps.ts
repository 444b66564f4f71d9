import { finding, type ScanFinding } from '../finding.js';
import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';
import { EXPOSURE_FINDINGS } from './findings.js';
import { bodyText, succeeded, type FetchedResponse } from './response.js';

const COMMENT = /(?:\/\/|\/\*)[#@][ \t]*sourceMappingURL=([^\s*]+)/g;

/**
 * The source maps a script points at, as written (relative URLs are resolved by the caller against
 * the script's URL): `//# sourceMappingURL=`, the old `//@` form, `/*# … *\/`, and the `SourceMap`
 * and `X-SourceMap` headers. Inline `data:` maps are skipped (nothing to fetch). No repeats.
 * @see https://tc39.es/source-map/#linking-generated-code
 * @example findSourceMaps('x();\n//# sourceMappingURL=app.js.map', []) // ['app.js.map']
 */
export function findSourceMaps(scriptBody: string, headers: readonly ReceivedHeader[]): string[] {
  const found = [...valuesOf(headers, 'SourceMap'), ...valuesOf(headers, 'X-SourceMap')];
  for (const match of scriptBody.matchAll(COMMENT)) if (match[1] !== undefined) found.push(match[1]);
  return [...new Set(found.filter((url) => url !== '' && !/^data:/i.test(url)))];
}

/**
 * Evaluates the answer to a source map URL found by `findSourceMaps`: a 2xx JSON body with
 * `"version": 3` and a non-empty `sources` list is a served source map (`020`). Anything else (a 404,
 * a soft-404 page, other JSON) gives nothing.
 * @example evaluateSourceMap('https://example.com/app.js.map', response)
 */
export function evaluateSourceMap(url: string, response: FetchedResponse): ScanFinding[] {
  if (!succeeded(response)) return [];
  let map: unknown;
  try {
    map = JSON.parse(bodyText(response).replace(/^\)\]\}'[^\n]*\n/, ''));
  } catch {
    return [];
  }
  if (typeof map !== 'object' || map === null) return [];
  const { version, sources, sourcesContent } = map as { version?: unknown; sources?: unknown; sourcesContent?: unknown };
  if (version !== 3 || !Array.isArray(sources) || sources.length === 0) return [];
  const withContent = Array.isArray(sourcesContent) && sourcesContent.some((content) => typeof content === 'string');
  return [
    finding(
      EXPOSURE_FINDINGS.sourceMap,
      `GET ${url} → ${response.status}, version 3, ${sources.length} source(s)${withContent ? ', sourcesContent included' : ''}`,
      'do not deploy .map files (or serve them only to your error tracker), and drop the sourceMappingURL comment.',
    ),
  ];
}
