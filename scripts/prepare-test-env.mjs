// Run by `npm test` (pretest): makes sure the Chromium the browser tests drive is installed.
// Present: prints nothing. Missing: as root on Debian/Ubuntu, installs the `chromium` package with
// apt-get (non-interactively); otherwise prints what to do and exits 1, so that the browser tests
// are never skipped silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y chromium';

if (!existsSync(CHROMIUM)) install();

function install() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = onPath('apt-get');
  if (!root || !apt) {
    fail(`${CHROMIUM} is missing and cannot be installed from here (${!apt ? 'apt-get not found' : 'not running as root'}).`);
  }
  console.log(`prepare-test-env: ${CHROMIUM} is missing; installing the Debian package "chromium" for the browser tests:`);
  console.log('  apt-get update -qq && apt-get install -y -qq chromium');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } catch (error) {
    fail(`apt-get failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing.`);
  console.log(`prepare-test-env: installed ${CHROMIUM}.`);
}

/** True when `command` is an executable file in a PATH directory. */
function onPath(command) {
  return (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .some((dir) => existsSync(`${dir}/${command}`));
}

function fail(reason) {
  console.error(`prepare-test-env: ${reason}`);
  console.error(`The browser tests (test/browser) need Chromium at ${CHROMIUM}. Install it, e.g. as root on Debian: ${INSTALL}`);
  process.exit(1);
}
