// tests/browser/declare.test.js: health declarations in the browser, on a phone and a desktop: the
// public form (no login) filled in field by field, its checks and the server's field errors, the
// personal QR (decoded back with zbarimg), the daily re-declaration with the code kept on the device;
// then staff: the commune's alert worklist (recording an action), declaring for someone with a
// printed QR, the declarations on a person's record, marking an outbreak area, the dashboard figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, settled, overflowX, VIEWPORTS, stopServer, ARTIFACTS } from './harness.js';

const PASSWORD = 'mat-khau-thu-nghiem-1';
let server;
let browser;
let admin;
let areaCode;
let phoneSeq = 0;
const phone = () => `0919${String(++phoneSeq).padStart(6, '0')}`;
const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({
    demo: false,
    users: [
      { username: 'kt_admin', role: 'admin', password: PASSWORD },
      { username: 'kt_xa', role: 'commune', unit: '01834', password: PASSWORD, name: 'Trạm y tế phường' },
      { username: 'kt_huyen', role: 'district', unit: '058', password: PASSWORD },
    ],
    serveArgs: ['--declare-rate', '100000'],
  });
  browser = await launch();
  admin = await login(server.url, 'kt_admin', PASSWORD);
  const area = await call(server.url, admin, 'POST', '/api/units/01834/areas', { name: 'Tổ dân phố 3', kind: 'Tổ dân phố' });
  assert.equal(area.status, 201, area.text);
  areaCode = area.body.unit.code;
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

// Decodes the QR image on the page with zbarimg; returns its text.
async function decodeQr(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.locator('#qr-card img').screenshot({ path: file });
  return execFileSync('zbarimg', ['--raw', '-q', file]).toString().trim();
}

async function choose(page, id, value) {
  await page.waitForFunction(([sel, v]) => {
    const s = document.querySelector(sel);
    return s && !s.disabled && [...s.options].some((o) => o.value === v);
  }, [`#${id}`, value]);
  await page.locator(`#${id}`).selectOption(value);
}

