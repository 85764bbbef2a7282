// tests/browser/risk.test.js: the risk-level map ("Cấp độ dịch", #/levels) on a desktop and a phone over
// the demo database, week 2021-W46. Every commune of the demo district is drawn in the colour of its
// level, checked on the PIXELS of a screenshot (decoded by risk-png.js) at each commune's square, against
// the level printed by the CLI (`phongdich risk --db DB --week 2021-W46 --json`) on the same database;
// the table beside the map shows the same figures; the map has more than one colour; the print layout
// hides the navigation; the district official publishes the week and the page says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, startServer } from '../lib/server.js';
import { launch, openPage, loginUI, shot, settled, openNav, overflowX, VIEWPORTS, stopServer } from './harness.js';
import { decodePng, hexRgb } from './risk-png.js';

const WEEK = '2021-W46';
// The fixed level colours of the product (web/js/page-risk-common.js), as the rules name them:
// green, yellow, orange, red.
const COLORS = { 1: '#2e7d32', 2: '#fbc02d', 3: '#ef6c00', 4: '#c62828' };
let server;
let browser;
let db;
let cli; // the CLI's rows for WEEK
let accounts;

before(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-risk-ui-'));
  db = path.join(dir, 'demo.db');
  const demo = await run(['demo', '--db', db, '--seed', '1', '--json'], { timeoutMs: 600000 });
  assert.equal(demo.code, 0, demo.stderr);
  accounts = Object.fromEntries(JSON.parse(demo.stdout).accounts.map((a) => [a.username, a]));
  const r = await run(['risk', '--db', db, '--week', WEEK, '--json']);
  assert.equal(r.code, 0, r.stderr);
  cli = JSON.parse(r.stdout);
  server = await startServer({ db, demo: false });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const near = (a, b, tol = 24) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

async function openMap(page) {
  const nav = await openNav(page);
  await nav.getByText('Cấp độ dịch').click();
  await page.locator('#risk-body[data-state="ready"]').waitFor();
  await page.locator('#risk-week').fill(WEEK);
  await page.locator('#risk-week').dispatchEvent('change');
  await page.waitForFunction((w) => location.hash.includes(`week=${w}`) && document.querySelector('#risk-body')?.dataset.state === 'ready', WEEK);
  await settled(page);
}

// Samples the screenshot of the map at a point inside each commune's square (away from its label).
async function checkPixels(page, rows) {
  const map = page.locator('#risk-map svg');
  await map.scrollIntoViewIfNeeded();
  const boxes = await page.evaluate(() => {
    const svg = document.querySelector('#risk-map svg').getBoundingClientRect();
    return {
      svg: { x: svg.x, y: svg.y },
      cells: [...document.querySelectorAll('#risk-map .risk-cell')].map((r) => {
        const b = r.getBoundingClientRect();
        return { code: r.dataset.code, x: b.x - svg.x, y: b.y - svg.y, w: b.width, h: b.height };
      }),
      dpr: window.devicePixelRatio,
    };
  });
  const png = decodePng(await map.screenshot());
  const seen = new Set();
  for (const row of rows) {
    const cell = boxes.cells.find((c) => c.code === row.unit_code);
    assert.ok(cell, `${row.unit_code} ${row.unit_name} is drawn on the map`);
    assert.ok(cell.w >= 10 && cell.h >= 10, `${row.unit_code}: a visible square`);
    const want = hexRgb(COLORS[row.level]);
    for (const [fx, fy] of [[0.12, 0.12], [0.88, 0.12], [0.12, 0.88]]) {
      const px = png.pixel((cell.x + cell.w * fx) * boxes.dpr, (cell.y + cell.h * fy) * boxes.dpr);
      assert.ok(near(px, want), `${row.unit_code} (${row.unit_name}) level ${row.level}: pixel ${px} should be ${want}`);
    }
    seen.add(row.level);
  }
  assert.equal(boxes.cells.length, rows.length, 'one square per commune');
  return seen;
}

for (const vp of VIEWPORTS) {
  test(`the map colours every commune by its level, and the table agrees with the CLI (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'xem', accounts.xem.password); // a viewer: aggregates only
      await openMap(page);
      assert.equal(cli.length, 8, 'the CLI lists the 8 demo communes');
      const seen = await checkPixels(page, cli);
      assert.ok(seen.size >= 2, `more than one colour on the map: ${[...seen]}`);
      const rows = await page.locator('#risk-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        code: tr.dataset.code, level: Number(tr.dataset.level),
        pop: tr.querySelector('.risk-pop').textContent, cases: tr.querySelector('.risk-cases').textContent,
        badge: tr.querySelector('.risk-level-cell').textContent })));
      const fmt = new Intl.NumberFormat('vi-VN');
      assert.deepEqual(rows.map((r) => r.code), cli.map((r) => r.unit_code));
      rows.forEach((r, i) => {
        assert.equal(r.level, cli[i].level, `${r.code} level`);
        assert.equal(r.pop, fmt.format(cli[i].population), `${r.code} population`);
        assert.equal(r.cases, fmt.format(cli[i].cases), `${r.code} cases`);
        assert.match(r.badge, new RegExp(`Cấp ${cli[i].level}.*dự kiến`));
      });
      assert.match(await page.locator('#risk-status').textContent(), /dự kiến/);
      assert.match(await page.locator('#risk-xlsx').getAttribute('href'), /\/api\/risk\/report\.xlsx\?week=2021-W46/);
      assert.equal(await page.locator('#risk-publish').count(), 0, 'a viewer cannot publish');
      assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
      await shot(page, `risk-map-${vp.name}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('print layout: the map and the table without the navigation', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'xem', accounts.xem.password);
    await openMap(page);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#sidenav').isVisible(), false);
    assert.equal(await page.locator('#risk-publish, .page-actions').first().isVisible(), false);
    assert.ok(await page.locator('#risk-map svg').isVisible());
    assert.ok(await page.locator('#risk-table').isVisible());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the district official publishes the week; the page then shows it as published', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'huyen', accounts.huyen.password);
    await openMap(page);
    page.once('dialog', (d) => d.accept());
    await page.locator('#risk-publish').click();
    await page.waitForFunction(() => /đã công bố\./.test(document.querySelector('#risk-status')?.textContent || ''));
    await settled(page);
    const badges = await page.locator('#risk-table tbody .risk-level-cell').allTextContents();
    assert.equal(badges.length, 8);
    assert.ok(badges.every((b) => !/dự kiến/.test(b)), 'published rows are no longer marked dự kiến');
    const after = JSON.parse((await run(['risk', '--db', db, '--week', WEEK, '--json'])).stdout);
    assert.ok(after.every((r) => r.status === 'published'));
    assert.deepEqual(after.map((r) => r.level), cli.map((r) => r.level));
    await checkPixels(page, after);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
  // The public map, without an account, shows the published week in the same colours.
  const pub = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await pub.page.goto('/#/cap-do?unit=058');
    await pub.page.locator('#public-risk-body[data-state="ready"]').waitFor();
    assert.match(await pub.page.locator('#public-risk-week').textContent(), /2021-W46: đã công bố/);
    await checkPixels(pub.page, cli);
    assert.equal(await pub.page.locator('#public-risk-table tbody tr').count(), 8);
    assert.equal(await pub.page.locator('#public-risk-district').inputValue(), '058');
    assert.deepEqual(pub.errors, []);
  } finally {
    await pub.context.close();
  }
});

