// tests/api/trace.test.js: tracing over HTTP on the demo outbreak: saved contacts with evidence, household
// members always among the F1, re-running adds nothing, the 15-minute rule only narrows the list, who may
// use which endpoint, contacts filtered to the caller's scope, the hand-off list and its XLSX read back by
// a real reader (openpyxl), the chains' arrays, possible sources naming the demo's chain, and the CLI
// contracts (`case list --json`, `trace --case ID --json`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, startServer, login } from '../lib/server.js';
import { bind, callRaw, expectStatus, stopClean } from '../lib/fixture.js';

let srv;
const api = {};
const sess = {};
let cases = [];

before(async () => {
  srv = await startServer({ demo: true });
  for (const u of ['admin', 'huyen', 'xa', 'todoi', 'xem', 'congan', 'cho']) {
    const s = await login(srv.url, u, `demo@${u}2021`);
    assert.equal(s.status, 200, `login ${u}`);
    sess[u] = s;
    api[u] = bind(srv.url, s);
  }
  cases = expectStatus(await api.admin('GET', '/api/cases?limit=500'), 200, 'case list').items;
});

after(async () => { if (srv) await stopClean(srv); });

const ids = (list) => list.map((c) => c.person_id).sort((a, b) => a - b);

test('the demo opens on traced cases with F1 and F2', () => {
  assert.ok(cases.length >= 5, `demo cases: ${cases.length}`);
  assert.ok(cases.some((c) => c.f1_count > 0 && c.f2_count > 0), 'a case with both F1 and F2');
  assert.ok(cases.some((c) => c.source_case_id), 'a case with a named source');
});

test('saved contacts carry evidence, household members are F1', async () => {
  const c = cases.find((k) => k.f1_count > 0);
  const body = expectStatus(await api.admin('GET', `/api/cases/${c.id}/contacts`), 200, 'contacts');
  assert.equal(body.f1.length, c.f1_count);
  assert.equal(body.f2.length, c.f2_count);
  for (const k of [...body.f1, ...body.f2]) {
    assert.ok(k.evidence.length >= 1, `evidence for ${k.person_id}`);
    assert.ok(['household', 'venue', 'declared', 'manual'].includes(k.evidence[0].kind));
    if (k.evidence[0].kind === 'venue') {
      assert.ok(k.evidence[0].venue_name, 'venue evidence names the venue');
      assert.ok(k.evidence[0].overlap_minutes >= 0);
    }
  }
  for (const k of body.f2) assert.ok(body.f1.some((f) => f.person_id === k.via_person_id), 'F2 via an F1');
  const f1 = new Set(body.f1.map((k) => k.person_id));
  for (const k of body.f2) assert.ok(!f1.has(k.person_id), 'nobody is both F1 and F2');
  // Independent check: the household of the case's person, read through the people API.
  const person = expectStatus(await api.admin('GET', `/api/people/${c.person_id}`), 200, 'person').person;
  if (person.household_id) {
    const hh = expectStatus(await api.admin('GET', `/api/households/${person.household_id}`), 200, 'household');
    for (const m of hh.members.filter((m) => m.id !== c.person_id)) assert.ok(f1.has(m.id), `household member ${m.id} is F1`);
  }
  // Every F1 has a pending quarantine order from the rules (the demo pins December 2021: 10696/BYT-MT).
  const withOrder = body.f1.filter((k) => k.order);
  assert.ok(withOrder.length >= 1);
  for (const k of withOrder) {
    assert.equal(k.order.rule, '10696/BYT-MT');
    assert.ok([7, 14].includes(k.order.quarantine_days), `days ${k.order.quarantine_days}`);
  }
});

test('re-running a trace is idempotent; the 15-minute rule only narrows', async () => {
  const c = cases.find((k) => k.f1_count > 0);
  const before = expectStatus(await api.admin('GET', `/api/cases/${c.id}/contacts`), 200, 'contacts');
  const again = expectStatus(await api.admin('POST', `/api/cases/${c.id}/trace`, {}), 200, 'trace');
  assert.equal(again.added, 0);
  assert.deepEqual(ids(again.f1), ids(before.f1));
  const narrow = expectStatus(await api.admin('POST', `/api/cases/${c.id}/trace`, { min_overlap_minutes: 15, save: false }),
    200, 'trace 15');
  const all = new Set(ids(again.f1));
  for (const p of ids(narrow.f1)) assert.ok(all.has(p), `F1 ${p} under 15 min rule`);
  assert.ok(narrow.f1.length <= again.f1.length);
  for (const e of narrow.f1.flatMap((k) => k.evidence).filter((e) => e.kind === 'venue')) assert.ok(e.overlap_minutes >= 15);
  expectStatus(await api.admin('POST', `/api/cases/${c.id}/trace`, { min_overlap_minutes: 999 }), 400, 'bad minimum');
});

