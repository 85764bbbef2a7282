// tests/browser/chains.test.js: the chains-of-transmission graph at its design size. A copy of the demo
// database gets 5,000 cases (from existing people, some naming an earlier case as their source) and
// 20,000 contacts (15,000 F1 and 5,000 F2, each another person) written with the sqlite3 CLI per the
// schema of migration 5; #/chains then draws all 25,000 nodes on its canvas. The test logs the time
// from the data's arrival to the first frame (document.body.dataset.graphRendered), checks that the
// node count shown is the number of distinct people in the data, that hovering a node names it, that
// zooming and panning redraw, and that the print table lists every case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, VIEWPORTS, stopServer } from './harness.js';

const CASES = 5000;
const CONTACTS = 20000;
let server;
let browser;
let accounts;

const sql = (db, text) => execFileSync('sqlite3', ['-bail', db], { input: text, encoding: 'utf8', maxBuffer: 64 << 20 });
const dayVN = (d = 0) => new Date(Date.now() + 7 * 3600 * 1000 + d * 86400000).toISOString().slice(0, 10);

before(async () => {
  try {
    execFileSync('sqlite3', ['--version']);
  } catch {
    throw new Error('the sqlite3 command is missing: scripts/install-deps.sh --test installs it');
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-chains-ui-'));
  const db = path.join(dir, 'demo.db');
  const r = await run(['demo', '--db', db, '--seed', '1', '--json'], { timeoutMs: 600000 });
  assert.equal(r.code, 0, r.stderr);
  accounts = Object.fromEntries(JSON.parse(r.stdout).accounts.map((a) => [a.username, a]));
  const now = Math.floor(Date.now() / 1000);
  const t0 = now - 13 * 86400; // cases over the last 13 days, one every 200 s
  // Whatever the demo itself recorded goes first, so that the new rows are all there is.
  sql(db, `PRAGMA foreign_keys = ON;
BEGIN;
UPDATE samples SET quarantine_order_id = NULL, case_id = NULL;
DELETE FROM care_monitoring; DELETE FROM care_episodes; DELETE FROM quarantine_checks;
DELETE FROM quarantine_orders; DELETE FROM contacts; DELETE FROM case_contacts; DELETE FROM case_status_log;
UPDATE cases SET source_case_id = NULL; DELETE FROM cases;
CREATE TEMP TABLE pick AS SELECT id AS person_id, row_number() OVER (ORDER BY id) AS n, unit_code, area_code,
  district_code, province_code FROM people;
-- Cases: the first ${CASES} people; every third case names the case 1 to 7 before it as its source.
INSERT INTO cases (id, person_id, confirmed_at, onset_date, sample_date, found_in, basis, status, status_at,
  infectious_until, source_case_id, unit_code, area_code, district_code, province_code, note, created_at, traced_at)
SELECT n, person_id, ${t0} + n * 200, NULL, date(${t0} + n * 200 - 86400, 'unixepoch', '+7 hours'), 'community', 'pcr',
  CASE WHEN n % 10 = 0 THEN 'recovered' ELSE 'active' END, ${t0} + n * 200, ${t0} + n * 200,
  CASE WHEN n % 3 = 0 AND n > 7 THEN n - 1 - (n % 7) ELSE NULL END,
  unit_code, area_code, district_code, province_code, 'chains.test', ${t0} + n * 200, ${t0} + n * 200
FROM pick WHERE n <= ${CASES};
-- Contacts: the next ${CONTACTS} people, each once; contact j belongs to case (j mod ${CASES}) + 1. The last
-- quarter are F2, met through the F1 ${CASES} rows before them (an F1 of the same case).
INSERT INTO contacts (case_id, person_id, level, via_person_id, exposure_at, evidence, unit_code, area_code,
  district_code, province_code, found_at, updated_at)
SELECT (c.n - ${CASES} - 1) % ${CASES} + 1, c.person_id,
  CASE WHEN c.n - ${CASES} > ${(CONTACTS * 3) / 4} THEN 2 ELSE 1 END,
  CASE WHEN c.n - ${CASES} > ${(CONTACTS * 3) / 4} THEN (SELECT v.person_id FROM pick v WHERE v.n = c.n - ${CASES}) ELSE NULL END,
  ${t0}, '[{"kind":"household","venue_id":null,"from":${t0},"to":${now},"via_person_id":0}]',
  c.unit_code, c.area_code, c.district_code, c.province_code, ${now}, ${now}
FROM pick c WHERE c.n > ${CASES} AND c.n <= ${CASES + CONTACTS};
COMMIT;`);
  const counts = sql(db, 'SELECT count(*) FROM cases; SELECT count(*) FROM contacts; SELECT count(DISTINCT person_id) FROM contacts WHERE person_id NOT IN (SELECT person_id FROM cases);').trim().split('\n').map(Number);
  assert.deepEqual(counts, [CASES, CONTACTS, CONTACTS], 'the database holds the rows the test wrote');
  server = await startServer({ db, demo: false });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

test('GET /api/chains answers every case and contact of the test', async () => {
  const s = await login(server.url, 'admin', accounts.admin.password);
  const r = await call(server.url, s, 'GET', `/api/chains?from=${dayVN(-30)}&to=${dayVN()}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.cases.length, CASES);
  assert.equal(r.body.contacts.length, CONTACTS);
  assert.equal(r.body.truncated, false);
});

for (const vp of VIEWPORTS) {
  test(`#/chains draws ${CASES + CONTACTS} nodes (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'admin', accounts.admin.password);
      await page.goto('/#/chains');
      await page.waitForFunction(() => document.body.dataset.graphRendered, null, { timeout: 60000 });
      const ms = Number(await page.evaluate(() => document.body.dataset.graphRendered));
      const layoutMs = Number(await page.locator('#chains-graph').getAttribute('data-layout-ms'));
      console.log(`# chains graph (${vp.name}): ${CASES} cases + ${CONTACTS} contacts, first frame ${ms.toFixed(1)} ms after the data arrived (layout and first draw ${layoutMs.toFixed(1)} ms)`);
      assert.ok(ms > 0 && ms < 30000, `rendered in ${ms} ms`);
      assert.equal(Number(await page.locator('#chains-count').getAttribute('data-nodes')), CASES + CONTACTS);
      assert.equal(Number(await page.locator('#chains-count').getAttribute('data-cases')), CASES);
      assert.match(await page.locator('#chains-count').innerText(), /25\.000 người: 5\.000 ca bệnh .* 15\.000 F1, 5\.000 F2/);
      assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');

      // Something was drawn: the canvas is not blank, and holds the colours of F0, F1 and F2.
      const colours = await page.evaluate(() => {
        const c = document.getElementById('chains-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        let ink = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] === 0) continue;
          ink++;
          seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
        }
        return { ink, red: seen.has('211,47,47'), orange: seen.has('240,140,0'), yellow: seen.has('201,164,0') };
      });
      assert.ok(colours.ink > 2000, `the canvas has ${colours.ink} drawn pixels`);
      assert.ok(colours.red && colours.orange && colours.yellow, `F0, F1 and F2 colours drawn: ${JSON.stringify(colours)}`);
      await shot(page, `chains-graph-${vp.name}`);

      // Zoom in on the largest cluster (drawn first, at the top left) until names appear, then hover a node.
      const box = await page.locator('#chains-canvas').boundingBox();
      const hit = await page.evaluate(() => {
        const c = document.getElementById('chains-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        // The first F0-red pixel from the top-left: a case node.
        for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
          const i = (y * c.width + x) * 4;
          if (d[i] === 211 && d[i + 1] === 47 && d[i + 2] === 47) return { x: x / (c.width / c.clientWidth), y: y / (c.height / c.clientHeight) };
        }
        return null;
      });
      assert.ok(hit, 'a case node is on screen');
      if (!vp.isMobile) {
        await page.mouse.move(box.x + hit.x + 1, box.y + hit.y + 1);
        for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -240);
        await page.waitForTimeout(200);
        // Find a node under the pointer by sweeping near the zoom centre.
        let named = '';
        for (let dx = -30; dx <= 30 && !named; dx += 3) {
          for (let dy = -30; dy <= 30 && !named; dy += 6) {
            await page.mouse.move(box.x + hit.x + dx, box.y + hit.y + dy);
            if (await page.locator('#chains-tip:not([hidden])').count()) named = await page.locator('#chains-tip').innerText();
          }
        }
        assert.match(named, /^(F0 · .+ · ca #\d+|F[12] · .+ · của ca #\d+)/, `hover names a node: ${named}`);
        await shot(page, `chains-zoomed-${vp.name}`);
      }

      // The table for printing lists every case.
      await page.locator('#chains-view').click();
      await page.locator('#chains-table-rows tbody tr').first().waitFor();
      assert.equal(await page.locator('#chains-table-rows tbody tr').count(), CASES);
      await page.locator('#chains-view').click();
      await page.locator('#chains-canvas').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
