// tests/api/cases.test.js: cases (F0) and the lockdown suggestion over HTTP, on the demo district: who may
// use which endpoint (401 without a session, 403 by role), a case of another commune answering exactly like
// a missing one, validation naming its fields, confirming a case (201 with what tracing found, checked
// against the household read through the people API), the conflict of a second active case, status
// changes and their history, naming a source (a loop refused), contacts added by hand, and the lockdown
// answer checked against an oracle built from the cases and people endpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { run, startServer, login, call } from '../lib/server.js';
import { bind, expectStatus, stopClean } from '../lib/fixture.js';

let srv;
const api = {};
let demoCases = [];
let mine = null; // the case confirmed by `xa` in test 'confirming'

const USERS = ['admin', 'huyen', 'xa', 'todoi', 'xem', 'congan', 'cho'];
const MISSING = 987654321;

// Local (UTC+7) calendar day, shifted by n days, as YYYY-MM-DD.
const localDay = (n = 0) => new Date(Date.now() + 7 * 3600 * 1000 + n * 86400 * 1000).toISOString().slice(0, 10);
const shiftDay = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400 * 1000).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer({ demo: true });
  for (const u of USERS) {
    const s = await login(srv.url, u, `demo@${u}2021`);
    assert.equal(s.status, 200, `login ${u}: ${JSON.stringify(s.body)}`);
    api[u] = bind(srv.url, s);
  }
  demoCases = expectStatus(await api.admin('GET', '/api/cases?limit=10000'), 200, 'admin list').items;
});

after(async () => { if (srv) await stopClean(srv); });

// A person of `unit` with a household and no case yet.
async function freshPerson(unit, skip = new Set()) {
  const taken = new Set(expectStatus(await api.admin('GET', '/api/cases?limit=10000'), 200, 'cases').items.map((c) => c.person_id));
  const people = expectStatus(await api.admin('GET', `/api/people?unit=${unit}&limit=200`), 200, 'people').items;
  const p = people.find((x) => x.household_id && !taken.has(x.id) && !skip.has(x.id));
  assert.ok(p, `a person without a case in ${unit}`);
  return p;
}

