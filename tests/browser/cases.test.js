// tests/browser/cases.test.js: cases (F0) and contact tracing in the UI, over the demo database (which
// has an outbreak of its own). The admin confirms a new F0 — a resident who was at the main market
// yesterday — through the form (a missing sample date is refused next to its field), lands on the case
// page and sees the F1 and F2 that tracing found, with the market and the overlap minutes as evidence,
// the same numbers as the API; previews the trace with the 15-minute rule; adds a contact by hand;
// downloads the list (an .xlsx holding the F1 names) and opens the graph focused on the case. The
// likely source of a demo case is named from its page. A commune account sees only its commune's cases
// and contacts, and a case of another commune answers "not found"; the lockdown page lists what the
// API suggests. The phone run checks the same pages as cards without sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, login, call } from '../lib/server.js';
import { xlsxText } from '../lib/fixture.js';
import { launch, openPage, loginUI, shot, overflowX, settled, openNav, VIEWPORTS, stopServer } from './harness.js';

const COMMUNE = '01834';
const COMMUNE_NAME = 'Phường Nguyễn Thị Minh Khai';
let server;
let browser;
let admin;
let xa;
let candidates; // residents of COMMUNE with a phone, at the market yesterday, not a case
let manual; // a person to add by hand as a contact

const dayVN = (d = 0) => new Date(Date.now() + 7 * 3600 * 1000 + d * 86400000).toISOString().slice(0, 10);
const api = async (sess, method, p, body) => {
  const r = await call(server.url, sess, method, p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  admin = await login(server.url, 'admin', server.accounts.admin.password);
  xa = await login(server.url, 'xa', server.accounts.xa.password);
  // People who were at the main market yesterday (the demo's venue 1) and live in the commune.
  const cases = (await api(admin, 'GET', '/api/cases?limit=500')).items;
  const sick = new Set(cases.map((c) => c.person_id));
  const visits = (await api(admin, 'GET', `/api/venues/1/checkins?from=${dayVN(-1)}&to=${dayVN(-1)}&limit=500`)).items;
  const seen = new Set();
  candidates = [];
  for (const v of visits) {
    if (seen.has(v.person_id) || sick.has(v.person_id) || !v.phone || v.person_unit_name !== COMMUNE_NAME) continue;
    seen.add(v.person_id);
    candidates.push(v);
  }
  assert.ok(candidates.length >= 2, `residents of ${COMMUNE} at the market yesterday: ${candidates.length}`);
  const others = (await api(admin, 'GET', '/api/people?unit=01849&limit=50')).items.filter((p) => p.phone && !sick.has(p.id) && !seen.has(p.id));
  manual = others[others.length - 1];
  assert.ok(manual, 'a person of another commune to add by hand');
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

for (const vp of VIEWPORTS) {
  test(`admin confirms an F0 and sees its F1/F2, export and graph (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const who = candidates[vp.name === 'desktop' ? 0 : 1];
    try {
      await loginUI(page, 'admin', server.accounts.admin.password);
      const nav = await openNav(page);
      await nav.getByText('Ca bệnh F0', { exact: true }).click();
      await page.locator('#cases-results[data-state="ready"]').waitFor();
      const before = (await api(admin, 'GET', '/api/cases?limit=500')).items.length;
      assert.equal(await page.locator('#cases-table tbody tr').count(), Math.min(before, 50));
      assert.ok(await overflowX(page) <= 0, 'the case list fits the screen');
      await shot(page, `cases-list-${vp.name}`);

      // The form: find the person by phone, then send without a sample date.
      await page.getByRole('link', { name: 'Xác nhận ca bệnh' }).click();
      await page.locator('#case-form').waitFor();
      await page.locator('#cf-person-search').fill(who.phone);
      await page.locator(`#cf-person-results button[data-id="${who.person_id}"]`).click();
      assert.equal(await page.locator('#cf-person-name').innerText(), who.full_name);
      await page.locator('#cf-sample_date').fill('');
      await page.locator('#cf-save').click();
      await page.locator('#cf-sample_date-error:not([hidden])').waitFor();
      assert.match(await page.locator('#cf-sample_date-error').innerText(), /ngày lấy mẫu/);
      await page.locator('#cf-sample_date').fill(dayVN());
      await page.locator('#cf-basis').selectOption('pcr');
      await page.locator('#cf-note').fill('Thử nghiệm giao diện');
      assert.ok(await overflowX(page) <= 0, 'the form fits the screen');
      await shot(page, `case-form-${vp.name}`);
      await page.locator('#cf-save').click();
      await page.waitForFunction(() => /^#\/cases\/\d+$/.test(location.hash));
      const id = Number((await page.evaluate(() => location.hash)).split('/').pop());

      // The case page: F1 and F2 as the API has them, with the market as evidence.
      await page.locator('#case-contacts[data-state="ready"]').waitFor({ timeout: 60000 });
      const saved = await api(admin, 'GET', `/api/cases/${id}/contacts`);
      const one = (await api(admin, 'GET', `/api/cases/${id}`)).case;
      assert.equal(one.person_id, who.person_id);
      assert.ok(saved.f1.length > 0, 'the market gives F1');
      assert.equal(Number(await page.locator('#case-contacts').getAttribute('data-f1')), saved.f1.length);
      assert.equal(Number(await page.locator('#case-contacts').getAttribute('data-f2')), saved.f2.length);
      assert.equal(Number(await page.locator('#case-f1-count').getAttribute('data-count')), one.f1_count);
      assert.equal(await page.locator('#case-f1-table tbody tr').count(), Math.min(100, saved.f1.length));
      const market = saved.f1.find((c) => c.evidence.some((e) => e.kind === 'venue' && e.venue_id === 1));
      assert.ok(market, 'an F1 met at the market');
      const row = page.locator('#case-f1-table tbody tr', { hasText: market.full_name }).first();
      const rowText = await row.innerText();
      assert.match(rowText, /Cùng địa điểm/);
      assert.match(rowText, new RegExp(market.evidence.find((e) => e.venue_id === 1).venue_name));
      assert.match(rowText, /\d+ phút|dưới 1 phút/);
      if (market.phone) assert.equal(await row.locator(`a[href^="tel:"]`).first().innerText(), market.phone);
      if (market.order) assert.match(rowText, /ngày từ \d{2}\/\d{2}\/\d{4}/, 'the pending quarantine order is shown');
      if (saved.f2.length) {
        const f2 = saved.f2[0];
        assert.match(await page.locator('#case-f2-table tbody tr').first().innerText(), new RegExp(f2.via_name || f2.full_name));
      }
      assert.match(await page.locator('#case-window').innerText(), /\d{2}\/\d{2}\/\d{4}/);
      assert.ok(await overflowX(page) <= 0, 'the case page fits the screen');
      if (vp.isMobile) {
        const display = await page.locator('#case-f1-table tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
        assert.equal(display, 'block', 'rows become cards on a phone');
      }
      await shot(page, `case-page-${vp.name}`);

      // Preview with the 15-minute rule: the same counts as the API's preview, nothing saved.
      await page.locator('#trace-min15').check();
      await page.locator('#trace-save').uncheck();
      await page.locator('#trace-run').click();
      await page.locator('#trace-result[data-f1]').waitFor();
      const strict = await api(admin, 'POST', `/api/cases/${id}/trace`, { min_overlap_minutes: 15, save: false });
      assert.equal(Number(await page.locator('#trace-result').getAttribute('data-f1')), strict.f1.length);
      assert.ok(strict.f1.length <= saved.f1.length);
      assert.equal(Number(await page.locator('#case-contacts').getAttribute('data-f1')), strict.f1.length);
      assert.equal((await api(admin, 'GET', `/api/cases/${id}/contacts`)).f1.length, saved.f1.length, 'a preview saves nothing');

      // A contact added by hand becomes an F1 (the page traces again).
      if (vp.name === 'desktop') {
        await page.locator('#add-person-search').fill(manual.phone);
        await page.locator(`#add-person-results button[data-id="${manual.id}"]`).click();
        await page.locator('#add-note').fill('Ăn cơm cùng nhau');
        await page.locator('#add-save').click();
        await page.locator('#case-added li', { hasText: manual.full_name }).waitFor();
        await page.locator('#case-contacts[data-state="ready"]').waitFor();
        const after = await api(admin, 'GET', `/api/cases/${id}/contacts`);
        const added = after.f1.find((c) => c.person_id === manual.id);
        assert.ok(added && added.evidence.some((e) => e.kind === 'manual'), 'the person added by hand is an F1');
        assert.equal(Number(await page.locator('#case-contacts').getAttribute('data-f1')), after.f1.length);
      }

      // The export of this case's list: a real .xlsx with the F1 names in it.
      const href = await page.locator('#case-export').getAttribute('href');
      assert.equal(href, `/api/exports/handoff.xlsx?case=${id}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#case-export').click()]);
      assert.equal(download.suggestedFilename(), 'danh-sach-f1-f2.xlsx');
      const bytes = await readFile(await download.path());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip (xlsx) file');
      assert.ok(bytes.length > 3000, `xlsx of ${bytes.length} bytes`);
      const text = xlsxText(bytes);
      for (const c of saved.f1.slice(0, 5)) assert.ok(text.includes(c.full_name), `the export lists ${c.full_name}`);

      // The graph, focused on the case.
      await page.locator('a', { hasText: 'Xem trên đồ thị' }).click();
      await page.waitForFunction(() => document.body.dataset.graphRendered, null, { timeout: 30000 });
      await page.locator('#chains-info .node-info[data-kind="f0"]').waitFor();
      assert.match(await page.locator('#chains-info').innerText(), new RegExp(who.full_name));
      const shown = Number(await page.locator('#chains-count').getAttribute('data-nodes'));
      assert.ok(shown > saved.f1.length, `the graph holds the case and its contacts (${shown} nodes)`);
      assert.ok(await overflowX(page) <= 0, 'the graph page fits the screen');
      await shot(page, `case-graph-${vp.name}`);
      assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
    } finally {
      await context.close();
    }
  });
}

test('admin names the likely source of a demo case from its page', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    const cases = (await api(admin, 'GET', '/api/cases?limit=500')).items;
    let target = null;
    let pick = null;
    for (const c of cases) {
      const s = (await api(admin, 'GET', `/api/cases/${c.id}/sources`)).items;
      const other = s.find((x) => x.case_id !== c.source_case_id);
      if (other) { target = c; pick = other; break; }
    }
    assert.ok(target, 'a demo case with a possible source not yet named');
    await loginUI(page, 'admin', server.accounts.admin.password);
    await page.goto(`/#/cases/${target.id}`);
    await page.locator('#case-sources[data-state="ready"]').waitFor();
    await page.locator(`#sources-table [data-source="${pick.case_id}"]`).click();
    await page.locator('#case-source', { hasText: `Ca #${pick.case_id}` }).waitFor();
    assert.equal((await api(admin, 'GET', `/api/cases/${target.id}`)).case.source_case_id, pick.case_id);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a commune account sees only its commune: cases, contacts, lockdown', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    const all = (await api(admin, 'GET', '/api/cases?limit=500')).items;
    const mine = (await api(xa, 'GET', '/api/cases?limit=500')).items;
    const outside = all.find((c) => c.unit_code !== COMMUNE);
    assert.ok(outside && mine.length > 0 && mine.length < all.length, 'the demo has cases inside and outside the commune');
    assert.ok(mine.every((c) => c.unit_code === COMMUNE));
    await loginUI(page, 'xa', server.accounts.xa.password);
    const nav = await openNav(page);
    for (const l of ['Ca bệnh F0', 'Chuỗi lây nhiễm', 'Danh sách F1, F2', 'Đề xuất phong toả']) assert.ok(await nav.getByText(l, { exact: true }).isVisible(), `xa sees ${l}`);
    await page.goto('/#/cases');
    await page.locator('#cases-results[data-state="ready"]').waitFor();
    const rows = await page.locator('#cases-table tbody tr').allInnerTexts();
    assert.equal(rows.length, mine.length);
    for (const r of rows) assert.match(r, new RegExp(COMMUNE_NAME));
    const names = new Set(mine.map((c) => c.full_name));
    for (const r of rows) assert.ok([...names].some((n) => r.includes(n)), r);
    await shot(page, 'cases-commune-desktop');

    // A case of another commune is answered like a missing one.
    await page.goto(`/#/cases/${outside.id}`);
    await page.locator('#main .alert-error').waitFor();
    assert.match(await page.locator('#main .alert-error').innerText(), /Không tìm thấy/);
    errors.splice(0, errors.length, ...errors.filter((e) => !/404/.test(e)));

    // The hand-off list holds only people living in the commune.
    await page.goto('/#/handoff?level=all');
    await page.locator('#handoff-results[data-state="ready"]').waitFor();
    const groups = await page.locator('.handoff-group').evaluateAll((els) => els.map((e) => e.dataset.unit));
    assert.ok(groups.length >= 1);
    for (const g of groups) assert.equal(g, COMMUNE);
    const api2 = await api(xa, 'GET', '/api/handoff');
    const total = api2.groups.reduce((n, g) => n + g.items.length, 0);
    assert.equal(Number(await page.locator('#handoff-summary').getAttribute('data-total')), total);
    assert.match(await page.locator('#handoff-export').getAttribute('href'), /^\/api\/exports\/handoff\.xlsx/);
    await shot(page, 'handoff-commune-desktop');

    // Lockdown suggestions, as the API gives them.
    await page.goto('/#/lockdown');
    await page.locator('#lockdown-results[data-state="ready"]').waitFor();
    const items = (await api(xa, 'GET', '/api/lockdown')).items;
    assert.equal(Number(await page.locator('#lockdown-results').getAttribute('data-count')), items.length);
    if (items.length) assert.match(await page.locator('#lockdown-table tbody tr').first().innerText(), new RegExp(items[0].reason.slice(0, 20)));
    await shot(page, 'lockdown-commune-desktop');
    await settled(page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the community team reads cases but does not confirm them or see lockdowns', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await loginUI(page, 'todoi', server.accounts.todoi.password);
    const nav = await openNav(page);
    assert.ok(await nav.getByText('Ca bệnh F0', { exact: true }).isVisible());
    assert.equal(await nav.getByText('Đề xuất phong toả').count(), 0);
    await nav.getByText('Danh sách F1, F2', { exact: true }).click();
    await page.locator('#handoff-results[data-state="ready"]').waitFor();
    assert.ok(await overflowX(page) <= 0, 'the hand-off list fits a phone');
    await shot(page, 'handoff-team-phone');
    await page.goto('/#/cases');
    await page.locator('#cases-results[data-state="ready"]').waitFor();
    assert.equal(await page.getByRole('link', { name: 'Xác nhận ca bệnh' }).count(), 0);
    await page.goto('/#/cases/new');
    await page.locator('#main h1', { hasText: 'Không có quyền truy cập' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
