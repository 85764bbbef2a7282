// tests/browser/checkin.test.js: the public check-in page a poster leads to (#/c/CODE), on a phone and
// a desktop, without signing in: by phone number (in, still in after a reload, out), by the personal
// QR token the declaration page keeps in localStorage ('phongdich.personalToken'), an unknown code and
// a closed venue; then staff scanning a visitor's personal QR code in and out at their venue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, VIEWPORTS, stopServer, openNav } from './harness.js';
import { tokenFor, sqlRows, venueAccount } from '../api/venues-world.js';

const PASSWORD = 'mat-khau-thu-nghiem-1';
let server;
let browser;
let admin;
let market;
let closedVenue;

const api = (m, p, b) => call(server.url, admin, m, p, b);

before(async () => {
  server = await startServer({ demo: false, serveArgs: ['--checkin-rate', '100000'],
    users: [{ username: 'kt_admin', role: 'admin', password: PASSWORD }] });
  browser = await launch();
  admin = await login(server.url, 'kt_admin', PASSWORD);
  market = (await api('POST', '/api/venues', { name: 'Chợ Phường Minh Khai', kind: 'market', unit_code: '01834', address: 'Tổ 3' })).body.venue;
  const c = (await api('POST', '/api/venues', { name: 'Rạp chiếu phim cũ', kind: 'sports', unit_code: '01834' })).body.venue;
  closedVenue = (await api('PUT', `/api/venues/${c.id}`, { ...c, closed: true })).body.venue;
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const state = (page, s) => page.locator(`#ci-body[data-state="${s}"]`).waitFor();

for (const vp of VIEWPORTS) {
  test(`public check-in by phone number: in, reload, out (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const phone = vp.name === 'phone' ? '0988 111 222' : '0988 111 333';
    try {
      await page.goto(`/#/c/${market.public_code}`);
      await state(page, 'ready');
      assert.equal(await page.locator('#ci-venue').innerText(), 'Chợ Phường Minh Khai');
      assert.match(await page.locator('#ci-body').innerText(), /Chợ · Tổ 3 · Phường Nguyễn Thị Minh Khai/);
      assert.equal(await page.locator('.shell').count(), 0, 'no app shell, no login');
      assert.ok(await overflowX(page) <= 0, 'fits the screen');
      await shot(page, `checkin-public-${vp.name}`);
      await page.locator('#ci-in-phone').click();
      assert.match(await page.locator('#ci-msg').innerText(), /Hãy nhập số điện thoại/);
      await page.locator('#ci-phone').fill(phone);
      await page.locator('#ci-in-phone').click();
      await state(page, 'in');
      assert.match(await page.locator('#ci-state').innerText(), /Bạn đang ở địa điểm này/);
      assert.match(await page.locator('#ci-state').innerText(), /1 giờ/);
      await shot(page, `checkin-public-in-${vp.name}`);
      const digits = phone.replace(/\D/g, '');
      const rows = sqlRows(server.db, 'SELECT count(*) FROM checkins c JOIN people p ON p.id = c.person_id WHERE p.phone = ? AND c.out_at IS NULL', [digits]);
      assert.equal(rows[0][0], 1, 'recorded, still inside');
      await page.reload();
      await state(page, 'in');
      await page.locator('#ci-out').click();
      await state(page, 'out');
      assert.match(await page.locator('#ci-state').innerText(), /Đã ghi nhận lượt ra/);
      assert.equal(sqlRows(server.db, 'SELECT count(*) FROM checkins c JOIN people p ON p.id = c.person_id WHERE p.phone = ? AND c.out_at IS NOT NULL', [digits])[0][0], 1);
      await shot(page, `checkin-public-out-${vp.name}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`public check-in with the personal QR token kept on the phone (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      const p = (await api('POST', '/api/people', { full_name: `Người Có Mã ${vp.name === 'phone' ? 'Hai' : 'Một'}`, unit_code: '01834' })).body.person;
      const token = tokenFor(server.db, p.id);
      await context.addInitScript((t) => localStorage.setItem('phongdich.personalToken', t), token);
      await page.goto(`/#/c/${market.public_code}`);
      await state(page, 'ready');
      assert.equal(await page.locator('#ci-phone').count(), 0, 'no phone field when a token is kept');
      await page.locator('#ci-in-token').click();
      await state(page, 'in');
      assert.match(await page.locator('#ci-state').innerText(), /Vào lúc \d{2}:\d{2}/);
      const row = sqlRows(server.db, 'SELECT venue_id, out_at FROM checkins WHERE person_id = ?', [p.id]);
      assert.deepEqual(row, [[market.id, null]]);
      await shot(page, `checkin-token-in-${vp.name}`);
      await page.locator('#ci-out').click();
      await state(page, 'out');
      assert.notEqual(sqlRows(server.db, 'SELECT out_at FROM checkins WHERE person_id = ?', [p.id])[0][0], null);
      // Out again without being in: the server's clear answer is shown.
      await page.locator('#ci-out').click();
      await page.locator('#ci-msg .alert-error').waitFor();
      assert.match(await page.locator('#ci-msg').innerText(), /Chưa check-in/);
      errors.length = 0; // the 409 is logged by the browser on purpose
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('public check-in page: unknown code and closed venue say so (phone)', async () => {
  const { context, page } = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await page.goto('/#/c/khongcoma1234');
    await state(page, 'error');
    assert.equal(await page.locator('#ci-venue').innerText(), 'Không tìm thấy địa điểm');
    assert.match(await page.locator('#ci-body').innerText(), /Mã QR không đúng/);
    await shot(page, 'checkin-unknown-phone');
    await page.goto(`/#/c/${closedVenue.public_code}`);
    await state(page, 'closed');
    assert.match(await page.locator('#ci-body').innerText(), /ngừng hoạt động/);
    assert.equal(await page.locator('#ci-body button').count(), 0);
  } finally {
    await context.close();
  }
});

for (const vp of VIEWPORTS) {
  test(`staff scanning at their venue: in, then out (${vp.name})`, async () => {
    const user = `nv_quet_${vp.name}`;
    await venueAccount(server, user, '01834', market.id);
    const p = (await api('POST', '/api/people', { full_name: `Khách Được Quét ${vp.name === 'phone' ? 'Hai' : 'Một'}`, unit_code: '01834', birth_date: '1990-02-03' })).body.person;
    const token = tokenFor(server.db, p.id);
    const display = token.match(/.{1,4}/g).join('-');
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, user, PASSWORD);
      const nav = await openNav(page);
      await nav.locator('.nav-link', { hasText: 'Quét mã khách' }).click();
      await page.locator('#scan-token').waitFor(); // #/scan went straight to the account's venue
      assert.match(page.url(), new RegExp(`#/venues/${market.id}/scan$`));
      assert.match(await page.locator('#main h1').innerText(), /Chợ Phường Minh Khai/);
      await page.locator('#scan-token').fill(display);
      await page.locator('#scan-token').press('Enter');
      await page.locator('#scan-result[data-state="in"]').waitFor();
      assert.match(await page.locator('#scan-result').innerText(), new RegExp(`ĐÃ VÀO: ${p.full_name} \\(1990\\)`));
      assert.ok(await overflowX(page) <= 0);
      await shot(page, `scan-in-${vp.name}`);
      await page.locator('#scan-token').fill(token);
      await page.locator('#scan-out').click();
      await page.locator('#scan-result[data-state="out"]').waitFor();
      assert.match(await page.locator('#scan-result').innerText(), /ĐÃ RA/);
      assert.equal(await page.locator('#scan-log li').count(), 2);
      const row = sqlRows(server.db, 'SELECT flags, out_at IS NOT NULL FROM checkins WHERE person_id = ?', [p.id]);
      assert.deepEqual(row, [[2, 1]]);
      await page.locator('#scan-token').fill('SAI-MA-QR');
      await page.locator('#scan-in').click();
      await page.locator('#scan-result[data-state="error"]').waitFor();
      assert.match(await page.locator('#scan-result').innerText(), /Mã QR cá nhân/);
      await shot(page, `scan-error-${vp.name}`);
      errors.length = 0; // the 404 of the wrong code
      // Signed in, the public page still opens (it is "open").
      await page.goto(`/#/c/${market.public_code}`);
      await state(page, 'ready');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
