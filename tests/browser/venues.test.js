// tests/browser/venues.test.js: the venue pages on a desktop and a phone, as a commune official: the
// empty list, adding a venue (with the per-field error when the name is missing), its page with the
// QR poster shown and downloadable (the downloaded PNG's QR code is decoded by zbarimg), editing the
// stay, searching the list without diacritics, and the day's check-ins on the venue page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, settled, overflowX, VIEWPORTS, stopServer, ARTIFACTS, openNav } from './harness.js';
import { tokenFor, decodeQr, pub } from '../api/venues-world.js';

const PASSWORD = 'mat-khau-thu-nghiem-1';
let server;
let browser;
let adminSess;

before(async () => {
  server = await startServer({ demo: false, serveArgs: ['--checkin-rate', '100000'], users: [
    { username: 'kt_admin', role: 'admin', password: PASSWORD },
    { username: 'kt_xa', role: 'commune', unit: '01834', password: PASSWORD, name: 'Cán bộ phường' },
  ] });
  browser = await launch();
  adminSess = await login(server.url, 'kt_admin', PASSWORD);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

for (const vp of VIEWPORTS) {
  test(`venues: add, poster, edit, search, check-ins (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const name = `Chợ Đêm Phố Cổ ${vp.name === 'phone' ? 'Hai' : 'Một'}`;
    try {
      await loginUI(page, 'kt_xa', PASSWORD);
      const nav = await openNav(page);
      await nav.locator('.nav-link', { hasText: 'Địa điểm & mã QR' }).click();
      await page.locator('#venues-results[data-state="ready"]').waitFor();
      assert.equal(await page.locator('#main h1').innerText(), 'Địa điểm & mã QR');

      // Add: the name is required (a per-field error in Vietnamese), then saved.
      await page.locator('a', { hasText: '+ Thêm địa điểm' }).click();
      await page.locator('#venue-form').waitFor();
      await page.waitForFunction(() => document.querySelector('#vf-unit-3').value === '01834');
      await page.locator('#vf-kind').selectOption('market');
      await page.locator('#vf-save').click();
      await page.locator('#vf-name-error:not([hidden])').waitFor();
      assert.match(await page.locator('#vf-name-error').innerText(), /Tên địa điểm không được để trống/);
      await shot(page, `venue-form-error-${vp.name}`);
      errors.length = 0; // the 400 answer to the empty name is logged by the browser on purpose
      await page.locator('#vf-name').fill(name);
      await page.locator('#vf-address').fill('Số 5 đường Trường Chinh');
      await page.locator('#vf-responsible_name').fill('Hoàng Thị Mai');
      await page.locator('#vf-responsible_phone').fill('0912 345 678');
      assert.match(await page.locator('.field[data-field="vf-default_stay_minutes"] .hint').innerText(), /1 giờ/);
      await page.locator('#vf-save').click();
      await page.locator('#venue-detail').waitFor();
      assert.equal(await page.locator('#main h1').innerText(), name);
      const id = await page.locator('#venue-detail').getAttribute('data-id');
      const code = await page.locator('#venue-detail').getAttribute('data-code');
      assert.match(code, /^[a-z2-9]{12}$/);
      assert.match(await page.locator('#venue-detail').innerText(), /0912345678/);

      // The poster preview is drawn (the SVG from the API), and the PNG download holds the right QR.
      await page.waitForFunction(() => {
        const img = document.querySelector('#venue-poster img');
        return img && img.complete && img.naturalWidth > 0;
      });
      await settled(page);
      assert.ok(await overflowX(page) <= 0, 'the venue page fits');
      await shot(page, `venue-detail-${vp.name}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#poster-png').click()]);
      const file = path.join(ARTIFACTS, `venue-poster-${vp.name}.png`);
      await download.saveAs(file);
      assert.equal(decodeQr(file), `${server.url.replace(/\/$/, '')}/#/c/${code}`);
      const pdfHref = await page.locator('#poster-pdf').getAttribute('href');
      const pdf = await page.request.get(pdfHref);
      assert.equal(pdf.headers()['content-type'], 'application/pdf');

      // Edit: a stay of its own.
      await page.locator('a', { hasText: 'Sửa' }).first().click();
      await page.locator('#venue-form').waitFor();
      await page.locator('#vf-default_stay_minutes').fill('45');
      await page.locator('#vf-save').click();
      await page.locator('#venue-detail').waitFor();
      assert.match(await page.locator('#venue-detail').innerText(), /45 phút/);

      // A visitor checks in (public API); the venue page lists them for today.
      const p = await call(server.url, adminSess, 'POST', '/api/people', { full_name: `Khách Ghé Chợ ${vp.name === 'phone' ? 'Hai' : 'Một'}`, unit_code: '01834', phone: vp.name === 'phone' ? '0913000002' : '0913000001' });
      assert.equal(p.status, 201, p.text);
      const tok = tokenFor(server.db, p.body.person.id);
      assert.equal((await pub(server.url, 'POST', '/api/public/checkins', { code, token: tok })).status, 201);
      await page.reload();
      await page.locator('#venue-checkins[data-state="ready"]').waitFor();
      assert.equal(await page.locator('#venue-checkins-table tbody tr').count(), 1);
      assert.match(await page.locator('#venue-checkins-table').innerText(), new RegExp(p.body.person.full_name));
      assert.match(await page.locator('#venue-checkins-table').innerText(), /Đang ở/);
      const display = await page.locator('#venue-checkins-table tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
      assert.equal(display, vp.isMobile ? 'block' : 'table-row', 'rows become cards on a phone');
      await shot(page, `venue-checkins-${vp.name}`);

      // The list: search without diacritics.
      await page.goto('/#/venues');
      await page.locator('#venues-results[data-state="ready"]').waitFor();
      await page.locator('#venues-search').fill('cho dem pho co');
      await page.locator('#venues-results[data-state="ready"][data-q="cho dem pho co"]').waitFor();
      const names = await page.locator('#venues-table .venue-link').allInnerTexts();
      assert.ok(names.includes(name), `found ${names}`);
      await page.locator('#venues-search').fill('khong co dau ca');
      await page.locator('#venues-results[data-state="ready"][data-q="khong co dau ca"]').waitFor();
      assert.match(await page.locator('#venues-results').innerText(), /Không tìm thấy/);
      assert.ok(await overflowX(page) <= 0);
      await shot(page, `venues-list-${vp.name}`);
      assert.ok(Number(id) > 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
