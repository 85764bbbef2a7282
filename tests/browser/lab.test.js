// tests/browser/lab.test.js: the testing pages (#/testing) on a desktop and a phone, over the demo
// database, signed in as the commune official (xa, 01834). The worklist shows samples taken through the
// API and a result entered with a row's button reaches the store; a lab result file with one bad row is
// refused with the line and column named and nothing saved; the corrected file is then taken whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, login, call } from '../lib/server.js';
import { launch, openPage, loginUI, shot, overflowX, settled, VIEWPORTS, stopServer } from './harness.js';

let server;
let browser;
let xa;
let dir;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'phongdich-lab-ui-'));
  server = await startServer({ demo: true });
  browser = await launch();
  xa = await login(server.url, 'xa', 'demo@xa2021');
  assert.equal(xa.status, 200);
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(server);
});

const api = (m, p, b) => call(server.url, xa, m, p, b);

// Two people of 01834 and a fresh RT-PCR sample of each, taken through the API.
async function freshSamples(skip) {
  const people = (await api('GET', '/api/people?unit=01834&limit=60')).body.items.filter((p) => !skip.has(p.id)).slice(0, 2);
  const samples = [];
  for (const p of people) {
    skip.add(p.id);
    const r = await api('POST', '/api/lab/samples', { person_id: p.id, kind: 'pcr', reason: 'screening' });
    assert.equal(r.status, 201, r.text);
    samples.push(r.body.sample);
  }
  return samples;
}

const used = new Set();

for (const vp of VIEWPORTS) {
  test(`worklist and a lab import with a bad row, then a good one (${vp.name})`, async () => {
    const [s1, s2] = await freshSamples(used);
    const { context, page, errors } = await openPage(browser, vp, server.url);
    try {
      await loginUI(page, 'xa', 'demo@xa2021');
      await page.goto('/#/testing');
      await page.locator('#lab-samples[data-state="ready"]').waitFor();
      await settled(page);
      const row = page.locator('.sample-row', { hasText: s1.label });
      await row.waitFor();
      assert.match(await row.innerText(), /Chờ kết quả/);
      await row.locator('button[data-result="negative"]').click();
      await page.locator('.sample-row', { hasText: s1.label }).locator('[data-result="negative"].lab-result').waitFor();
      assert.equal((await api('GET', `/api/lab/samples/${s1.id}`)).body.sample.result, 'negative');
      assert.ok((await overflowX(page)) <= 1, 'no sideways scrolling');
      await shot(page, `lab-worklist-${vp.name}`);

      // The import tab: one bad row -> line and column named, nothing saved.
      await page.locator('a[data-tab="import"]').click();
      await page.locator('#lab-import-file').waitFor({ state: 'attached' });
      const bad = path.join(dir, `ketqua-loi-${vp.name}.csv`);
      await writeFile(bad, `Mã mẫu,Kết quả\n${s2.label},Dương tính\n${s1.label.replace(/\d$/, 'X')},Âm tính\n`);
      await page.locator('#lab-import-file').setInputFiles(bad);
      await page.locator('#lab-import-submit').click();
      await page.locator('#lab-import-result[data-state="rejected"]').waitFor();
      const report = await page.locator('#lab-import-errors').innerText();
      assert.match(report, /Dòng 3, cột Mã mẫu/);
      assert.match(report, /Chưa ghi kết quả nào/);
      assert.equal((await api('GET', `/api/lab/samples/${s2.id}`)).body.sample.result, 'pending', 'nothing saved');
      await shot(page, `lab-import-errors-${vp.name}`);

      const good = path.join(dir, `ketqua-${vp.name}.csv`);
      await writeFile(good, `Mã mẫu,Kết quả\n${s2.label},Dương tính\n`);
      await page.locator('#lab-import-file').setInputFiles(good);
      await page.locator('#lab-import-submit').click();
      await page.locator('#lab-import-result[data-state="done"]').waitFor();
      assert.match(await page.locator('#lab-import-ok').innerText(), /1 kết quả mẫu/);
      assert.equal((await api('GET', `/api/lab/samples/${s2.id}`)).body.sample.result, 'positive');

      // The positive result is proposed as an F0.
      await page.locator('a[data-tab="proposals"]').click();
      await page.locator('#lab-proposals[data-state="ready"]').waitFor();
      assert.ok(await page.locator('.proposal-row', { hasText: s2.full_name }).count() >= 1, 'the positive is proposed');
      assert.ok((await overflowX(page)) <= 1, 'no sideways scrolling');
      // The refused file answers 400 on purpose; Chromium logs that one as a console error.
      assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
      assert.equal(errors.length, 1, 'exactly the refused import');
    } finally {
      await context.close();
    }
  });
}
