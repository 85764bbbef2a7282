// tests/api/directives.test.js: directives over HTTP, end to end with the reader: a real dispatch of the
// city (tests/api/data/directive-2233-UBND-VP.md, 2233/UBND-VP of 15/11/2021) read for review without
// saving, corrected and saved; its stubs and chain; its tasks checked against the agencies directory
// (an independent count by kind); who may see, save and report (commune of another district: 404 like
// a missing record); progress reports with an attached file read back byte for byte; overdue; the
// XLSX export read by openpyxl and the .docx draft opened by python3-docx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, run } from '../lib/server.js';
import { PASSWORD, mustLogin, bind, expectStatus, callRaw, stopClean } from '../lib/fixture.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const USERS = {
  admin: { role: 'admin' },
  province: { role: 'province', unit: '06' },
  district: { role: 'district', unit: '058' },
  commune: { role: 'commune', unit: '01834' },
  team: { role: 'team', unit: '01834' },
  viewer: { role: 'viewer', unit: '058' },
  district060: { role: 'district', unit: '060' },
  commune060: { role: 'commune', unit: '01858' },
};
const GROUP_KINDS = ['phong', 'ban', 'trung_tam', 'cong_an', 'quan_su', 'doan_the'];

let srv;
const api = {};
const sess = {};
let text;
let reader; // what the reader gave
let doc; // the saved directive
let tmp;

