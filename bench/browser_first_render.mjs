// bench/browser_first_render.mjs: time to first render of the people list page in Chromium. Each run
// opens a fresh browser context, signs in through the login form (as a person would, which also fills
// the HTTP cache and the app's signed-in hint), then opens a new tab at BASE/#/people and times from the
// start of that navigation (the document's time origin) until the animation frame that first shows a
// row of #people-table (a MutationObserver installed before the page's scripts notices the row; the next
// requestAnimationFrame is the frame that paints it). The wall time seen by this script (which adds
// Playwright's own latency) is printed beside it. The same is measured, in
// the same run and alternating with it, against a baseline server (the same page over a small
// registry), so the figure shows what the size of the registry costs.
// Usage: node bench/browser_first_render.mjs --url URL --baseline-url URL --user U --password P [--runs 5]
// Prints one line per run and `RESULT key value` lines with the medians (milliseconds).
import { createRequire } from 'node:module';

// playwright-core is installed for the tests (tests/node_modules), not for bench/.
const require = createRequire(new URL('../tests/package.json', import.meta.url));
const { chromium } = require('playwright-core');

function args() {
  const out = { runs: 5, chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i].replace(/^--/, '');
    out[k.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = a[++i];
  }
  out.runs = Number(out.runs);
  if (!out.url || !out.user || !out.password) {
    console.error('usage: node bench/browser_first_render.mjs --url URL [--baseline-url URL] --user U --password P [--runs 5]');
    process.exit(2);
  }
  return out;
}

const median = (v) => {
  const s = [...v].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One measurement on the server at base: fresh context, sign in, new tab, time #/people to first row.
async function measure(browser, base, user, password) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
  context.setDefaultTimeout(30000);
  try {
    const login = await context.newPage();
    await login.goto('/#/login');
    await login.locator('#login-username').fill(user);
    await login.locator('#login-password').fill(password);
    await login.locator('#login-submit').click();
    await login.locator('.shell .main h1').first().waitFor();

    await context.addInitScript(() => {
      const seen = () => {
        const row = document.querySelector('#people-table tr.person-row');
        if (!row || !row.getClientRects().length) return false;
        requestAnimationFrame(() => { if (window.__pdFirstRow === undefined) window.__pdFirstRow = performance.now(); });
        return true;
      };
      const mo = new MutationObserver(() => { if (seen()) mo.disconnect(); });
      mo.observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(new URL('/#/people', base).href, { waitUntil: 'commit' });
    await page.locator('#people-table tr.person-row').first().waitFor({ state: 'visible' });
    const wall = performance.now() - t0;
    await page.waitForFunction(() => window.__pdFirstRow !== undefined);
    // From navigation start (time origin): the frame showing the first row, and the page's own mark
    // (set by page-people.js when the first page of results is in the DOM).
    const frame = await page.evaluate(() => window.__pdFirstRow);
    const mark = await page.evaluate(() => {
      const m = performance.getEntriesByName('people:first-render')[0];
      return m ? m.startTime : null;
    });
    const total = await page.locator('#people-total').getAttribute('data-total');
    return { frame, wall, mark, total: Number(total) };
  } finally {
    await context.close();
  }
}

async function main() {
  const o = args();
  const browser = await chromium.launch({
    executablePath: o.chromium,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const targets = [['main', o.url]];
  if (o.baselineUrl) targets.push(['baseline', o.baselineUrl]);
  const results = { main: [], baseline: [], mainWall: [], baselineWall: [] };
  try {
    for (const [, base] of targets) await measure(browser, base, o.user, o.password); // warm-up, untimed
    for (let r = 1; r <= o.runs; r++) {
      // Alternate which goes first so that neither always follows the other.
      const order = r % 2 ? targets : [...targets].reverse();
      for (const [name, base] of order) {
        const m = await measure(browser, base, o.user, o.password);
        results[name].push(m.frame);
        results[`${name}Wall`].push(m.wall);
        console.log(`run ${r} ${name.padEnd(8)} first row painted ${m.frame.toFixed(0)} ms after navigation start` +
          ` (seen by the script after ${m.wall.toFixed(0)} ms; page mark ${m.mark === null ? '-' : m.mark.toFixed(0)} ms;` +
          ` ${m.total} people in scope)`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`RESULT browser.first_render.ms ${median(results.main).toFixed(1)}`);
  console.log(`RESULT browser.first_render_wall.ms ${median(results.mainWall).toFixed(1)}`);
  if (results.baseline.length) {
    console.log(`RESULT browser.baseline.ms ${median(results.baseline).toFixed(1)}`);
    console.log(`RESULT browser.baseline_wall.ms ${median(results.baselineWall).toFixed(1)}`);
  }
  console.log(`RESULT browser.runs ${o.runs}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
