// What the browser tests share: Debian's Chromium, the screenshot folder, the first owner, first-run setup.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Running } from '../test/helpers/cli.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = resolve(import.meta.dirname, '../test-output/screenshots');
export const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Sato Hanako', seller: 'Hanako Shop 株式会社' };

/** Whether the browser tests can run here; says why not, once per test file. */
export function haveChromium(testFile: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.warn(`${basename(testFile)} skipped: ${CHROMIUM} does not exist (apt-get install chromium fonts-noto-cjk)`);
  return false;
}

/** Launches Debian's Chromium with the flags this machine's closed network needs. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** The one-time setup token the hub printed in its log. */
export function setupTokenOf(hub: Running): string | undefined {
  return /setup token\)\s+(\S+?)"/.exec(hub.output())?.[1];
}

/** Opens a new hub's console, completes first-run setup in English with the logged token, waits for Home. */
export async function completeSetup(page: Page, hub: Running, owner = OWNER): Promise<void> {
  await page.goto(hub.url);
  await page.waitForURL('**/setup');
  const token = setupTokenOf(hub);
  if (!token) throw new Error('no setup token in the server log');
  await page.getByLabel('Setup token').fill(token);
  await page.getByLabel('Seller name').fill(owner.seller);
  await page.getByLabel('Your name').fill(owner.name);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
}
