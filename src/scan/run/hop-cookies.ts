/** The cookies set by the redirects on the way to the page, judged like the page's own. */

import { evaluateCookies } from '../cookies/evaluate.js';
import type { ScanFinding } from '../finding.js';
import { valuesOf, type ReceivedHeader } from '../headers/header-list.js';

/**
 * The cookies set by the redirects of the chain (a session cookie set on the http:// redirect
 * travels in clear): judged like the page's. Only redirects: a final answer is either the page
 * itself, or an http:// page that TRANSPORT-010 already reports as serving the site in clear.
 */
export class HopCookies {
  private readonly answers: Array<{ url: string; setCookies: string[] }> = [];

  constructor(private readonly now: Date | undefined) {}

  readonly judge = (url: string, status: number, headers: readonly ReceivedHeader[]): void => {
    const setCookies = valuesOf(headers, 'Set-Cookie');
    if (status >= 300 && status < 400 && setCookies.length > 0) this.answers.push({ url, setCookies });
  };

  private others(page: URL): Array<{ url: string; setCookies: string[] }> {
    return this.answers.filter((answer) => answer.url !== page.href);
  }

  seen(page: URL): boolean {
    return this.others(page).length > 0;
  }

  findings(page: URL): ScanFinding[] {
    return this.others(page).flatMap(({ url, setCookies }) => {
      const at = new URL(url);
      return evaluateCookies(setCookies, { url: at, https: at.protocol === 'https:', ...(this.now === undefined ? {} : { now: this.now }) }).map((found) => ({ ...found, evidence: `${url}: ${found.evidence}` }));
    });
  }
}

