// tests/browser/directives.test.js: directives in the UI. The city official pastes the city's dispatch
// 2233/UBND-VP, reviews it beside its original text, corrects the subject, saves it; the dispatch page
// shows the correction, its chain up to the Government and its tasks; the health centre's board lists
// its task, which the official marks done (the API then says so). A commune account sees its own
// committee's tasks on the overdue-free board on a phone, without sideways scrolling; the draft screen
// shows the print view of the implementing dispatch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, settled, VIEWPORTS, stopServer } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'mat-khau-thu-nghiem-1';
const SUBJECT = 'Tiếp tục tăng cường phòng, chống dịch COVID-19 (đã sửa)';
let server;
let browser;
let text;
let docId;

before(async () => {
  text = await readFile(path.join(here, '..', 'api', 'data', 'directive-2233-UBND-VP.md'), 'utf8');
  server = await startServer({ demo: false, users: [
    { username: 'dv_huyen', role: 'district', unit: '058', password: PASSWORD },
    { username: 'dv_xa', role: 'commune', unit: '01834', password: PASSWORD },
  ] });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

test('import, correct, see the tasks on the agency board, mark one done (desktop)', async () => {
  const { context, page, errors } = await openPage(browser, VIEWPORTS[0], server.url);
  try {
    await loginUI(page, 'dv_huyen', PASSWORD);
    await page.goto('/#/directives');
    await settled(page);
    await page.locator('a', { hasText: 'Nhập văn bản' }).first().click();
    await page.locator('#dv-text').fill(text);
    await page.locator('#dv-read').click();
    await page.locator('#dv-review-form').waitFor();
    assert.match(await page.locator('#dv-original').innerText(), /Dương Hữu Bường/);
    assert.equal(await page.locator('#dv-number').inputValue(), '2233/UBND-VP');
    assert.equal(await page.locator('#dv-date').inputValue(), '15/11/2021');
    await page.locator('#dv-subject').fill(SUBJECT);
    await shot(page, 'directives-review-desktop');
    await page.locator('#dv-save').click();
    await page.waitForURL(/#\/directives\/\d+$/);
    docId = Number(page.url().match(/(\d+)$/)[1]);
    await settled(page);
    assert.ok((await page.locator('.details').innerText()).includes(SUBJECT), 'the correction was saved');
    const chain = await page.locator('#dv-chain').innerText();
    assert.match(chain, /8149\/CĐ-VPCP/);
    assert.match(chain, /7572\/UBND-VXNV/);
    await shot(page, 'directive-page-desktop');
    // the health centre's board
    await page.locator('.dv-task-list a', { hasText: 'Trung tâm Y tế' }).first().click();
    await page.waitForURL(/#\/directives\/agencies\/\d+$/);
    await settled(page);
    const cardSel = `.dv-card:has(a[href="#/directives/${docId}"])`;
    const card = page.locator(cardSel).first();
    await card.waitFor();
    const taskId = Number(await card.getAttribute('data-task'));
    await card.locator('button[data-action="done"]').click();
    await page.locator(`.dv-col[data-column="done"] .dv-card[data-task="${taskId}"]`).waitFor();
    await shot(page, 'directives-agency-board-desktop');
    const s = await login(server.url, 'dv_huyen', PASSWORD);
    const t = (await call(server.url, s, 'GET', `/api/tasks/${taskId}`)).body.task;
    assert.equal(t.status, 'done');
    assert.equal(t.progress, 100);
    // the directory: add an agency; it is there for the API too
    await page.goto('/#/directives/agencies');
    await page.locator('#dv-agencies').waitFor();
    await page.locator('#dv-agency-name').fill('Ban Quản lý chợ thành phố');
    await page.locator('#dv-agency-form button[type="submit"]').click();
    await page.locator('#dv-agencies a', { hasText: 'Ban Quản lý chợ thành phố' }).waitFor();
    const agencies = (await call(server.url, s, 'GET', '/api/agencies?unit=058')).body.items;
    assert.ok(agencies.some((a) => a.name === 'Ban Quản lý chợ thành phố' && a.kind === 'phong'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a commune sees its committee\'s tasks; the draft\'s print view (phone)', async () => {
  assert.ok(docId, 'the first test saved the dispatch');
  const { context, page, errors } = await openPage(browser, VIEWPORTS[1], server.url);
  try {
    await loginUI(page, 'dv_xa', PASSWORD);
    await page.goto(`/#/directives/${docId}/board`);
    await settled(page);
    const cards = page.locator('.dv-card');
    assert.ok(await cards.count() > 0);
    // the forms are only on the commune's own agencies' cards
    const forms = await page.locator('.dv-card:has(form.dv-report) strong').allInnerTexts();
    assert.ok(forms.length > 0);
    assert.ok(forms.every((n) => n.includes('Nguyễn Thị Minh Khai')), forms.join(' | '));
    assert.equal(await overflowX(page), 0);
    await shot(page, 'directive-board-phone');
    await page.goto(`/#/directives/${docId}/draft`);
    await page.locator('#dv-paper').waitFor();
    const paper = await page.locator('#dv-paper').innerText();
    assert.match(paper, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
    assert.match(paper, /PHƯỜNG NGUYỄN THỊ MINH KHAI/);
    await page.locator('#dv-d-signer').fill('Nguyễn Văn Thử');
    assert.match(await page.locator('#dv-paper').innerText(), /Nguyễn Văn Thử/);
    assert.equal(await overflowX(page), 0);
    await shot(page, 'directive-draft-phone');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
