/**
 * Headless Chromium for tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * browser downloaded by `playwright install`). A missing binary FAILS under CI=true (.ci/run
 * installs it) and lets the test skip elsewhere. The flags keep it off the network and quiet; the
 * profile is fresh each launch: playwright-core makes a temporary --user-data-dir itself (it refuses
 * one in the flags) and removes it when the browser closes.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when Chromium is here; throws under CI=true when it is not (tests must not skip there). */
export function haveChromium(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error(`${CHROMIUM} not found (CI=true): apt-get install -y chromium`);
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
