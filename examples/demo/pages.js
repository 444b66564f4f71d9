/**
 * The HTML of the demo site, as plain template strings (no template engine, nothing to install).
 *
 * Every page is served with Aegis' default Content-Security-Policy, which only lets an inline
 * `<script>` run when it carries this response's nonce, and allows styles, images and `fetch()`
 * from the site's own origin only (`default-src 'self'`). That is why the pages use a stylesheet
 * file instead of inline `style` attributes.
 */

/** Text the home page's nonce'd script writes; the browser test looks for it. */
export const SCRIPT_RAN_TEXT = 'This line was written by an inline script that carried the nonce.';

/** Text the home page shows once `/api/status` has answered. */
export const API_OK_TEXT = 'The JSON API answered: status ok.';

/** What `/blocked` shows while its script has not run (that is: always, when CSP works). */
export const BLOCKED_TEXT = 'Blocked: the inline script on this page has no nonce, so the browser refused to run it.';

/** What the script without a nonce would write; seeing it means CSP did not protect the page. */
export const NOT_BLOCKED_TEXT = 'The script without a nonce ran: this page is NOT protected by CSP!';

/** A small stylesheet, served from the site itself (`/style.css`), which `default-src 'self'` allows. */
export const STYLESHEET = `body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
code { background: #f2f2f2; padding: 0 .25em; }
.result { border-left: 4px solid #2a7; padding-left: .75rem; }
.warning { border-left: 4px solid #c33; padding-left: .75rem; }
`;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The common page frame. */
function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/**
 * `/`: an inline script that runs because its `nonce` attribute equals the nonce in this
 * response's Content-Security-Policy header. It rewrites a line of text and calls the JSON API.
 * @param {string} nonce the per-request nonce (`res.locals.cspNonce`)
 */
export function homePage(nonce) {
  return layout(
    'Aegis demo',
    `<p>Every response of this site carries security headers set by Aegis. Open the developer tools to see them.</p>
<p id="script-result" class="result">If you can read this, the inline script did not run.</p>
<p id="api-result" class="result">Waiting for <code>/api/status</code>…</p>
<ul>
<li><a href="/api/status"><code>/api/status</code></a>: a JSON API route.</li>
<li><a href="/blocked"><code>/blocked</code></a>: an inline script without a nonce, blocked by the browser.</li>
</ul>
<script nonce="${escapeHtml(nonce)}">
  document.getElementById('script-result').textContent = ${JSON.stringify(SCRIPT_RAN_TEXT)};
  fetch('/api/status')
    .then((response) => response.json())
    .then((status) => {
      document.getElementById('api-result').textContent = 'The JSON API answered: status ' + status.status + '.';
    })
    .catch((error) => {
      document.getElementById('api-result').textContent = 'The JSON API failed: ' + error.message;
    });
</script>`,
  );
}

/**
 * `/blocked`: an inline script WITHOUT the nonce. The browser refuses to run it, so the warning
 * text stays as it is, and reports the violation to Aegis' built-in endpoint
 * (`/_aegis/csp-report`), which the demo logs as a `csp.violation` event. Over HTTPS the browser
 * sends it through the Reporting API (`report-to`); over plain HTTP, where browsers ignore
 * `Reporting-Endpoints`, Aegis leaves `report-to` out so that `report-uri` is used instead.
 */
export function blockedPage() {
  return layout(
    'Blocked inline script',
    `<p id="verdict" class="warning">${escapeHtml(BLOCKED_TEXT)}</p>
<p>The browser also reports the violation to <code>/_aegis/csp-report</code>, and the server prints it as a <code>csp.violation</code> line.</p>
<p><a href="/">Back to the home page</a></p>
<script>
  document.getElementById('verdict').textContent = ${JSON.stringify(NOT_BLOCKED_TEXT)};
</script>`,
  );
}