for (const vp of VIEWPORTS) {
  test(`public declaration form, QR and daily re-declaration (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      const name = `Khai Báo Trình Duyệt ${vp.name === 'phone' ? 'Điện Thoại' : 'Máy Tính'}`;
      await page.goto('/#/khai-bao');
      await page.locator('#declare-form').waitFor();
      assert.equal(await page.locator('.shell').count(), 0, 'no app shell on the public page');
      assert.equal(await page.locator('h1').innerText(), 'Tờ khai y tế');
      await page.locator('#kb-full_name').fill(name);
      await page.locator('#kb-birth_year').fill('1992');
      await page.locator('#kb-sex').selectOption('F');
      await page.locator('#kb-phone').fill('12345'); // wrong on purpose: the server names the field
      await choose(page, 'kb-unit-1', '06');
      await choose(page, 'kb-unit-2', '058');
      await choose(page, 'kb-unit-3', '01834');
      await choose(page, 'kb-unit-4', areaCode);
      await page.locator('#kb-address').fill('Số 12 ngõ 3');
      await page.locator('#kb-travel .choice', { hasText: 'Xe máy' }).click();
      await page.locator('#kb-places-add').click();
      await page.locator('#kb-places-0-place').fill('Chợ Bắc Kạn');
      await choose(page, 'kb-places-0-unit-1', '06');
      await choose(page, 'kb-places-0-unit-2', '058');
      await choose(page, 'kb-places-0-unit-3', '01837');
      await page.locator('#kb-symptoms .choice', { hasText: 'Sốt' }).click();
      await page.locator('#kb-symptoms .choice', { hasText: 'Ho' }).first().click();
      // Unanswered questions and no pledge: stopped in the browser, nothing sent.
      await page.locator('#kb-submit').click();
      await page.locator('#kb-exposures-error').waitFor();
      assert.match(await page.locator('#kb-exposures-error').innerText(), /Có hoặc Không/);
      assert.match(await page.locator('#kb-pledge-error').innerText(), /cam kết/);
      for (const q of ['contact', 'outbreak_area', 'animal_market']) {
        await page.locator(`[data-question="${q}"] .choice`, { hasText: 'Không' }).click();
      }
      await page.locator('#kb-pledge-label').click();
      await page.locator('#kb-submit').click();
      // The server's message appears next to the phone field.
      await page.locator('#kb-phone-error:not([hidden])').waitFor();
      assert.match(await page.locator('#kb-phone-error').innerText(), /điện thoại/i);
      assert.ok(await overflowX(page) <= 0, 'form fits the screen');
      await shot(page, `declare-form-errors-${vp.name}`);
      await page.locator('#kb-phone').fill(phone());
      await page.locator('#kb-submit').click();

      // The personal QR.
      await page.locator('#qr-card').waitFor();
      const token = await page.locator('#qr-card').getAttribute('data-token');
      assert.match(token, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal((await page.locator('#qr-code').innerText()).replace(/-/g, ''), token);
      assert.ok(await page.locator('#qr-card img').evaluate((img) => img.complete && img.naturalWidth > 0), 'QR image loaded');
      assert.equal(await decodeQr(page, `declare-qr-decoded-${vp.name}`), token, 'the QR holds the token');
      assert.match(await page.locator('#kb-advice').innerText(), /trạm y tế/);
      assert.equal(await page.evaluate(() => localStorage.getItem('phongdich.personalToken')), token, 'kept on the device');
      assert.ok(await overflowX(page) <= 0, 'QR page fits');
      await shot(page, `declare-qr-${vp.name}`);

      // Staff see it with the place and the symptoms.
      const list = await call(server.url, admin, 'GET', `/api/declarations?from=${today()}`);
      const d = list.body.items.find((x) => x.full_name.normalize('NFC') === name.normalize('NFC'));
      assert.ok(d, 'declaration stored');
      assert.equal(d.area_code, areaCode);
      assert.deepEqual(d.symptoms, ['fever', 'cough']);
      assert.equal(d.places[0].unit_code, '01837');
      assert.equal(d.travel, 'Xe máy');

      // Daily re-declaration with the code kept on this device.
      await page.locator('#kb-go-daily').click();
      await page.locator('#daily-form').waitFor();
      assert.match(await page.locator('#kd-who').innerText(), new RegExp(name.split(' ').pop()));
      await page.locator('#kd-symptoms .choice', { hasText: 'Đau họng' }).click();
      for (const q of ['contact', 'outbreak_area']) await page.locator(`#kd-exposures [data-question="${q}"] .choice`, { hasText: 'Không' }).click();
      await page.locator('#kd-note').fill('Đo nhiệt độ 37,5');
      await shot(page, `declare-daily-${vp.name}`);
      await page.locator('#kd-submit').click();
      await page.locator('#kd-done').waitFor();
      const mine = (await call(server.url, admin, 'GET', `/api/declarations?person=${d.person_id}`)).body.items;
      assert.equal(mine[0].kind, 'daily');
      assert.deepEqual(mine[0].symptoms, ['sore_throat']);
      assert.equal(mine[0].area_code, areaCode, 'filed under the declared residence');
      assert.ok(await overflowX(page) <= 0);

      // Once staff revoke the code, the page says so and offers a new declaration.
      assert.equal((await call(server.url, admin, 'DELETE', `/api/people/${d.person_id}/token`)).status, 200);
      await page.reload(); // the same address: load the page again
      await page.locator('#daily-form').waitFor();
      await page.locator('#kd-exposures [data-question="contact"] .choice', { hasText: 'Không' }).click();
      await page.locator('#kd-exposures [data-question="outbreak_area"] .choice', { hasText: 'Không' }).click();
      await page.locator('#kd-submit').click();
      await page.locator('#kd-token-error').waitFor();
      assert.match(await page.locator('#kd-token-error').innerText(), /thu hồi/);
      await shot(page, `declare-daily-revoked-${vp.name}`);
      // The browser logs the 400 and 404 answers on purpose; nothing else may fail.
      assert.deepEqual(errors.filter((e) => !/status of (400|404)/.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test(`commune worklist: record the action taken on an alert (${vp.name})`, async () => {
    const who = `Cảnh Báo ${vp.name === 'phone' ? 'Điện Thoại' : 'Máy Tính'}`;
    const tel = phone();
    const r = await fetch(new URL('/api/public/declarations', server.url), { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ full_name: who, birth_year: 1970, sex: 'M', phone: tel, unit_code: '01834', symptoms: ['breath'], exposures: ['contact'] }) });
    assert.equal(r.status, 201);
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'kt_xa', PASSWORD);
      await settled(page);
      const open = Number((await page.locator('[data-stat="open_alerts"]').innerText()).replace(/\D/g, ''));
      assert.ok(open >= 1, `dashboard counts open alerts (${open})`);
      await page.goto('/#/alerts');
      await page.locator('#al-results[data-state="ready"]').waitFor();
      const row = page.locator('#al-table tr.alert-row', { hasText: who });
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(tel));
      assert.match(await row.innerText(), /Khó thở|khó thở/);
      assert.equal(await row.locator('.reason').count(), 2, 'symptoms and exposure');
      const id = await row.getAttribute('data-alert-id');
      assert.ok(await overflowX(page) <= 0, 'worklist fits');
      await shot(page, `alerts-worklist-${vp.name}`);
      await row.locator(`#act-${id}-action`).selectOption('sent_for_testing');
      await row.locator(`#act-${id}-note`).fill('Hẹn xét nghiệm nhanh lúc 14 giờ');
      await row.locator(`#act-${id}-save`).click();
      await row.locator('.act-done').waitFor();
      assert.equal(await row.getAttribute('data-status'), 'done');
      assert.match(await row.locator('.act-done').innerText(), /Đã cho đi xét nghiệm/);
      await shot(page, `alerts-acted-${vp.name}`);
      const xa = await login(server.url, 'kt_xa', PASSWORD);
      const done = (await call(server.url, xa, 'GET', '/api/alerts?status=done&limit=200')).body.items.find((a) => String(a.id) === id);
      assert.ok(done, 'closed on the server');
      assert.equal(done.action, 'sent_for_testing');
      assert.equal(done.action_note, 'Hẹn xét nghiệm nhanh lúc 14 giờ');
      // Reloaded, the open list no longer holds it.
      await page.reload();
      await page.locator('#al-results[data-state="ready"]').waitFor();
      assert.equal(await page.locator(`tr[data-alert-id="${id}"]`).count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('staff declare for someone, print the QR, see it on the record; the district marks an outbreak area', async () => {
  const person = await call(server.url, admin, 'POST', '/api/people', { full_name: 'Bà Cụ Không Điện Thoại', birth_date: '1940', sex: 'F', unit_code: '01834', address: 'Xóm Chợ' });
  assert.equal(person.status, 201, person.text);
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'kt_xa', PASSWORD);
    await page.goto('/#/declarations');
    await page.locator('#dl-results[data-state="ready"]').waitFor();
    await page.locator('a', { hasText: '+ Khai báo hộ' }).click();
    await page.locator('#da-search').fill('ba cu khong');
    await page.locator('.da-pick').first().click();
    await page.locator('#assist-form').waitFor();
    assert.match(await page.locator('#da-person').innerText(), /Bà Cụ Không Điện Thoại/);
    await page.locator('#da-symptoms .choice', { hasText: 'Tiêu chảy' }).click();
    assert.ok(await page.locator('#da-issue').isChecked() === false, 'a registry person keeps her QR unless asked');
    await page.locator('#da-issue').check();
    await page.locator('#da-save').click();
    await page.locator('#da-done').waitFor();
    const token = await page.locator('#qr-card').getAttribute('data-token');
    assert.equal(await decodeQr(page, 'declare-assist-qr-decoded'), token);
    await shot(page, 'declare-assist-done-desktop');
    // The declaration on the person's record, with the QR status.
    await page.locator('a', { hasText: 'Xem hồ sơ' }).click();
    await page.locator('#person-declarations-table').waitFor();
    assert.match(await page.locator('#person-declarations-table').innerText(), /Tiêu chảy/);
    assert.match(await page.locator('#person-declarations-table').innerText(), /Cán bộ khai hộ/);
    await page.locator('#person-qr-status', { hasText: 'Đang có 1 mã' }).waitFor();
    await shot(page, 'person-declarations-desktop');
    // The list filters on symptoms.
    await page.goto('/#/declarations?symptoms=1');
    await page.locator('#dl-results[data-state="ready"]').waitFor();
    assert.ok(await page.locator('#dl-table .declaration-row', { hasText: 'Bà Cụ Không Điện Thoại' }).count() >= 1);
    await shot(page, 'declarations-list-desktop');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }

  const { context: c2, page: p2, errors: e2 } = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await loginUI(p2, 'kt_huyen', PASSWORD);
    await p2.goto('/#/outbreak-areas');
    await p2.locator('#ob-results[data-state="ready"]').waitFor();
    await choose(p2, 'ob-unit-3', '01837');
    await p2.locator('#ob-note').fill('Thử nghiệm trình duyệt');
    await p2.locator('#ob-save').click();
    await p2.locator('#ob-table .outbreak-row', { hasText: 'Phường Sông Cầu' }).waitFor();
    assert.match(await p2.locator('#ob-table').innerText(), /Đang là vùng dịch/);
    assert.ok(await overflowX(p2) <= 0);
    await shot(p2, 'outbreak-areas-phone');
    assert.deepEqual(e2, []);
  } finally {
    await c2.close();
  }
});
