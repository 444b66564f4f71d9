/**
 * The report's one style sheet and its CSP hash. The document allows exactly this `<style>` element
 * (`style-src 'sha256-…'`) and nothing else, so the hash is computed here from the same string the
 * document embeds, once, when the module loads. ASCII only, so that the UTF-8 bytes the browser
 * hashes are the characters below.
 */

import { createHash } from 'node:crypto';

/**
 * Grades and severities are told apart by text everywhere (the letter, "high"); colour only adds to
 * it. Badges, chips and bars keep their colours in print (`print-color-adjust: exact`).
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --link: #0550ae;
  --track: #e6eaef; --code-bg: #eff2f5; --alert-bg: #fff1f0; --alert-line: #b3261e;
  --g-ap: #0b6e2e; --g-a: #1a7f37; --g-am: #4a6f0a; --g-b: #7a5c00; --g-c: #9c4a00;
  --g-d: #b3261e; --g-e: #94201a; --g-f: #6e0f0f; --g-x: #59636e;
  --s-high: #b3261e; --s-medium: #9c4a00; --s-low: #2f5e8e; --s-info: #59636e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --link: #71b7ff;
    --track: #2a313c; --code-bg: #1f2630; --alert-bg: #2d1416; --alert-line: #f47067;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; max-width: 1160px; padding: 24px 20px 48px;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h4 { display: inline; font-size: 1rem; margin: 0; }
a { color: var(--link); }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; }
.muted { color: var(--muted); }
.tool { color: var(--muted); margin: 0 0 20px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--line); font-size: 0.85rem; color: var(--muted); }
tbody th { font-weight: 600; white-space: nowrap; }
td code, dd code { overflow-wrap: anywhere; }
table.certificate tbody th { width: 13em; }
table.tls-versions tbody th { width: 7em; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.target { margin-top: 36px; padding-top: 20px; border-top: 3px solid var(--line); }
.target-head { display: flex; gap: 20px; align-items: center; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0 0; color: var(--muted); }
.facts strong { color: var(--fg); }
.badge, .chip, .sev, .bar {
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.badge {
  flex: none; width: 96px; height: 96px; border-radius: 18px; display: flex; align-items: center; justify-content: center;
  color: #ffffff; font-size: 2.6rem; font-weight: 700; letter-spacing: -0.02em;
}
.chip {
  display: inline-block; min-width: 2.6em; padding: 1px 6px; border-radius: 6px; text-align: center;
  color: #ffffff; font-weight: 700; font-size: 0.85rem;
}
.g-ap { background: var(--g-ap); fill: var(--g-ap); }
.g-a { background: var(--g-a); fill: var(--g-a); }
.g-am { background: var(--g-am); fill: var(--g-am); }
.g-b { background: var(--g-b); fill: var(--g-b); }
.g-c { background: var(--g-c); fill: var(--g-c); }
.g-d { background: var(--g-d); fill: var(--g-d); }
.g-e { background: var(--g-e); fill: var(--g-e); }
.g-f { background: var(--g-f); fill: var(--g-f); }
.g-x { background: var(--g-x); fill: var(--g-x); }
.sev {
  display: inline-block; min-width: 5.2em; padding: 1px 6px; border-radius: 6px; text-align: center;
  color: #ffffff; font-size: 0.78rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em;
}
.sev-high { background: var(--s-high); }
.sev-medium { background: var(--s-medium); }
.sev-low { background: var(--s-low); }
.sev-info, .sev-x { background: var(--s-info); }
.categories td { vertical-align: middle; }
.bar { display: block; width: 100%; min-width: 120px; height: 12px; }
.bar-track { fill: var(--track); }
.not-scanned { color: var(--muted); font-style: italic; }
.caps li, .errors li { margin: 4px 0; }
.finding-group { margin: 10px 0; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); }
.finding-group > summary { cursor: pointer; padding: 8px 12px; }
.findings { list-style: none; margin: 0; padding: 0 12px 4px; }
.finding { padding: 10px 0; border-top: 1px solid var(--line); }
.finding-head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.finding-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.85rem; }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 6px 0 0; }
.finding dt { color: var(--muted); font-size: 0.85rem; }
.finding dd { margin: 0; }
.evidence {
  display: block; white-space: pre-wrap; overflow-wrap: anywhere; padding: 4px 8px; border-radius: 4px; background: var(--code-bg);
}
.unreachable { margin: 14px 0; padding: 12px 16px; border: 2px solid var(--alert-line); border-left-width: 8px; border-radius: 6px; background: var(--alert-bg); }
.unreachable p:first-child { font-weight: 700; font-size: 1.1rem; }
.chain { margin: 6px 0; padding-left: 1.6em; }
.chain li { margin: 4px 0; overflow-wrap: anywhere; }
.warn { color: var(--s-medium); font-weight: 600; }
.bad { color: var(--s-high); font-weight: 700; }
.headers-list > summary { cursor: pointer; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media (max-width: 720px) {
  .target-head { flex-direction: column; align-items: flex-start; }
  .bar { min-width: 60px; }
}
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --panel: #ffffff; --line: #bbbbbb; --link: #000000; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  .target { break-before: page; border-top: 0; }
  .target:first-of-type, .summary + .target { break-before: auto; }
  .finding, tr, .unreachable { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; }
  summary { list-style: none; }
}
`;

/** The CSP source that allows {@link REPORT_CSS}: `'sha256-<base64>'` of its UTF-8 bytes. */
export const REPORT_STYLE_SOURCE = `'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'`;

/**
 * The report's Content-Security-Policy: nothing may load or run except the one style element.
 * No `script-src`: it falls back to `default-src 'none'`, so no script runs even if markup slipped
 * through. `img-src data:` admits only inline images (the blank favicon).
 */
export const REPORT_CSP = `default-src 'none'; style-src ${REPORT_STYLE_SOURCE}; img-src data:; base-uri 'none'; form-action 'none'`;
