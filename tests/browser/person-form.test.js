// tests/browser/person-form.test.js: creating and editing a person on a desktop and a phone: the API's
// per-field errors shown next to the fields, the duplicate warning with links and "Vẫn lưu", and the
// message when someone else saved the record first (stale version).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
let api;

before(async () => {
  server = await startServer({ demo: true, seed: 1 });
  browser = await launch();
  api = await login(server.url, 'xa', server.accounts.xa.password);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

async function fill(page, values) {
  for (const [k, v] of Object.entries(values)) {
    const el = page.locator(`#pf-${k}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(v);
    else await el.fill(v);
  }
}

for (const [i, vp] of VIEWPORTS.entries()) {
  test(`person form: field errors, duplicates, stale version (${vp.name})`, async () => {
    const { context, page, errors } = await openPage(browser, vp, server.url);
    const phone = `03991112${i}${i}`;
    const name = `Lương Văn Kiểm${vp.name === 'desktop' ? 'tra' : 'thu'}`;
    try {
      await loginUI(page, 'xa', server.accounts.xa.password);
      await page.goto('/#/people/new');
      await page.locator('#person-form').waitFor();
      // The commune user's commune is fixed in the unit picker.
      await page.waitForFunction(() => document.querySelector('#pf-unit-3').value === '01834');

      // 1. Invalid phone and impossible date: errors next to those fields, nothing saved.
      await fill(page, { full_name: name, birth_date: '31/02/1990', phone: '12345', sex: 'M', address: 'Số 9, Tổ 1' });
      await page.locator('#pf-save').click();
      await page.locator('#pf-phone-error:not([hidden])').waitFor();
      await page.locator('#pf-birth_date-error:not([hidden])').waitFor();
      assert.ok((await page.locator('#pf-phone-error').innerText()).length > 3);
      assert.equal(await page.locator('#pf-phone').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#pf-full_name-error').isVisible(), false, 'no error on a good field');
      assert.match(page.url(), /#\/people\/new/);
      await shot(page, `person-form-errors-${vp.name}`);

      // 2. Fixed: saved, and the record opens.
      await fill(page, { birth_date: '12/03/1985', phone });
      await page.locator('#pf-save').click();
      await page.locator('#person-detail').waitFor();
      const firstId = await page.locator('#person-detail').getAttribute('data-id');
      assert.equal(await page.locator('#main h1').innerText(), name);
      assert.match(await page.locator('#person-detail').innerText(), /12\/03\/1985/);

      // 3. Same phone again: the duplicate is listed with a link, "Vẫn lưu" keeps both.
      await page.goto('/#/people/new');
      await page.waitForFunction(() => document.querySelector('#pf-unit-3').value === '01834');
      await fill(page, { full_name: `${name} Hai`, birth_date: '1990', phone });
      await page.locator('#pf-save').click();
      await page.locator('#duplicates').waitFor();
      const links = await page.locator('#duplicates a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.includes(`#/people/${firstId}`), `links to the first record: ${links}`);
      assert.match(await page.locator('#duplicates').innerText(), /số điện thoại/);
      await shot(page, `person-form-duplicate-${vp.name}`);
      await page.locator('#pf-save-anyway').click();
      await page.locator('#person-detail').waitFor();
      const secondId = await page.locator('#person-detail').getAttribute('data-id');
      assert.notEqual(secondId, firstId);

      // 4. Someone else saves a record while it is being edited: the stale version is refused.
      const other = (await call(server.url, api, 'GET', `/api/people?limit=1&after=${100 + i}`)).body.items[0];
      const otherId = other.id;
      await page.goto(`/#/people/${otherId}/edit`);
      await page.locator('#person-form').waitFor();
      await page.waitForFunction(() => document.querySelector('#pf-unit-3').value === '01834');
      const current = (await call(server.url, api, 'GET', `/api/people/${otherId}`)).body.person;
      const res = await call(server.url, api, 'PUT', `/api/people/${otherId}`, { ...current, occupation: 'Giáo viên' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await fill(page, { occupation: 'Nông dân' });
      await page.locator('#pf-save').click();
      await page.locator('#conflict-message').waitFor();
      assert.match(await page.locator('#conflict-message').innerText(), /người khác cập nhật/);
      await shot(page, `person-form-conflict-${vp.name}`);
      await page.locator('button', { hasText: 'Tải bản mới nhất' }).click();
      await page.waitForFunction(() => document.querySelector('#pf-occupation') && document.querySelector('#pf-occupation').value === 'Giáo viên');
      // Saving the fresh copy works.
      await fill(page, { occupation: 'Nông dân' });
      await page.locator('#pf-save').click();
      await page.locator('#person-detail').waitFor();
      assert.match(await page.locator('#person-detail').innerText(), /Nông dân/);
      assert.deepEqual(errors.filter((e) => !/status of (400|409)/.test(e)), []);
    } finally {
      await context.close();
    }
  });
}

test('household: add an existing person with a relation (desktop)', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'xa', server.accounts.xa.password);
    // A new household, then a person found by name added to it.
    await page.goto('/#/households/new');
    await page.waitForFunction(() => document.querySelector('#hf-unit-3').value === '01834');
    await page.locator('#hf-address').fill('Số 99, Tổ 1');
    await page.locator('#hf-save').click();
    await page.locator('#household-info').waitFor();
    assert.match(await page.locator('#main').innerText(), /Hộ chưa có thành viên nào/);
    const someone = (await call(server.url, api, 'GET', '/api/people?q=nguyen&limit=1')).body.items[0];
    await page.locator('#hm-search').fill(someone.full_name);
    await page.locator('#hm-results .pick').first().waitFor();
    await page.locator('#hm-results .pick', { hasText: someone.full_name }).first().click();
    await page.locator('#hm-relation').fill('Chủ hộ');
    await page.locator('#hm-add').click();
    await page.locator('#members-table .member-row').first().waitFor();
    assert.match(await page.locator('#members-table').innerText(), /Chủ hộ/);
    // Make them the head.
    await page.locator('#members-table button', { hasText: 'Đặt làm chủ hộ' }).first().click();
    await page.locator('#members-table .badge', { hasText: 'Chủ hộ' }).waitFor();
    await shot(page, 'household-member-added-desktop');

    // From a person without a household: create one with them as head.
    const created = await call(server.url, api, 'POST', '/api/people', { full_name: 'Đinh Thị Chủhộ', birth_date: '1970', unit_code: '01834' });
    assert.equal(created.status, 201, created.text);
    const pid = created.body.person.id;
    await page.goto(`/#/people/${pid}`);
    await page.locator('#person-detail').waitFor();
    await page.locator('a', { hasText: 'Tạo hộ với người này là chủ hộ' }).click();
    await page.waitForFunction(() => document.querySelector('#hf-unit-3') && document.querySelector('#hf-unit-3').value === '01834');
    assert.equal(await page.locator('#hf-head').inputValue(), String(pid));
    await page.locator('#hf-address').fill('Số 5, Tổ 2');
    await page.locator('#hf-save').click();
    await page.locator('#members-table .member-row').first().waitFor();
    assert.match(await page.locator('#members-table').innerText(), /Đinh Thị Chủhộ/);
    assert.match(await page.locator('#household-info').innerText(), /Đinh Thị Chủhộ/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
