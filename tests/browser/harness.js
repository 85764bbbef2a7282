// tests/browser/harness.js: shared setup of the browser tests: launches the Debian chromium through
// playwright-core, opens pages on a desktop and a phone viewport, collects console errors, signs in
// through the UI and saves screenshots to tests/artifacts/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh context (no cookies) for one viewport. errors collects console errors and page errors.
export async function openPage(browser, vp, baseURL) {
  const context = await browser.newContext({
    baseURL,
    viewport: vp.viewport,
    isMobile: !!vp.isMobile,
    hasTouch: !!vp.hasTouch,
    deviceScaleFactor: vp.deviceScaleFactor || 1,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()} @ ${page.url()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message} @ ${page.url()}`));
  page.on('requestfailed', (req) => {
    const f = req.failure();
    // Navigation away cancels requests on purpose (AbortController); that is not an error.
    if (f && !/ERR_ABORTED|cancel/i.test(f.errorText)) errors.push(`requestfailed: ${req.url()} ${f.errorText}`);
  });
  return { context, page, errors };
}

export async function loginUI(page, username, password) {
  await page.goto('/');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
  await page.locator('.shell .main h1').first().waitFor();
}

// Full-page screenshot, cut at 2400 CSS pixels so that long lists stay viewable.
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // From the top, so that the sticky header and sidebar sit where they belong in the full-page image.
  const { w, h } = await page.evaluate(() => {
    window.scrollTo(0, 0);
    return { w: document.documentElement.clientWidth, h: document.documentElement.scrollHeight };
  });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: w, height: Math.min(h, 2400) } });
}

// Waits until no spinner is left in the main area (every request of the page has answered).
export async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('#main') || document.body;
    return !main.querySelector('.loading') && !main.querySelector('[aria-busy="true"]');
  });
}

// True if the page scrolls sideways (something is wider than the viewport).
export function overflowX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// Open the navigation (a drawer on a phone) and return it.
export async function openNav(page) {
  const menu = page.locator('.menu-btn');
  if (await menu.isVisible()) {
    if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
  }
  return page.locator('#sidenav');
}

// Folds Vietnamese text: lower case, no diacritics, đ -> d.
export function fold(s) {
  return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

// Stops the server and checks that it shut down cleanly (exit 0, no sanitizer report).
export async function stopServer(server) {
  if (!server) return;
  const r = await server.stop();
  if (/AddressSanitizer|LeakSanitizer|runtime error:/.test(r.stderr)) {
    throw new Error(`phongdich serve reported a sanitizer error:\n${r.stderr.slice(0, 4000)}`);
  }
  if (r.code !== 0) throw new Error(`phongdich serve exited with ${r.code ?? r.signal}:\n${r.stderr.slice(0, 2000)}`);
}