// Debian's python3 with python3-openpyxl / python3-docx (not a virtualenv's).
const PY = '/usr/bin/python3';
function python(code, ...args) {
  return execFileSync(PY, ['-c', code, ...args], { encoding: 'utf8' });
}
function hasModule(name) {
  try { execFileSync(PY, ['-c', `import ${name}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

before(async () => {
  text = await readFile(path.join(here, 'data', 'directive-2233-UBND-VP.md'), 'utf8');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'phongdich-directives-'));
  const users = Object.entries(USERS).map(([name, u]) => ({ username: `dv_${name}`, role: u.role, unit: u.unit,
    password: PASSWORD }));
  srv = await startServer({ demo: false, users });
  for (const name of Object.keys(USERS)) {
    sess[name] = await mustLogin(srv.url, `dv_${name}`);
    api[name] = bind(srv.url, sess[name]);
  }
});

after(async () => { if (srv) await stopClean(srv); });

test('reading for review saves nothing; viewers may not', async () => {
  expectStatus(await api.viewer('POST', '/api/directives/parse', { text }), 403, 'viewer parse');
  const r = expectStatus(await api.district('POST', '/api/directives/parse', { text }), 200, 'parse');
  reader = r.parsed;
  assert.equal(r.text, text);
  assert.equal(reader.number, '2233/UBND-VP');
  assert.equal(reader.date, '2021-11-15');
  assert.ok(reader.items.length >= 4);
  const list = expectStatus(await api.district('GET', '/api/directives?stubs=1'), 200, 'list');
  assert.equal(list.items.length, 0, 'parse must not save');
  const up = expectStatus(await api.district('POST', '/api/directives/parse-file?name=cv.md', Buffer.from(text)),
    200, 'parse upload');
  assert.equal(up.parsed.number, '2233/UBND-VP');
  expectStatus(await api.district('POST', '/api/directives/parse-file?name=cv.pdf', Buffer.from(text)), 415, 'pdf');
  const empty = expectStatus(await api.district('POST', '/api/directives/parse', { text: '' }), 400, 'empty');
  assert.equal(empty.field, 'text');
});

test('the corrected structure is saved with the original text', async () => {
  const corrected = structuredClone(reader);
  corrected.subject = 'Đã sửa: thực hiện Công điện số 8149/CĐ-VPCP';
  corrected.items[1].due_date = '2099-12-31';
  expectStatus(await api.team('POST', '/api/directives', { text, parsed: corrected }), 403, 'team save');
  const bad = structuredClone(corrected);
  bad.date = '31/02/2021';
  assert.equal(expectStatus(await api.district('POST', '/api/directives', { text, parsed: bad }), 400, 'bad date').field,
    'date');
  doc = expectStatus(await api.district('POST', '/api/directives', { text, parsed: corrected, reader }), 201, 'save')
    .directive;
  assert.equal(doc.subject, corrected.subject);
  assert.equal(doc.parsed.subject, reader.subject, 'the reader\'s structure is kept too');
  assert.equal(doc.original_text, text);
  assert.equal(doc.issuer_unit, '058');
  assert.equal(doc.items[1].due_date, '2099-12-31');
  const again = expectStatus(await api.district('POST', '/api/directives', { text, parsed: corrected }), 409, 'again');
  assert.equal(again.field, 'number');
});

test('tasks follow the items and the directory', async () => {
  const agencies = expectStatus(await api.district('GET', '/api/agencies?unit=058'), 200, 'agencies').items;
  const count = (kinds) => agencies.filter((a) => kinds.includes(a.kind)).length;
  const tasks = expectStatus(await api.district('GET', `/api/directives/${doc.id}/tasks`), 200, 'tasks').items;
  const byItem = (label) => tasks.filter((t) => t.item_label === label);
  // 1: the departments and mass organisations group + every commune's steering committee
  assert.equal(byItem(doc.items[0].label).length, count(GROUP_KINDS) + count(['bcd_xa']));
  // 4: the labour office + every commune's UBND; "các đơn vị liên quan" is left for the official
  const four = byItem(doc.items[3].label);
  assert.equal(four.length, 1 + count(['ubnd_xa']));
  assert.ok(four.some((t) => t.agency_name === 'Phòng Lao động - Thương binh và Xã hội'));
  const open = doc.mentions.filter((m) => !m.matched);
  assert.ok(open.some((m) => m.text === 'các đơn vị liên quan'), JSON.stringify(open));
  // mapping it creates the task
  const yte = agencies.find((a) => a.name === 'Phòng Y tế');
  const m = open.find((x) => x.text === 'các đơn vị liên quan');
  expectStatus(await api.commune060('POST', `/api/directive-mentions/${m.id}`, { agency_id: yte.id }), 404, 'far map');
  const r = expectStatus(await api.district('POST', `/api/directive-mentions/${m.id}`, { agency_id: yte.id }), 200, 'map');
  assert.equal(r.tasks_added, 1);
});

test('the chain reaches the province and the Government through stubs', async () => {
  const c = expectStatus(await api.commune('GET', `/api/directives/${doc.id}/chain`), 200, 'chain');
  const numbers = c.ancestors.map((a) => a.number).sort();
  assert.deepEqual(numbers, ['7572/UBND-VXNV', '8149/CĐ-VPCP']);
  assert.ok(c.ancestors.every((a) => a.stub));
  const gov = c.ancestors.find((a) => a.number === '8149/CĐ-VPCP');
  const down = expectStatus(await api.viewer('GET', `/api/directives/${gov.id}/chain`), 200, 'down');
  assert.ok(down.descendants.some((d) => d.id === doc.id));
  assert.ok(down.descendants.some((d) => d.number === '7572/UBND-VXNV'), 'the province implements the Government');
});

test('who sees the dispatch: its chain, not another district', async () => {
  const want = { admin: 200, province: 200, district: 200, commune: 200, team: 200, viewer: 200, district060: 404,
    commune060: 404 };
  for (const [who, status] of Object.entries(want)) {
    const r = await api[who]('GET', `/api/directives/${doc.id}`);
    assert.equal(r.status, status, `${who}: ${r.text.slice(0, 200)}`);
  }
  const far = await api.commune060('GET', `/api/directives/${doc.id}`);
  const missing = await api.commune060('GET', '/api/directives/987654');
  assert.equal(far.text, missing.text, 'out of scope answers as missing');
  const list = expectStatus(await api.district060('GET', '/api/directives'), 200, 'far list');
  assert.ok(!list.items.some((d) => d.id === doc.id));
});

test('reports on one\'s own agency\'s tasks, files and overdue', async () => {
  const mine = expectStatus(await api.team('GET', '/api/tasks'), 200, 'team tasks').items;
  assert.ok(mine.length > 0);
  assert.ok(mine.every((t) => t.unit_code === '01834'), 'a commune sees its own agencies\' tasks');
  assert.equal(expectStatus(await api.commune060('GET', '/api/tasks'), 200, 'far tasks').items.length, 0);
  const all = expectStatus(await api.district('GET', `/api/directives/${doc.id}/tasks`), 200, 'tasks').items;
  const city = all.find((t) => t.unit_code === '058' && t.agency_name.startsWith('Trung tâm Y tế'));
  expectStatus(await api.team('POST', `/api/tasks/${city.id}/reports`, { status: 'done' }), 404, 'team on city task');
  expectStatus(await api.viewer('POST', `/api/tasks/${city.id}/reports`, { status: 'done' }), 403, 'viewer');
  const done = expectStatus(await api.team('POST', `/api/tasks/${mine[0].id}/reports`, { status: 'done', note: 'Xong' }),
    201, 'team report');
  assert.equal(done.task.status, 'done');
  assert.equal(done.task.progress, 100);
  const bad = expectStatus(await api.district('POST', `/api/tasks/${city.id}/reports`, { status: 'xong' }), 400, 'bad');
  assert.equal(bad.field, 'status');
  const rep = expectStatus(await api.district('POST', `/api/tasks/${city.id}/reports`,
    { status: 'in_progress', progress: 50, note: 'Đã lập kế hoạch' }), 201, 'report');
  const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x41]);
  const f = expectStatus(await api.district('POST',
    `/api/tasks/${city.id}/reports/${rep.report_id}/files?name=${encodeURIComponent('Biên bản họp.pdf')}`, bytes,
    { 'Content-Type': 'application/pdf' }), 201, 'attach').file;
  const got = await callRaw(srv.url, sess.viewer, 'GET', `/api/task-files/${f.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual([...got.buf], [...bytes]);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.match(got.headers.get('content-disposition'), /filename\*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp\.pdf/);
  assert.equal((await callRaw(srv.url, sess.commune060, 'GET', `/api/task-files/${f.id}`)).status, 404);
  // due dates: the commune may not move the city's, the city may
  expectStatus(await api.commune('PUT', `/api/tasks/${city.id}/due`, { due_date: '2000-01-01' }), 404, 'commune due');
  const od = expectStatus(await api.district('PUT', `/api/tasks/${city.id}/due`, { due_date: '01/01/2000' }), 200, 'due');
  assert.equal(od.task.status, 'overdue');
  const overdue = expectStatus(await api.district('GET', '/api/tasks?overdue=1'), 200, 'overdue').items;
  assert.ok(overdue.some((t) => t.id === city.id));
  assert.ok(overdue.every((t) => t.status === 'overdue' && t.due_date < new Date().toISOString().slice(0, 10)));
  assert.ok(!overdue.some((t) => t.id === mine[0].id), 'done is never overdue');
});

test('XLSX of a directive\'s tasks reads back with openpyxl', { skip: !hasModule('openpyxl') && 'python3-openpyxl missing' }, async () => {
  const all = expectStatus(await api.district('GET', `/api/directives/${doc.id}/tasks`), 200, 'tasks').items;
  const r = await callRaw(srv.url, sess.district, 'GET', `/api/directives/${doc.id}/tasks.xlsx`);
  assert.equal(r.status, 200);
  const file = path.join(tmp, 'tasks.xlsx');
  await writeFile(file, r.buf);
  const out = JSON.parse(python(`import json,sys,openpyxl
ws=openpyxl.load_workbook(sys.argv[1]).active
rows=[[c for c in r] for r in ws.iter_rows(values_only=True)]
print(json.dumps({"n":len(rows),"head":rows[0],"agencies":[r[5] for r in rows[1:]]}))`, file));
  assert.equal(out.n, all.length + 1);
  assert.equal(out.head[5], 'Cơ quan');
  assert.deepEqual(out.agencies.sort(), all.map((t) => t.agency_name).sort());
  assert.equal((await callRaw(srv.url, sess.commune060, 'GET', `/api/directives/${doc.id}/tasks.xlsx`)).status, 404);
});

test('the implementing draft opens in python-docx', { skip: !hasModule('docx') && 'python3-docx missing' }, async () => {
  expectStatus(await api.viewer('GET', `/api/directives/${doc.id}/draft`), 403, 'viewer draft');
  const draft = expectStatus(await api.commune('GET', `/api/directives/${doc.id}/draft`), 200, 'draft').draft;
  assert.equal(draft.issuer_lines[1], 'PHƯỜNG NGUYỄN THỊ MINH KHAI');
  assert.match(draft.basis, /^Thực hiện Công văn số 2233\/UBND-VP ngày 15\/11\/2021 của UBND thành phố Bắc Kạn về /);
  draft.signer.name = 'Nguyễn Văn Thử';
  const r = await fetch(new URL('/api/directives/draft.docx', srv.url), {
    method: 'POST',
    headers: { Cookie: sess.commune.cookie, 'X-CSRF-Token': sess.commune.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ draft }),
  });
  assert.equal(r.status, 200);
  const bytes = Buffer.from(await r.arrayBuffer());
  const file = path.join(tmp, 'draft.docx');
  await writeFile(file, bytes);
  // the reader takes the draft back: it implements the city's dispatch
  const back = expectStatus(await api.commune('POST', '/api/directives/parse-file?name=du-thao.docx', bytes), 200, 'reread');
  assert.match(back.parsed.issuer, /NGUYỄN THỊ MINH KHAI/);
  assert.ok(back.parsed.references.some((x) => x.number === '2233/UBND-VP'), JSON.stringify(back.parsed.references));
  // saved by the commune, it carries the chain down: Government -> province -> city -> commune
  const mine = expectStatus(await api.commune('POST', '/api/directives', { text: back.text, parsed: back.parsed }), 201,
    'commune saves its dispatch').directive;
  assert.equal(mine.issuer_unit, '01834');
  const up = expectStatus(await api.commune('GET', `/api/directives/${mine.id}/chain`), 200, 'commune chain').ancestors;
  assert.deepEqual(up.map((d) => d.number).sort(), ['2233/UBND-VP', '7572/UBND-VXNV', '8149/CĐ-VPCP']);
  const down = expectStatus(await api.district('GET', `/api/directives/${doc.id}/chain`), 200, 'city chain').descendants;
  assert.ok(down.some((d) => d.id === mine.id));
  assert.equal((await api.commune060('GET', `/api/directives/${mine.id}`)).status, 404);
  const out = JSON.parse(python(`import json,sys,docx
d=docx.Document(sys.argv[1])
cells=[p.text for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs]
print(json.dumps({"body":[p.text for p in d.paragraphs],"cells":cells}))`, file));
  assert.ok(out.cells.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
  assert.ok(out.cells.includes('Nguyễn Văn Thử'));
  assert.ok(out.body.some((p) => p.startsWith('Thực hiện Công văn số 2233/UBND-VP')));
  assert.equal(out.body.filter((p) => /^\d+\.\s/.test(p)).length, draft.items.length);
});

test('the CLI lists the same documents and tasks', async () => {
  const docs = JSON.parse((await run(['directive', 'list', '--db', srv.db, '--json'])).stdout);
  assert.ok(docs.some((d) => d.id === doc.id && d.number === '2233/UBND-VP'));
  const tasks = JSON.parse((await run(['directive', 'tasks', '--db', srv.db, '--doc', String(doc.id), '--json'])).stdout);
  const viaApi = expectStatus(await api.district('GET', `/api/directives/${doc.id}/tasks`), 200, 'tasks').items;
  assert.deepEqual(tasks.map((t) => t.id).sort((a, b) => a - b), viaApi.map((t) => t.id).sort((a, b) => a - b));
  const overdue = JSON.parse((await run(['directive', 'overdue', '--db', srv.db, '--json'])).stdout);
  assert.ok(overdue.length > 0 && overdue.every((t) => t.status === 'overdue'));
  const bad = await run(['directive', 'nope', '--db', srv.db]);
  assert.equal(bad.code, 2);
});

test('every endpoint refuses another district\'s commune (404) and a viewer\'s writes (403)', async () => {
  const tasks = expectStatus(await api.district('GET', `/api/directives/${doc.id}/tasks`), 200, 'tasks').items;
  const t = tasks.find((x) => x.unit_code === '058');
  const rep = expectStatus(await api.district('POST', `/api/tasks/${t.id}/reports`, { status: 'in_progress', progress: 20 }),
    201, 'report').report_id;
  const before = expectStatus(await api.district('GET', `/api/tasks/${t.id}`), 200, 'task').task;
  const cases = [
    ['GET', `/api/directives/${doc.id}/chain`, undefined, 404, 200],
    ['GET', `/api/directives/${doc.id}/tasks`, undefined, 404, 200],
    ['GET', `/api/directives/${doc.id}/draft`, undefined, 404, 403],
    ['GET', `/api/tasks/${t.id}`, undefined, 404, 200],
    ['PUT', `/api/tasks/${t.id}/due`, { due_date: '2030-01-01' }, 404, 403],
    ['POST', `/api/tasks/${t.id}/reports`, { status: 'done' }, 404, 403],
    ['POST', `/api/tasks/${t.id}/reports/${rep}/files?name=x.txt`, Buffer.from('x'), 404, 403],
    ['POST', '/api/agencies/seed', { unit_code: '058' }, 404, 403],
  ];
  for (const [method, url, body, far, viewer] of cases) {
    const a = await api.commune060(method, url, body);
    assert.equal(a.status, far, `commune060 ${method} ${url}: ${a.text.slice(0, 200)}`);
    const b = await api.viewer(method, url, body);
    assert.equal(b.status, viewer, `viewer ${method} ${url}: ${b.text.slice(0, 200)}`);
  }
  const after = expectStatus(await api.district('GET', `/api/tasks/${t.id}`), 200, 'task').task;
  assert.deepEqual(after, before, 'refused writes changed nothing');
});