test('capacity form, rule rows and a commune history', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'huyen', accounts.huyen.password);
    await page.goto(`/#/levels/capacity?week=${WEEK}`);
    await page.locator('#capacity-body[data-state="ready"]').waitFor();
    assert.equal(await page.locator('#capacity-table tbody tr').count(), 8);
    const oxygen = page.locator('#cap-01840-oxygen');
    assert.equal(await oxygen.isChecked(), true, 'the demo checklist is shown');
    await oxygen.uncheck();
    await page.locator('#cap-01840-note').fill('Hết oxy');
    await page.locator('#cap-01840-save').click();
    await page.locator('.toasts').getByText('chưa đạt').waitFor();
    const r = await run(['risk', '--db', db, '--week', WEEK, '--unit', '01840', '--live', '--json']);
    const row = JSON.parse(r.stdout)[0];
    assert.equal(row.capacity_met, false, 'saved through the form');
    assert.equal(row.capacity_known, true);

    await page.goto('/#/levels/rules');
    await page.locator('#risk-rules[data-state="ready"]').waitFor();
    const rules = page.locator('.risk-rule');
    assert.equal(await rules.count(), 3);
    assert.match(await rules.nth(0).textContent(), /4800\/QĐ-BYT.*65 tuổi/s);
    assert.match(await rules.nth(2).textContent(), /218\/QĐ-BYT/);
    assert.equal(await page.locator('#rule-2-save').count(), 0, 'a district account does not adjust rules');

    await page.goto(`/#/levels/commune/01834?week=${WEEK}`);
    await page.locator('#risk-history[data-state="ready"]').waitFor();
    const weeks = await page.locator('#risk-history-table tbody tr td:first-child').allTextContents();
    assert.equal(weeks.length, 12);
    assert.equal(weeks[11], WEEK);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
