// tests/browser/login.test.js: signing in and out on a desktop and a phone: the Vietnamese error on a
// wrong password and after too many attempts, the header (name, role, unit), the navigation filtered
// by the user's permissions, and that a page asked for before login opens after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import { launch, openPage, loginUI, shot, openNav, VIEWPORTS, overflowX, stopServer } from './harness.js';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const navLabels = async (page) => (await (await openNav(page)).locator('.nav-link').allInnerTexts()).map((t) => t.split('\n')[0].trim());

for (const vp of VIEWPORTS) {
  test(`login, header, permissions and logout (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      const admin = server.accounts.admin;
      await page.goto('/#/people');
      await page.locator('#login-username').waitFor();
      assert.equal(await page.locator('h1').innerText(), 'Hệ thống quản lý dân cư địa phương');
      assert.ok(await overflowX(page) <= 0, 'login page fits the viewport');
      await shot(page, `login-${vp.name}`);

      // Wrong password: a Vietnamese error, still on the login page.
      await page.locator('#login-username').fill('admin');
      await page.locator('#login-password').fill('sai-mat-khau');
      await page.locator('#login-submit').click();
      const alert = page.locator('#login-msg .alert-error');
      await alert.waitFor();
      const text = await alert.innerText();
      assert.match(text, /[ạảãáàăâđêôơưếềểễệốồổỗộớờởỡợứừửữựíìỉĩịúùủũụýỳỷỹỵóòỏõọéèẻẽẹ]/i, `Vietnamese error, got: ${text}`);
      assert.doesNotMatch(text, /bad_credentials/);
      assert.equal(await page.locator('#login-password').inputValue(), '', 'password cleared after failure');
      await shot(page, `login-error-${vp.name}`);
      errors.length = 0; // the 401 of the failed attempt is logged by the browser on purpose

      // Right password: back to the page asked for (#/people), with the header filled in.
      await page.locator('#login-password').fill(admin.password);
      await page.locator('#login-submit').click();
      await page.locator('.shell #main h1').waitFor();
      assert.match(page.url(), /#\/people/);
      assert.equal(await page.locator('#main h1').innerText(), 'Dân cư');
      const nav = await openNav(page);
      const userText = vp.isMobile ? await nav.locator('.user-card').innerText() : await page.locator('.topbar .user-box').innerText();
      assert.match(userText, /Quản trị hệ thống/);
      assert.match(userText, /Đăng xuất/);
      const labels = await navLabels(page);
      for (const l of ['Tổng quan', 'Dân cư', 'Hộ gia đình', 'Đơn vị hành chính', 'Nhập dữ liệu', 'Nhật ký truy cập', 'Tài khoản',
        'Khai báo y tế', 'Ca bệnh F0', 'Chuỗi lây nhiễm', 'Danh sách F1, F2', 'Đề xuất phong toả', 'Xét nghiệm', 'Cách ly', 'Điều trị', 'Tiêm chủng', 'Cấp độ dịch',
        'Văn bản chỉ đạo', 'Hỗ trợ', 'Dự báo']) assert.ok(labels.includes(l), `admin sees ${l}`);
      await shot(page, `nav-admin-${vp.name}`);

      // Logout returns to the login page, and the app is closed again.
      await page.locator(vp.isMobile ? '#sidenav [data-action="logout"]' : '.topbar [data-action="logout"]').click();
      await page.locator('#login-username').waitFor();
      await page.goto('/#/people');
      await page.locator('#login-username').waitFor();
      assert.equal(await page.locator('.shell').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`navigation follows the role's permissions (${vp.name})`, async () => {
    for (const [user, present, absent] of [
      ['todoi', ['Tổng quan', 'Dân cư', 'Hộ gia đình', 'Đơn vị hành chính', 'Ca bệnh F0'], ['Nhập dữ liệu', 'Nhật ký truy cập', 'Tài khoản']],
      ['xem', ['Tổng quan', 'Đơn vị hành chính', 'Cấp độ dịch'], ['Dân cư', 'Hộ gia đình', 'Nhập dữ liệu', 'Nhật ký truy cập', 'Tài khoản', 'Ca bệnh F0']],
      ['xa', ['Dân cư', 'Nhập dữ liệu'], ['Nhật ký truy cập', 'Tài khoản']],
    ]) {
      const { context, page, errors } = await openPage(browser, vp, server.url);
      try {
        await loginUI(page, user, server.accounts[user].password);
        const labels = await navLabels(page);
        for (const l of present) assert.ok(labels.includes(l), `${user} sees ${l}`);
        for (const l of absent) assert.ok(!labels.includes(l), `${user} does not see ${l}`);
        // A page the role may not use says so instead of failing.
        await page.goto('/#/users');
        await page.locator('#main h1', { hasText: 'Không có quyền truy cập' }).waitFor();
        if (user === 'xem') {
          await page.goto('/#/people');
          await page.locator('#main h1', { hasText: 'Không có quyền truy cập' }).waitFor();
        }
        await shot(page, `nav-${user}-${vp.name}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });
}

test('too many failed logins: the 429 message is shown', async () => {
  // A server of its own: the limit also blocks the IP, which every test shares.
  const own = await startServer({ demo: false, users: [{ username: 'canbo', role: 'admin', password: 'mat-khau-dung-123' }] });
  const { context, page } = await openPage(browser, VIEWPORTS[0], own.url);
  try {
    await page.goto('/');
    let last = '';
    let status = 0;
    for (let i = 0; i < 7; i++) {
      await page.locator('#login-username').fill('canbo');
      await page.locator('#login-password').fill(`sai-${i}`);
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/login'));
      await page.locator('#login-submit').click();
      const res = await answer;
      await page.locator('#login-submit:not([disabled])').waitFor();
      last = await page.locator('#login-msg').innerText();
      status = res.status();
      if (status === 429) break;
    }
    assert.equal(status, 429, 'the server throttles after repeated failures');
    assert.match(last, /thử lại/i, `rate-limit message, got: ${last}`);
    await shot(page, 'login-rate-limited-desktop');
  } finally {
    await context.close();
    await stopServer(own);
  }
});

test('an expired session returns to the login page, then back to the page (desktop)', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'huyen', server.accounts.huyen.password);
    await page.goto('/#/people');
    await page.locator('#people-results[data-state="ready"]').waitFor();
    // End the session behind the page's back (as an expiry would).
    const me = await (await page.request.get('/api/me')).json();
    const out = await page.request.post('/api/logout', { headers: { 'X-CSRF-Token': me.csrf }, data: {} });
    assert.equal(out.status(), 200);
    await page.locator('#people-search').fill('nguyen');
    await page.locator('#login-username').waitFor();
    assert.match(await page.locator('#login-msg').innerText(), /Phiên đăng nhập đã hết hạn/);
    assert.match(page.url(), /#\/login\?next=/);
    await page.locator('#login-username').fill('huyen');
    await page.locator('#login-password').fill(server.accounts.huyen.password);
    await page.locator('#login-submit').click();
    await page.locator('#people-search').waitFor();
    assert.match(page.url(), /#\/people\?q=nguyen/);
    await page.locator('#people-results[data-state="ready"][data-q="nguyen"]').waitFor();
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  } finally {
    await context.close();
  }
});
