// tests/browser/quarantine.test.js: the "Cách ly" and "Điều trị" pages over the demo database. The commune
// account sees today's worklists with the same counts as the API, starts a pending order from the orders
// tab, records a health check with fever (the order page shows it and the API puts it on the alert list),
// and confirms a hand-over waiting for its station; the admin tries to release an order whose days are
// served (the page lists what blocks it, as the API does) and releases it with a note. On "Điều trị" the
// district enters a home-monitoring entry with SpO₂ 94 %, sees the alert, and finds it on the alert list.
// The phone run checks that the worklist fits the screen. The district adds facilities from the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, settled, openNav, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
const sess = {};
const api = async (who, method, p, body) => {
  const r = await call(server.url, sess[who], method, p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  for (const u of ['admin', 'xa', 'huyen']) sess[u] = await login(server.url, u, server.accounts[u].password);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

test('the commune works its quarantine lists: start, health check, hand-over', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'xa', server.accounts.xa.password);
    const nav = await openNav(page);
    await nav.getByText('Cách ly', { exact: true }).click();
    await page.locator('#wl-tabs').waitFor();
    const w = await api('xa', 'GET', '/api/quarantine/worklists');
    for (const k of ['tests_due', 'tests_overdue', 'releases_due', 'handovers', 'monitoring_ends', 'alerts']) {
      assert.equal(await page.locator(`#wl-tabs [data-tab="${k}"] .q-count`).innerText(), String(w[k].total), `${k} count`);
    }
    await shot(page, 'quarantine-worklists-desktop');

    // Start the first pending order, at home.
    const pending = (await api('xa', 'GET', '/api/quarantine/orders?phase=pending')).items;
    assert.ok(pending.length > 0, 'a pending order in the commune');
    await page.locator('#q-tabs [data-tab="orders"]').click();
    await page.locator('#q-phase').selectOption('pending');
    await page.locator(`#start-${pending[0].id}`).waitFor();
    await page.locator(`#start-place-${pending[0].id}`).selectOption('home');
    await page.locator(`#start-${pending[0].id}`).click();
    await page.waitForFunction((id) => !document.querySelector(`#start-${id}`), pending[0].id);
    const started = (await api('xa', 'GET', `/api/quarantine/orders/${pending[0].id}`)).order;
    assert.equal(started.phase, 'active');
    assert.equal(started.place, 'home');

    // A health check with fever: listed on the order, and an alert for testing.
    await page.goto(`/#/quarantine/orders/${pending[0].id}`);
    await page.locator('#chk-temp').fill('38.4');
    await page.locator('input[name="sym"][value="fever"]').check();
    await page.locator('#chk-save').click();
    await page.locator('#checks .q-alert').first().waitFor();
    assert.match(await page.locator('#checks').innerText(), /38\.4 °C/);
    const w2 = await api('xa', 'GET', '/api/quarantine/worklists');
    assert.ok(w2.alerts.items.some((i) => i.order_id === pending[0].id), 'on the alert list');
    await shot(page, 'quarantine-order-check-desktop');

    // A hand-over waiting for this station: confirm it from the list.
    assert.ok(w2.handovers.total > 0, 'a hand-over to confirm');
    const ho = w2.handovers.items[0];
    await page.goto('/#/quarantine');
    await page.locator('#wl-tabs [data-tab="handovers"]').click();
    await page.locator(`#wl-handovers tr[data-order-id="${ho.order_id}"] a.btn`).click();
    await page.locator('#handover-confirm').click();
    await page.locator('#handover .alert-success').waitFor();
    const after = (await api('xa', 'GET', `/api/quarantine/orders/${ho.order_id}`)).order;
    assert.equal(after.handover_confirmed, 1);
    const w3 = await api('xa', 'GET', '/api/quarantine/worklists');
    assert.equal(w3.handovers.total, w2.handovers.total - 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the admin sees what blocks a release, then releases with a note', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    const w = await api('admin', 'GET', '/api/quarantine/worklists');
    assert.ok(w.releases_due.total > 0, 'an order whose days are served');
    const id = w.releases_due.items[0].order_id;
    const o = (await api('admin', 'GET', `/api/quarantine/orders/${id}`)).order;
    await loginUI(page, 'admin', server.accounts.admin.password);
    await page.goto(`/#/quarantine/orders/${id}`);
    await page.locator('#rel-save').waitFor();
    if (o.blockers.length) {
      assert.equal(await page.locator('#rel-blockers li').count(), o.blockers.length);
      await page.locator('#rel-save').click();
      await page.locator('#rel-error .alert-error').waitFor();
      await page.locator('#rel-force').check();
      await page.locator('#rel-note').fill('Kết quả xét nghiệm âm tính trên giấy');
    }
    await page.locator('#rel-save').click();
    await page.locator('#handover').waitFor();
    const done = (await api('admin', 'GET', `/api/quarantine/orders/${id}`)).order;
    assert.ok(['monitoring', 'finished'].includes(done.phase));
    await shot(page, 'quarantine-released-desktop');
    // The refused first try is a 409 answer the page shows; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
  } finally {
    await context.close();
  }
});

