// bench/browser_first_render.mjs: time to first render of the people list page in Chromium. Each run
// opens a fresh browser context, signs in through the login form (as a person would, which also fills
// the HTTP cache and the app's signed-in hint), then opens a new tab at BASE/#/people and times from the
// start of that navigation until the first row of #people-table is visible. The same is measured, in
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

    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(new URL('/#/people', base).href, { waitUntil: 'commit' });
    await page.locator('#people-table tr.person-row').first().waitFor({ state: 'visible' });
    const wall = performance.now() - t0;
    // The page's own mark (set when the first page of results is in the DOM), from navigation start.
    const mark = await page.evaluate(() => {
      const m = performance.getEntriesByName('people:first-render')[0];
      return m ? m.startTime : null;
    });
    const total = await page.locator('#people-total').getAttribute('data-total');
    return { wall, mark, total: Number(total) };
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
  const results = { main: [], baseline: [], mainMark: [], baselineMark: [] };
  try {
    for (const [, base] of targets) await measure(browser, base, o.user, o.password); // warm-up, untimed
    for (let r = 1; r <= o.runs; r++) {
      // Alternate which goes first so that neither always follows the other.
      const order = r % 2 ? targets : [...targets].reverse();
      for (const [name, base] of order) {
        const m = await measure(browser, base, o.user, o.password);
        results[name].push(m.wall);
        if (m.mark !== null) results[`${name}Mark`].push(m.mark);
        console.log(`run ${r} ${name.padEnd(8)} first row visible after ${m.wall.toFixed(0)} ms` +
          ` (page mark ${m.mark === null ? '-' : m.mark.toFixed(0)} ms; ${m.total} people in scope)`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`RESULT browser.first_render.ms ${median(results.main).toFixed(1)}`);
  if (results.mainMark.length) console.log(`RESULT browser.first_render_mark.ms ${median(results.mainMark).toFixed(1)}`);
  if (results.baseline.length) console.log(`RESULT browser.baseline.ms ${median(results.baseline).toFixed(1)}`);
  if (results.baselineMark.length) console.log(`RESULT browser.baseline_mark.ms ${median(results.baselineMark).toFixed(1)}`);
  console.log(`RESULT browser.runs ${o.runs}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
