// Regenerates docs/images/scan-report.png, the screenshot of the HTML scan report in the docs: the
// fully scanned fixture (test/helpers/scan-reports.ts) rendered by formatScanHtml in headless
// Chromium, full page, 1200 px wide, light colour scheme.
//
// The fixture and the formatter are TypeScript and there is no TypeScript runner besides vitest in
// the dev dependencies (no tsx), so the screenshot is taken by the browser test itself when
// AEGIS_SCREENSHOT=1; this script runs only that test with the variable set. It needs neither the
// build nor dist/.
//
//   node scripts/scan-report-screenshot.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const output = join(root, 'docs', 'images', 'scan-report.png');

if (!existsSync(vitest)) {
  console.error(`scan-report-screenshot: ${vitest} is missing; run npm install first.`);
  process.exit(1);
}
const run = spawnSync(process.execPath, [vitest, 'run', 'test/integration/scan-report-html.test.ts', '-t', 'docs screenshot'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AEGIS_SCREENSHOT: '1' },
});
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(`scan-report-screenshot: wrote ${output}`);