test('who may use tracing', async () => {
  const c = cases.find((k) => k.unit_code === '01834') || cases[0];
  for (const u of ['xem', 'congan', 'cho']) {
    expectStatus(await api[u]('GET', `/api/cases/${c.id}/contacts`), 403, `${u} contacts`);
    expectStatus(await api[u]('GET', '/api/handoff'), 403, `${u} handoff`);
    expectStatus(await api[u]('GET', '/api/chains'), 403, `${u} chains`);
    expectStatus(await api[u]('POST', `/api/cases/${c.id}/trace`, {}), 403, `${u} trace`);
  }
  expectStatus(await api.todoi('POST', `/api/cases/${c.id}/trace`, {}), 403, 'team may not trace');
  expectStatus(await api.todoi('GET', '/api/handoff'), 200, 'team reads the hand-off list');
  expectStatus(await api.admin('GET', '/api/cases/987654/contacts'), 404, 'missing case');
});

test('a commune sees its own cases and only contacts living in it', async () => {
  const outside = cases.find((k) => k.unit_code !== '01834');
  expectStatus(await api.xa('GET', `/api/cases/${outside.id}/contacts`), 404, 'case outside the commune');
  expectStatus(await api.xa('GET', `/api/cases/${outside.id}/sources`), 404, 'sources outside the commune');
  const groups = expectStatus(await api.xa('GET', '/api/handoff'), 200, 'handoff').groups;
  for (const g of groups) for (const k of g.items) assert.equal(k.unit_code, '01834');
  const chains = expectStatus(await api.xa('GET', '/api/chains'), 200, 'chains');
  for (const c of chains.cases) assert.equal(c[5], '01834');
});

test('hand-off list by thôn/tổ and its XLSX, read back with openpyxl', async () => {
  const byArea = expectStatus(await api.huyen('GET', '/api/handoff?group=area&level=1'), 200, 'handoff').groups;
  const items = byArea.flatMap((g) => g.items);
  assert.ok(items.length > 0);
  for (const k of items) assert.equal(k.level, 1);
  assert.equal(new Set(items.map((k) => k.person_id)).size, items.length, 'one row per person');
  const res = await callRaw(srv.url, sess.huyen, 'GET', '/api/exports/handoff.xlsx?level=1');
  assert.equal(res.status, 200);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phongdich-handoff-'));
  const file = path.join(dir, 'f1.xlsx');
  writeFileSync(file, res.buf);
  const py = 'import openpyxl,sys,json\nws=openpyxl.load_workbook(sys.argv[1]).active\n' +
    'rows=list(ws.iter_rows(values_only=True))\nprint(json.dumps({"title":ws.title,"head":rows[0],"names":[r[1] for r in rows[1:]],"levels":[r[7] for r in rows[1:]]}))';
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file]).toString());
  assert.equal(out.title, 'F1 F2');
  assert.equal(out.head[1], 'Họ và tên');
  assert.equal(out.names.length, items.length);
  assert.deepEqual([...out.names].sort(), items.map((k) => k.full_name).sort());
  assert.ok(out.levels.every((l) => l === 'F1'));
});

test('chains: arrays for the graph, contacts of listed cases only', async () => {
  const chains = expectStatus(await api.admin('GET', '/api/chains'), 200, 'chains');
  assert.equal(chains.cases.length, cases.length);
  const caseIds = new Set(chains.cases.map((c) => c[0]));
  const total = cases.reduce((n, c) => n + c.f1_count + c.f2_count, 0);
  assert.equal(chains.contacts.length, total);
  for (const k of chains.contacts) { assert.ok(caseIds.has(k[0])); assert.ok(k[2] === 1 || k[2] === 2); }
  const one = expectStatus(await api.admin('GET', '/api/chains?limit=1'), 200, 'chains limit');
  assert.equal(one.cases.length, 1);
  assert.equal(one.truncated, true);
});

test('possible sources include the source the chain names', async () => {
  const child = cases.find((c) => c.source_case_id);
  const items = expectStatus(await api.admin('GET', `/api/cases/${child.id}/sources`), 200, 'sources').items;
  assert.ok(items.some((s) => s.case_id === child.source_case_id), `source ${child.source_case_id} in ${JSON.stringify(items)}`);
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].score >= items[i].score, 'best first');
});

test('CLI contracts: case list --json and trace --json', async () => {
  const list = JSON.parse((await run(['case', 'list', '--db', srv.db, '--json'])).stdout);
  const arr = Array.isArray(list) ? list : list.items;
  assert.equal(arr.length, cases.length);
  for (const c of arr) { assert.ok(c.id && c.person_id && c.confirmed_at); }
  const c = cases.find((k) => k.f1_count > 0);
  const r = await run(['trace', '--db', srv.db, '--case', String(c.id), '--json', '--no-save']);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout);
  assert.equal(t.case, c.id);
  assert.equal(t.f1.length, c.f1_count);
  for (const k of t.f1) { assert.ok(k.person_id); assert.ok(k.evidence.length >= 1); }
  const bad = await run(['trace', '--db', srv.db, '--case', '987654']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Không tìm thấy ca bệnh/);
});