test('a home-monitoring entry with SpO₂ 94 % raises the alert', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    const list = (await api('huyen', 'GET', '/api/care/cases')).items;
    const home = list.find((c) => c.episode_id && c.place === 'home');
    assert.ok(home, 'an F0 cared for at home');
    await loginUI(page, 'huyen', server.accounts.huyen.password);
    const nav = await openNav(page);
    await nav.getByText('Điều trị', { exact: true }).click();
    await page.locator('#care-list').waitFor();
    assert.equal(await page.locator('#care-list tbody tr').count(), list.length);
    await page.goto(`/#/treatment/episodes/${home.episode_id}`);
    await page.locator('#mon-spo2').fill('94');
    await page.locator('#mon-rr').fill('18');
    await page.locator('#mon-temp').fill('37.5');
    await page.locator('#mon-save').click();
    await page.locator('.alert-error', { hasText: 'SpO₂ 94' }).waitFor();
    const alerts = (await api('huyen', 'GET', '/api/care/alerts')).items;
    const mine = alerts.find((a) => a.episode_id === home.episode_id && a.spo2 === 94);
    assert.ok(mine, 'on the alert list of the API');
    await shot(page, 'care-spo2-alert-desktop');
    await page.goto('/#/treatment');
    await page.locator(`#care-alerts tr[data-entry-id="${mine.id}"]`).waitFor();
    await settled(page);
    await shot(page, 'care-list-desktop');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the worklists fit a phone screen', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await loginUI(page, 'xa', server.accounts.xa.password);
    await page.goto('/#/quarantine');
    await page.locator('#wl-tabs').waitFor();
    await settled(page);
    assert.ok(await overflowX(page) <= 0, 'no sideways scrolling');
    await shot(page, 'quarantine-worklists-phone');
    await page.goto('/#/treatment');
    await page.locator('#care-list-box').waitFor();
    await settled(page);
    assert.ok(await overflowX(page) <= 0, 'no sideways scrolling on Điều trị');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the district adds a tier-2 treatment facility and a quarantine site from the facilities tab', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'huyen', server.accounts.huyen.password);
    await page.goto('/#/quarantine');
    await page.locator('#q-tabs [data-tab="facilities"]').click();
    await page.locator('#facility-form').waitFor();
    const before = (await api('huyen', 'GET', '/api/quarantine/facilities')).items.length;
    const commune = (await api('huyen', 'GET', '/api/units?parent=' + server.accounts.huyen.unit_code)).items[0];

    // A missing name is refused on its field, and nothing is added.
    await page.locator('#fac-kind').selectOption('treatment');
    await page.locator('#fac-save').click();
    await page.locator('#fac-name-error:not([hidden])').waitFor();
    assert.equal((await api('huyen', 'GET', '/api/quarantine/facilities')).items.length, before);

    await page.locator('#fac-name').fill('Bệnh viện dã chiến số 2');
    await page.locator('#fac-tier').selectOption('2');
    await page.locator('#fac-beds').fill('80');
    await page.locator('#fac-icu').fill('6');
    await page.locator('#fac-unit-3').selectOption(commune.code);
    await page.locator('#fac-save').click();
    await page.locator('#facilities-table').getByText('Bệnh viện dã chiến số 2').waitFor();
    const made = (await api('huyen', 'GET', '/api/quarantine/facilities?kind=treatment')).items
      .find((f) => f.name === 'Bệnh viện dã chiến số 2');
    assert.ok(made, 'saved');
    assert.deepEqual([made.tier, made.beds, made.icu_beds, made.unit_code], [2, 80, 6, commune.code]);

    await page.locator('#fac-kind').selectOption('quarantine');
    assert.equal(await page.locator('#fac-tier').isVisible(), false, 'no tier for a quarantine site');
    await page.locator('#fac-name').fill('Khu cách ly Trường Cao đẳng');
    await page.locator('#fac-beds').fill('150');
    await page.locator('#fac-unit-3').selectOption(commune.code);
    await page.locator('#fac-save').click();
    await page.locator('#facilities-table').getByText('Khu cách ly Trường Cao đẳng').waitFor();
    assert.equal((await api('huyen', 'GET', '/api/quarantine/facilities')).items.length, before + 2);
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no error but the refused empty name');
  } finally {
    await context.close();
  }
});