test('the demo has cases in several communes, and the list is newest first', () => {
  assert.ok(demoCases.length >= 3, `demo cases: ${demoCases.length}`);
  const units = new Set(demoCases.map((c) => c.unit_code));
  assert.ok(units.size >= 2, 'cases in more than one commune');
  for (let i = 1; i < demoCases.length; i++) assert.ok(demoCases[i - 1].id > demoCases[i].id, 'newest first');
  for (const c of demoCases) {
    for (const k of ['id', 'person_id', 'full_name', 'confirmed_at', 'sample_date', 'found_in', 'basis', 'status',
      'status_at', 'infectious_until', 'window_start', 'unit_code', 'unit_name', 'f1_count', 'f2_count']) {
      assert.ok(k in c, `CASE has ${k}`);
    }
    assert.match(c.confirmed_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    const from = c.onset_date || c.sample_date;
    assert.equal(c.window_start, `${shiftDay(from, -2)}T00:00:00+07:00`, `window of case ${c.id}`);
  }
});

test('401 without a session, 403 by role', async () => {
  const anyCase = demoCases[0].id;
  const endpoints = [
    ['GET', '/api/cases'], ['POST', '/api/cases'], ['GET', `/api/cases/${anyCase}`],
    ['POST', `/api/cases/${anyCase}/status`], ['POST', `/api/cases/${anyCase}/source`],
    ['POST', `/api/cases/${anyCase}/contacts`], ['GET', '/api/lockdown'],
  ];
  for (const [m, p] of endpoints) {
    const r = await call(srv.url, null, m, p, m === 'POST' ? {} : undefined);
    assert.equal(r.status, 401, `${m} ${p} without a session`);
  }
  // Viewer, police and venue staff: nothing. Team: reads only.
  const expect = {
    xem: [403, 403, 403, 403, 403, 403, 403],
    congan: [403, 403, 403, 403, 403, 403, 403],
    cho: [403, 403, 403, 403, 403, 403, 403],
    todoi: ['read', 403, 'read', 403, 403, 403, 403],
  };
  for (const [u, want] of Object.entries(expect)) {
    for (let i = 0; i < endpoints.length; i++) {
      const [m, p] = endpoints[i];
      const r = await api[u](m, p, m === 'POST' ? {} : undefined);
      if (want[i] === 'read') {
        assert.ok(r.status === 200 || r.status === 404, `${u} ${m} ${p}: ${r.status}`);
      } else {
        assert.equal(r.status, want[i], `${u} ${m} ${p}: ${r.text.slice(0, 200)}`);
        assert.equal(r.body.error, 'denied');
      }
    }
  }
  // Nothing changed by the refused writes.
  const after = expectStatus(await api.admin('GET', '/api/cases?limit=10000'), 200, 'list').items;
  assert.equal(after.length, demoCases.length);
});

test('a case of another commune answers like a missing one (404), and lists hold only the scope', async () => {
  const outside = demoCases.find((c) => c.unit_code !== '01834');
  assert.ok(outside, 'a demo case outside 01834');
  for (const u of ['xa', 'todoi']) {
    const r = await api[u]('GET', `/api/cases/${outside.id}`);
    const missing = await api[u]('GET', `/api/cases/${MISSING}`);
    assert.equal(r.status, 404, `${u} reads another commune's case`);
    assert.equal(r.text, missing.text, `${u}: outside scope answers the bytes of a missing case`);
  }
  for (const [m, p, body] of [
    ['POST', `/api/cases/${outside.id}/status`, { status: 'recovered' }],
    ['POST', `/api/cases/${outside.id}/source`, { source_case_id: null }],
    ['POST', `/api/cases/${outside.id}/contacts`, { person_id: 1, kind: 'manual' }],
  ]) {
    const r = await api.xa(m, p, body);
    assert.equal(r.status, 404, `xa ${p}: ${r.text}`);
  }
  const still = expectStatus(await api.admin('GET', `/api/cases/${outside.id}`), 200, 'admin reads it').case;
  assert.equal(still.status, outside.status);
  const list = expectStatus(await api.xa('GET', '/api/cases?limit=10000'), 200, 'xa list').items;
  assert.deepEqual(list.map((c) => c.id), demoCases.filter((c) => c.unit_code === '01834').map((c) => c.id));
  const other = expectStatus(await api.xa('GET', `/api/cases?unit=${outside.unit_code}`), 200, 'xa asks for another commune');
  assert.equal(other.items.length, 0);
  const district = expectStatus(await api.huyen('GET', '/api/cases?limit=10000'), 200, 'huyen list').items;
  assert.equal(district.length, demoCases.length);
  const filtered = expectStatus(await api.admin('GET', `/api/cases?unit=${outside.unit_code}&status=active`), 200, 'filter');
  assert.ok(filtered.items.length >= 1);
  for (const c of filtered.items) assert.deepEqual([c.unit_code, c.status], [outside.unit_code, 'active']);
  const paged = expectStatus(await api.admin('GET', '/api/cases?limit=2'), 200, 'page 1');
  assert.equal(paged.items.length, 2);
  assert.equal(paged.next, paged.items[1].id);
  const page2 = expectStatus(await api.admin('GET', `/api/cases?limit=2&before=${paged.next}`), 200, 'page 2');
  assert.ok(page2.items.every((c) => c.id < paged.next));
  for (const [q, field] of [['status=asleep', 'status'], ['unit=77777', 'unit'], ['from=31/02/2021', 'from']]) {
    const r = await api.admin('GET', `/api/cases?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.field, field);
  }
});

test('400 names the fields; 404 for a person out of scope', async () => {
  let r = await api.xa('POST', '/api/cases', {});
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'invalid');
  const fields = new Set(r.body.errors.map((e) => e.field));
  for (const f of ['person_id', 'sample_date', 'found_in', 'basis']) assert.ok(fields.has(f), `errors name ${f}: ${r.text}`);
  for (const e of r.body.errors) assert.ok(e.message.length > 5, 'a message for every field');
  const p = await freshPerson('01834');
  const good = { person_id: p.id, sample_date: localDay(), found_in: 'community', basis: 'pcr' };
  const bad = [
    [{ sample_date: localDay(1) }, 'sample_date', /sau hôm nay/],
    [{ sample_date: '31/02/2021' }, 'sample_date', /không hợp lệ/],
    [{ onset_date: shiftDay(localDay(), -20) }, 'onset_date', /14 ngày/],
    [{ found_in: 'street' }, 'found_in', /không hợp lệ/],
    [{ basis: 'rumour' }, 'basis', /không hợp lệ/],
    [{ confirmed_at: 'yesterday' }, 'confirmed_at', /không hợp lệ/],
    [{ confirmed_at: Math.floor(Date.now() / 1000) + 86400 }, 'confirmed_at', /tương lai/],
    [{ infectious_until: `${shiftDay(localDay(), -5)} 08:00` }, 'infectious_until', /không được trước/],
    [{ person_id: 'abc' }, 'person_id', /mã số/],
  ];
  for (const [patch, field, msg] of bad) {
    r = await api.xa('POST', '/api/cases', { ...good, ...patch });
    assert.equal(r.status, 400, `${JSON.stringify(patch)}: ${r.text}`);
    assert.equal(r.body.field, field, JSON.stringify(patch));
    assert.match(r.body.errors.find((e) => e.field === field).message, msg);
  }
  // A person of another commune: 404 naming person_id, like a missing person.
  const far = await freshPerson('01837');
  r = await api.xa('POST', '/api/cases', { ...good, person_id: far.id });
  assert.equal(r.status, 404);
  assert.equal(r.body.field, 'person_id');
  const missing = await api.xa('POST', '/api/cases', { ...good, person_id: MISSING });
  assert.equal(missing.text, r.text);
  // Nothing was written.
  const after = expectStatus(await api.admin('GET', '/api/cases?limit=10000'), 200, 'list').items;
  assert.equal(after.length, demoCases.length);
});

test('confirming traces at once: 201 with counts; a second active case is 409', async () => {
  const p = await freshPerson('01834');
  const hh = expectStatus(await api.admin('GET', `/api/households/${p.household_id}`), 200, 'household');
  const onset = localDay(-1);
  const r = await api.xa('POST', '/api/cases', {
    person_id: p.id, sample_date: localDay(), onset_date: onset, found_in: 'community', basis: 'pcr', note: 'Thử nghiệm',
  });
  assert.equal(r.status, 201, r.text);
  const { case: c, trace } = r.body;
  assert.equal(c.person_id, p.id);
  assert.equal(c.full_name, p.full_name);
  assert.equal(c.status, 'active');
  assert.equal(c.unit_code, '01834');
  assert.equal(c.onset_date, onset);
  assert.equal(c.window_start, `${shiftDay(onset, -2)}T00:00:00+07:00`);
  assert.equal(c.infectious_until, c.confirmed_at);
  assert.ok(trace, `trace ran: ${r.body.trace_error || ''}`);
  for (const k of ['f1', 'f2', 'added']) assert.ok(Number.isInteger(trace[k]) && trace[k] >= 0, `trace.${k}`);
  // Every other member of the household is an F1 (domain rules), read independently.
  const others = hh.members.filter((m) => m.id !== p.id).length;
  assert.ok(trace.f1 >= others, `f1 ${trace.f1} >= household members ${others}`);
  assert.equal(c.f1_count, trace.f1, 'saved F1 count');
  assert.equal(c.f2_count, trace.f2, 'saved F2 count');
  assert.equal(trace.added, trace.f1 + trace.f2, 'a new case: every contact is new');
  assert.ok(c.traced_at, 'traced_at set');
  mine = c;
  const again = await api.xa('POST', '/api/cases', { person_id: p.id, sample_date: localDay(), found_in: 'community', basis: 'pcr' });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.body.error, 'conflict');
  assert.equal(again.body.field, 'person_id');
  const one = expectStatus(await api.todoi('GET', `/api/cases/${c.id}`), 200, 'team reads it');
  assert.equal(one.case.id, c.id);
  assert.deepEqual(one.history.map((h) => h.status), ['active']);
  assert.equal(one.history[0].by, 'xa');
  assert.deepEqual(one.added_contacts, []);
});

test('status change, its history, and no change after the end', async () => {
  assert.ok(mine, 'the case confirmed above');
  let r = await api.xa('POST', `/api/cases/${mine.id}/status`, { status: 'sleeping' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'status');
  r = await api.xa('POST', `/api/cases/${mine.id}/status`, { status: 'recovered', at: '2001-01-01 08:00' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'at');
  r = await api.xa('POST', `/api/cases/${mine.id}/status`, { status: 'recovered', note: 'Âm tính hai lần' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.case.status, 'recovered');
  assert.equal(r.body.case.id, mine.id);
  r = await api.xa('POST', `/api/cases/${mine.id}/status`, { status: 'died' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'status');
  const one = expectStatus(await api.admin('GET', `/api/cases/${mine.id}`), 200, 'read');
  assert.deepEqual(one.history.map((h) => [h.status, h.note]), [['active', 'Xác định ca bệnh (F0)'], ['recovered', 'Âm tính hai lần']]);
  const active = expectStatus(await api.admin('GET', `/api/cases?status=recovered&unit=01834`), 200, 'filter');
  assert.ok(active.items.some((c) => c.id === mine.id));
});

test('naming a source; a loop is refused; null clears it', async () => {
  const chain = demoCases.find((c) => c.source_case_id && demoCases.some((s) => s.id === c.source_case_id));
  assert.ok(chain, 'a demo case with a source');
  const src = demoCases.find((s) => s.id === chain.source_case_id);
  // The source cannot take its own child as a source.
  let r = await api.admin('POST', `/api/cases/${src.id}/source`, { source_case_id: chain.id });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.field, 'source_case_id');
  r = await api.admin('POST', `/api/cases/${chain.id}/source`, { source_case_id: chain.id });
  assert.equal(r.status, 400);
  r = await api.admin('POST', `/api/cases/${chain.id}/source`, {});
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'source_case_id');
  r = await api.admin('POST', `/api/cases/${chain.id}/source`, { source_case_id: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.case.source_case_id, null);
  r = await api.admin('POST', `/api/cases/${chain.id}/source`, { source_case_id: src.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.case.source_case_id, src.id);
  // A commune cannot name a source it may not read: 404 like a missing case.
  assert.ok(mine, 'the case confirmed above');
  const outside = demoCases.find((c) => c.unit_code !== '01834');
  r = await api.xa('POST', `/api/cases/${mine.id}/source`, { source_case_id: outside.id });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.body.field, 'source_case_id');
  const missing = await api.xa('POST', `/api/cases/${mine.id}/source`, { source_case_id: MISSING });
  assert.equal(missing.text, r.text);
  if (src.unit_code !== '01834') {
    r = await api.xa('POST', `/api/cases/${mine.id}/source`, { source_case_id: src.id });
    assert.equal(r.status, 404, 'a source elsewhere is not readable either');
  }
});

test('contacts added by hand: 201, listed with the case, a duplicate is 409', async () => {
  assert.ok(mine, 'the case confirmed above');
  const other = await freshPerson('01837'); // contacts cross communes
  let r = await api.xa('POST', `/api/cases/${mine.id}/contacts`, { person_id: other.id, kind: 'declared', contact_at: `${localDay(-1)} 19:30`, note: 'Ăn tối' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body, { ok: true });
  r = await api.xa('POST', `/api/cases/${mine.id}/contacts`, { person_id: other.id, kind: 'declared' });
  assert.equal(r.status, 409);
  assert.equal(r.body.field, 'person_id');
  r = await api.xa('POST', `/api/cases/${mine.id}/contacts`, { person_id: other.id, kind: 'rumour' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'kind');
  r = await api.xa('POST', `/api/cases/${mine.id}/contacts`, { person_id: mine.person_id, kind: 'manual' });
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'person_id');
  r = await api.xa('POST', `/api/cases/${mine.id}/contacts`, { person_id: MISSING, kind: 'manual' });
  assert.equal(r.status, 404);
  const one = expectStatus(await api.xa('GET', `/api/cases/${mine.id}`), 200, 'read');
  assert.equal(one.added_contacts.length, 1);
  assert.deepEqual([one.added_contacts[0].person_id, one.added_contacts[0].kind, one.added_contacts[0].note, one.added_contacts[0].contact_at],
    [other.id, 'declared', 'Ăn tối', `${localDay(-1)}T19:30:00+07:00`]);
});

test('lockdown: shape, order, scope, and communes as an oracle from cases and people predicts', async () => {
  const LEVEL = { commune: 3, area: 2, household: 1 };
  const body = expectStatus(await api.admin('GET', '/api/lockdown'), 200, 'lockdown');
  assert.ok(Array.isArray(body.items) && body.items.length >= 1);
  for (let i = 0; i < body.items.length; i++) {
    const a = body.items[i];
    assert.ok(a.level in LEVEL, a.level);
    for (const k of ['people', 'cases', 'f1', 'households_with_cases']) assert.ok(Number.isInteger(a[k]) && a[k] >= 0, k);
    assert.ok(a.people >= a.cases + a.f1, `people living inside ${JSON.stringify(a)}`);
    assert.ok(a.cases + a.f1 >= 1);
    assert.ok(a.name && a.reason && a.unit_code);
    assert.equal(a.household_id === null, a.level !== 'household');
    if (i > 0) {
      const p = body.items[i - 1];
      assert.ok(LEVEL[p.level] > LEVEL[a.level] || (p.level === a.level && p.cases >= a.cases), 'largest level first, then cases');
    }
  }
  // Oracle with thresholds 1 and 1: a commune is suggested exactly when an active case lives in one of its
  // thôn/tổ in a household (the people endpoint says where each case's person lives).
  const active = expectStatus(await api.admin('GET', '/api/cases?status=active&limit=10000'), 200, 'active').items;
  const expected = new Set();
  for (const c of active) {
    const p = expectStatus(await api.admin('GET', `/api/people/${c.person_id}`), 200, 'person').person;
    if (p.household_id && p.area_code) expected.add(p.unit_code);
  }
  const one = expectStatus(await api.admin('GET', '/api/lockdown?area_households=1&commune_areas=1'), 200, 'lockdown 1/1').items;
  const communes = new Set(one.filter((a) => a.level === 'commune').map((a) => a.unit_code));
  assert.deepEqual([...communes].sort(), [...expected].sort());
  assert.ok(one.every((a) => a.level !== 'area'), 'every area with a case locks its commune at 1/1');
  assert.equal(one.filter((a) => a.level === 'commune').reduce((s, a) => s + a.cases, 0),
    active.filter((c) => expected.has(c.unit_code)).length, 'every active case counted once');
  // Scope: the commune sees only its own places.
  const xa = expectStatus(await api.xa('GET', '/api/lockdown'), 200, 'xa lockdown').items;
  for (const a of xa) assert.ok(a.unit_code === '01834' || a.unit_code.startsWith('01834-'), a.unit_code);
  const xaOther = expectStatus(await api.xa('GET', '/api/lockdown?unit=01837'), 200, 'xa asks for 01837').items;
  assert.equal(xaOther.length, 0);
  // Errors and roles.
  let r = await api.admin('GET', '/api/lockdown?area_households=0');
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'area_households');
  r = await api.admin('GET', '/api/lockdown?unit=77777');
  assert.equal(r.status, 400);
  assert.equal(r.body.field, 'unit');
  for (const u of ['todoi', 'xem', 'congan', 'cho']) {
    r = await api[u]('GET', '/api/lockdown');
    assert.equal(r.status, 403, u);
  }
});

test('CLI: case add traces and prints counts; case list --json is an array like the API', async () => {
  const p = await freshPerson('01837');
  let r = await run(['case', 'add', '--db', srv.db, '--person', String(p.id), '--sample-date', localDay(), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const added = JSON.parse(r.stdout);
  assert.equal(added.case.person_id, p.id);
  assert.equal(added.case.found_in, 'community');
  assert.equal(added.case.basis, 'pcr');
  assert.ok(added.trace && Number.isInteger(added.trace.f1), r.stdout);
  assert.equal(added.case.f1_count, added.trace.f1);
  const viaApi = expectStatus(await api.admin('GET', `/api/cases/${added.case.id}`), 200, 'read the CLI case').case;
  assert.deepEqual(viaApi, added.case);
  // Text form: the counts, in Vietnamese; a second case for the same person fails naming why.
  r = await run(['case', 'add', '--db', srv.db, '--person', String(p.id), '--sample-date', localDay()]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /đang là ca bệnh/);
  const q = await freshPerson('01837', new Set([p.id]));
  r = await run(['case', 'add', '--db', srv.db, '--person', String(q.id), '--sample-date', localDay(), '--found-in', 'imported']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Đã xác định ca bệnh \d+/);
  assert.match(r.stdout, /Truy vết: \d+ F1, \d+ F2/);
  r = await run(['case', 'list', '--db', srv.db, '--json', '--unit', '01837', '--status', 'active']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.ok(Array.isArray(list));
  const api01837 = expectStatus(await api.admin('GET', '/api/cases?unit=01837&status=active&limit=10000'), 200, 'api').items;
  assert.deepEqual(list.map((c) => [c.id, c.person_id, c.confirmed_at]), api01837.map((c) => [c.id, c.person_id, c.confirmed_at]));
  assert.ok(list.some((c) => c.person_id === q.id && c.found_in === 'imported'));
  r = await run(['case', 'list', '--db', srv.db, '--status', 'asleep']);
  assert.notEqual(r.code, 0);
});
