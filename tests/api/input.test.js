// tests/api/input.test.js: bad input on every write endpoint and in query parameters, against the real
// server. Malformed JSON, arrays, oversized bodies (413), invalid UTF-8, wrong types, SQL metacharacters in
// every string field and query parameter (stored literally or refused with a clear error, never a 500,
// tables intact), Vietnamese validation messages naming the field, duplicate CCCD/phone (409 then
// allow_duplicates), stale versions (409).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildWorld, UNIT, MISSING_ID, PASSWORD, expectStatus, uniqueName, uniquePhone, uniqueCccd, allPeople, stopClean,
} from '../lib/fixture.js';

const INJECTIONS = [
  "'; DROP TABLE people; --",
  '" OR 1=1 --',
  "Robert'); DELETE FROM units;--",
  "%' OR '%'='",
  '*) OR name : "a"* --',
];
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

let W;
let a; // admin api()

before(async () => {
  W = await buildWorld();
  a = W.api.admin;
});
after(async () => { if (W) await W.srv.stop(); });

// Counts that must not move when input is refused, plus a check that the tables still answer.
async function tables() {
  const s = expectStatus(await a('GET', '/api/stats'), 200, 'stats');
  const provinces = expectStatus(await a('GET', '/api/units'), 200, 'provinces').items.length;
  const users = expectStatus(await a('GET', '/api/users'), 200, 'users').items.length;
  const audit = expectStatus(await a('GET', '/api/audit?limit=1'), 200, 'audit').items.length;
  assert.equal(provinces, 63, 'the 63 provinces are still there');
  assert.equal(audit, 1, 'the audit log still answers');
  return { people: s.people, households: s.households, areas: s.areas, users };
}

// The JSON write endpoints with a valid body each (fresh values on every call).
function writeEndpoints() {
  const p = W.people.in.head;
  const h = W.households.in;
  return [
    ['POST', '/api/users', () => ({ username: `kt_nhap_${Math.random().toString(36).slice(2, 8)}`, password: PASSWORD, role: 'viewer', unit_code: '058' })],
    ['POST', `/api/units/${UNIT.in}/areas`, () => ({ name: uniqueName('Thôn'), kind: 'Thôn' })],
    ['POST', '/api/people', () => ({ full_name: uniqueName(), unit_code: UNIT.in })],
    ['PUT', `/api/people/${p.id}`, () => ({ ...p, version: undefined })],
    ['POST', '/api/households', () => ({ unit_code: UNIT.in, address: 'Hộ nhập sai' })],
    ['PUT', `/api/households/${h.id}`, () => ({ unit_code: UNIT.in, address: 'Hộ nhập sai', head_person_id: p.id })],
    ['POST', `/api/households/${h.id}/members`, () => ({ person_id: W.people.in.dweller.id, relation: 'Cháu' })],
    ['POST', '/api/login', () => ({ username: 'kt_admin', password: 'sai' })],
  ];
}

describe('malformed bodies on every JSON write endpoint', () => {
  test('syntax errors, non-objects, bad UTF-8, duplicate keys, deep nesting, NUL: 400 invalid; nothing changes', async () => {
    const before = await tables();
    const bodies = {
      'truncated JSON': '{"full_name": "Nguyễn',
      'trailing garbage': '{"a": 1} x',
      'single quotes': "{'full_name': 'x'}",
      'JSON array': '[{"full_name": "x"}]',
      'JSON string': '"x"',
      'JSON number': '42',
      'JSON null': 'null',
      'empty body': '',
      'invalid UTF-8': Buffer.from([0x7b, 0x22, 0x6e, 0x6f, 0x74, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
      'UTF-8 surrogate': Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
      'overlong UTF-8': Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
      'lone surrogate escape': '{"note": "\\ud800"}',
      'NUL escape': '{"full_name": "a\\u0000b"}',
      'duplicate keys': '{"full_name": "A", "full_name": "B"}',
      'deep nesting': '['.repeat(100000) + ']'.repeat(100000),
    };
    const bad = [];
    for (const [method, path] of writeEndpoints()) {
      for (const [label, body] of Object.entries(bodies)) {
        const r = await a(method, path, body, { 'Content-Type': 'application/json' });
        if (r.status !== 400 || !r.body || r.body.error !== 'invalid' || !r.body.message) {
          bad.push(`${method} ${path} ${label}: ${r.status} ${r.text.slice(0, 150)}`);
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.deepEqual(await tables(), before);
  });

  test('a body over 1 MiB answers 413 too_large (and exactly 1 MiB does not)', async () => {
    const before = await tables();
    for (const [method, path, make] of writeEndpoints()) {
      const base = JSON.stringify({ ...make(), note: '' });
      const over = base.replace('"note":""', `"note":"${'x'.repeat((1 << 20) + 1 - Buffer.byteLength(base) + 1)}"`);
      assert.ok(Buffer.byteLength(over) > 1 << 20);
      const r = await a(method, path, over, { 'Content-Type': 'application/json' });
      assert.equal(r.status, 413, `${method} ${path}: ${r.text.slice(0, 200)}`);
      assert.equal(r.body.error, 'too_large');
    }
    // Exactly at the limit the body is read (and refused for its content, not its size).
    const base = JSON.stringify({ full_name: uniqueName(), unit_code: UNIT.in, note: '' });
    const exact = base.replace('"note":""', `"note":"${'x'.repeat((1 << 20) - Buffer.byteLength(base))}"`);
    assert.equal(Buffer.byteLength(exact), 1 << 20);
    const r = await a('POST', '/api/people', exact, { 'Content-Type': 'application/json' });
    expectStatus(r, 400, '1 MiB body');
    assert.equal(r.body.field, 'note');
    // Several MiB, sent in one go: still 413, and the server still answers afterwards.
    const big = Buffer.alloc(8 << 20, 0x20);
    const r2 = await a('POST', '/api/people', big, { 'Content-Type': 'application/json' });
    assert.equal(r2.status, 413);
    assert.deepEqual(await tables(), before);
  });

  test('wrong types in every field: 400 naming the field', async () => {
    const before = await tables();
    const wrong = [{}, [], true, 1.5, { $gt: '' }];
    const fields = {
      'POST /api/people': ['full_name', 'birth_date', 'sex', 'id_type', 'id_number', 'phone', 'nationality', 'unit_code',
        'area_code', 'address', 'relation', 'occupation', 'note', 'household_id'],
      'POST /api/households': ['unit_code', 'area_code', 'address'],
      [`POST /api/units/${UNIT.in}/areas`]: ['name', 'kind'],
      'POST /api/users': ['username', 'password', 'role', 'unit_code', 'display_name'],
      [`POST /api/households/${W.households.in.id}/members`]: ['person_id', 'relation'],
      'POST /api/login': ['username', 'password'],
    };
    const eps = Object.fromEntries(writeEndpoints().map(([m, p, make]) => [`${m} ${p}`, make]));
    const bad = [];
    for (const [ep, list] of Object.entries(fields)) {
      const [method, path] = ep.split(' ');
      for (const field of list) {
        for (const v of wrong) {
          const r = await a(method, path, { ...eps[ep](), [field]: v });
          const named = r.body && (r.body.field === field || (r.body.errors || []).some((e) => e.field === field));
          if (r.status !== 400 || !named) bad.push(`${ep} ${field}=${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 150)}`);
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.deepEqual(await tables(), before);
  });
});

describe('SQL metacharacters', () => {
  const FREE_TEXT = ['address', 'relation', 'occupation', 'note'];
  const CHECKED = ['full_name', 'birth_date', 'sex', 'id_type', 'id_number', 'phone', 'nationality', 'unit_code', 'area_code'];

  test('in every string field of a person: free text is stored literally, checked fields are refused by name', async () => {
    const bad = [];
    for (const inj of INJECTIONS) {
      for (const field of [...FREE_TEXT, ...CHECKED]) {
        const before = await tables();
        // (id_type is only looked at when there is an id number.)
        const idNumber = field === 'id_type' ? { id_number: 'B1234567' } : {};
        const r = await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, ...idNumber, [field]: inj });
        if (r.status >= 500) { bad.push(`${field}=${inj}: ${r.status} ${r.text}`); continue; }
        if (FREE_TEXT.includes(field)) {
          if (r.status !== 201) { bad.push(`${field}=${inj}: ${r.status} ${r.text}`); continue; }
          const back = (await a('GET', `/api/people/${r.body.person.id}`)).body.person;
          if (back[field] !== inj) bad.push(`${field} stored as ${JSON.stringify(back[field])}, sent ${JSON.stringify(inj)}`);
        } else {
          const named = r.body && r.status === 400 && (r.body.errors || [{ field: r.body.field }]).some((e) => e.field === field);
          if (!named) bad.push(`${field}=${inj}: want 400 naming ${field}, got ${r.status} ${r.text.slice(0, 150)}`);
          else if (!VIETNAMESE.test(r.body.message)) bad.push(`${field}: message not Vietnamese: ${r.body.message}`);
          const after = await tables();
          if (after.people !== before.people) bad.push(`${field}=${inj}: refused but people count changed`);
        }
      }
    }
    assert.deepEqual(bad, []);
  });

  test('in updates, households, areas, users, relations: literal or refused, never 500', async () => {
    const inj = INJECTIONS[0];
    // PUT person: note and address stored literally.
    const cur = (await a('GET', `/api/people/${W.people.in.dweller.id}`)).body.person;
    const put = expectStatus(await a('PUT', `/api/people/${cur.id}`, { ...cur, note: inj, address: INJECTIONS[1] }), 200, 'PUT with metacharacters').person;
    assert.equal(put.note, inj);
    assert.equal(put.address, INJECTIONS[1]);
    // Household address.
    const hh = expectStatus(await a('POST', '/api/households', { unit_code: UNIT.in, address: inj }), 201, 'household').household;
    assert.equal((await a('GET', `/api/households/${hh.id}`)).body.household.address, inj);
    // Area name: stored literally, found by the unit tree.
    const area = expectStatus(await a('POST', `/api/units/${UNIT.in}/areas`, { name: INJECTIONS[2], kind: 'Tổ' }), 201, 'area').unit;
    assert.equal(area.name, INJECTIONS[2]);
    assert.ok((await a('GET', `/api/units/${UNIT.in}`)).body.children.some((u) => u.name === INJECTIONS[2]));
    // Area kind: refused by name.
    const k = await a('POST', `/api/units/${UNIT.in}/areas`, { name: 'Thôn Lạ', kind: inj });
    expectStatus(k, 400, 'kind');
    assert.equal(k.body.field, 'kind');
    // Area under a code that is an injection: 404.
    expectStatus(await a('POST', `/api/units/${encodeURIComponent(inj)}/areas`, { name: 'Thôn Lạ', kind: 'Thôn' }), 404, 'area under injected code');
    // Users: username refused, display name literal.
    const u1 = await a('POST', '/api/users', { username: inj, password: PASSWORD, role: 'viewer', unit_code: '058' });
    expectStatus(u1, 400, 'injected username');
    assert.equal(u1.body.field, 'username');
    const u2 = await a('POST', '/api/users', { username: 'kt_ten_la', password: PASSWORD, role: 'viewer', unit_code: '058', display_name: inj });
    expectStatus(u2, 201, 'injected display name');
    assert.ok((await a('GET', '/api/users')).body.items.some((u) => u.username === 'kt_ten_la' && u.display_name === inj));
    const u3 = await a('POST', '/api/users', { username: 'kt_vai_tro', password: PASSWORD, role: inj, unit_code: '058' });
    expectStatus(u3, 400, 'injected role');
    const u4 = await a('POST', '/api/users', { username: 'kt_don_vi', password: PASSWORD, role: 'viewer', unit_code: inj });
    expectStatus(u4, 400, 'injected unit');
    // Relation on membership: literal (30 characters at most).
    expectStatus(await a('POST', `/api/households/${hh.id}/members`, { person_id: W.people.in.dweller.id, relation: "x'); --" }), 200, 'relation');
    assert.equal((await a('GET', `/api/people/${W.people.in.dweller.id}`)).body.person.relation, "x'); --");
    // Login with an injected username: plain 401.
    const l = await a('POST', '/api/login', { username: "' OR 1=1 --", password: "' OR '1'='1" });
    expectStatus(l, 401, 'injected login');
    await tables();
  });

  test('in query parameters and path segments: no 500, no rows from nowhere, tables intact', async () => {
    const before = await tables();
    const everyone = (await allPeople(a)).length;
    const bad = [];
    // [value as sent in the URL, whether a name search for it must find nobody]
    const qs = [
      ...INJECTIONS.map((x) => [encodeURIComponent(x), true]),
      [encodeURIComponent("1' OR '1'='1"), true], [encodeURIComponent('ă'.repeat(100)), true], ['x'.repeat(5000), true],
      ['%FF%FE', false], ['%C3', false], ['%00', false], ['%22', false], ['*', false], [encodeURIComponent('NEAR(a b)'), false],
      [encodeURIComponent('a OR b'), false], ['-', false],
    ];
    for (const [v, none] of qs) {
      const urls = [
        `/api/people?q=${v}`, `/api/people?unit=${v}`, `/api/people?household=${v}`, `/api/people?after=${v}`, `/api/people?limit=${v}`,
        `/api/households?unit=${v}`, `/api/households?after=${v}&limit=${v}`, `/api/units?parent=${v}`, `/api/units/search?q=${v}&limit=${v}`,
        `/api/units/${v}`, `/api/people/${v}`, `/api/households/${v}`, `/api/imports/${v}`,
        `/api/audit?user=${v}&entity=${v}&action=${v}&entity_id=${v}&from=${v}&to=${v}&before=${v}&limit=${v}`,
        `/api/audit.csv?user=${v}`, `/api/exports/people.csv?q=${v}`, `/api/exports/people.csv?unit=${v}`,
      ];
      for (const u of urls) {
        const r = await W.api.commune('GET', u);
        const ra = u.startsWith('/api/audit') ? await a('GET', u) : r;
        for (const x of r === ra ? [r] : [r, ra]) {
          if (x.status >= 500) bad.push(`${u.slice(0, 100)}: ${x.status} ${x.text.slice(0, 150)}`);
          if (x.status === 200 && x.body && Array.isArray(x.body.items) && u.startsWith('/api/people')) {
            const outside = x.body.items.filter((p) => p.unit_code !== UNIT.in);
            if (outside.length) bad.push(`${u.slice(0, 100)}: returned people outside the commune`);
          }
        }
        if (none && u.startsWith('/api/people?q=') && (r.status !== 200 || r.body.total !== 0)) {
          bad.push(`${u.slice(0, 100)}: a name search for metacharacters answered ${r.status} with ${r.body && r.body.total} people`);
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.deepEqual(await tables(), before);
    assert.equal((await allPeople(a)).length, everyone);
  });
});

describe('validation', () => {
  test('CCCD, phone and birth date errors name the field in Vietnamese; all errors are listed', async () => {
    const before = await tables();
    const cases = [
      [{ id_type: 'cccd', id_number: '00609012345' }, 'id_number', /CCCD.*12/],
      [{ id_type: 'cccd', id_number: '0060901234567' }, 'id_number', /CCCD.*12/],
      [{ id_type: 'cccd', id_number: '00609012345a' }, 'id_number', /CCCD/],
      [{ id_number: '999090123456', id_type: 'cccd' }, 'id_number', /tỉnh/],
      [{ phone: '12345' }, 'phone', /Số điện thoại/],
      [{ phone: '0412345678' }, 'phone', /Số điện thoại/],
      [{ phone: '09123abc78' }, 'phone', /Số điện thoại/],
      [{ birth_date: `${new Date().getFullYear() + 1}-01-01` }, 'birth_date', /tương lai/],
      [{ birth_date: '2021-02-30' }, 'birth_date', /./],
      [{ birth_date: '1800-01-01' }, 'birth_date', /1900/],
      [{ full_name: '' }, 'full_name', /trống/],
      [{ full_name: 'Nguyễn Văn 3' }, 'full_name', /chữ cái/],
      [{ sex: 'X' }, 'sex', /Giới tính/],
      [{ nationality: 'VNM' }, 'nationality', /Quốc tịch/],
      [{ unit_code: '' }, 'unit_code', /xã/],
      [{ unit_code: '058' }, 'unit_code', /xã/],
      [{ area_code: W.areas.dist.code }, 'area_code', /Thôn/],
      [{ household_id: W.households.dist.id }, 'household_id', /./],
      [{ note: 'x'.repeat(501) }, 'note', /Ghi chú/],
    ];
    const bad = [];
    for (const [extra, field, re] of cases) {
      const r = await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, ...extra });
      const e = r.body && (r.body.errors || [{ field: r.body.field, message: r.body.message }]).find((x) => x.field === field);
      if (r.status !== 400 || r.body.error !== 'invalid' || !e) { bad.push(`${JSON.stringify(extra)}: ${r.status} ${r.text.slice(0, 200)}`); continue; }
      if (!re.test(e.message) || !VIETNAMESE.test(e.message)) bad.push(`${field}: message ${e.message}`);
      if (r.body.errors && r.body.field !== r.body.errors[0].field) bad.push(`${field}: top-level field ${r.body.field}`);
    }
    assert.deepEqual(bad, []);
    // Several problems at once: each is reported.
    const r = await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, id_type: 'cccd', id_number: '123',
      phone: 'abc', birth_date: '2999-01-01' });
    expectStatus(r, 400, 'several errors');
    const fields = r.body.errors.map((e) => e.field).sort();
    for (const f of ['birth_date', 'id_number', 'phone']) assert.ok(fields.includes(f), `errors lack ${f}: ${fields}`);
    assert.deepEqual(await tables(), before);
    // Normalisation of accepted values.
    const ok = expectStatus(await a('POST', '/api/people', { full_name: '  nguyễn   văn  Thử  ', unit_code: UNIT.in,
      phone: '+84 91 234 5670', sex: 'm' }), 201, 'normalised').person;
    assert.equal(ok.phone, '0912345670');
    assert.equal(ok.sex, 'M');
    assert.equal(ok.nationality, 'VN');
  });

  test('duplicate CCCD or phone answers 409 duplicate, then allow_duplicates keeps both', async () => {
    const cccd = uniqueCccd();
    const phone = uniquePhone('0978');
    const first = expectStatus(await a('POST', '/api/people', { full_name: uniqueName(), birth_date: '1990-04-04', sex: 'M',
      id_number: cccd, unit_code: UNIT.in }), 201, 'first').person;
    assert.equal(first.id_type, 'cccd');
    const withPhone = expectStatus(await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.dist, phone }), 201, 'phone').person;
    for (const [extra, field, other] of [[{ id_number: cccd, birth_date: '1990-01-01', sex: 'M' }, 'id_number', first],
      [{ phone }, 'phone', withPhone]]) {
      const before = await tables();
      const name = uniqueName();
      const dup = await a('POST', '/api/people', { full_name: name, unit_code: UNIT.in, ...extra });
      expectStatus(dup, 409, `duplicate ${field}`);
      assert.equal(dup.body.error, 'duplicate');
      assert.ok(dup.body.duplicates.some((d) => d.person_id === other.id && d.field === field && d.full_name === other.full_name &&
        d.unit_code === other.unit_code), JSON.stringify(dup.body));
      assert.ok(VIETNAMESE.test(dup.body.message));
      assert.deepEqual(await tables(), before, 'the duplicate was not stored');
      const again = await a('POST', '/api/people', { full_name: name, unit_code: UNIT.in, ...extra, allow_duplicates: true });
      expectStatus(again, 201, `allow_duplicates ${field}`);
      assert.equal((await tables()).people, before.people + 1);
      // allow_duplicates must be true, not just present.
      const notTrue = await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, ...extra, allow_duplicates: 'true' });
      expectStatus(notTrue, 409, `allow_duplicates "true" ${field}`);
    }
    // Updating someone onto an existing phone is a duplicate too.
    const cur = (await a('GET', `/api/people/${W.people.in.dweller.id}`)).body.person;
    const upd = await a('PUT', `/api/people/${cur.id}`, { ...cur, phone });
    expectStatus(upd, 409, 'update onto a used phone');
    assert.equal(upd.body.error, 'duplicate');
    assert.equal((await a('GET', `/api/people/${cur.id}`)).body.person.version, cur.version);
    const upd2 = await a('PUT', `/api/people/${cur.id}`, { ...cur, phone, allow_duplicates: true });
    expectStatus(upd2, 200, 'update with allow_duplicates');
    assert.equal(upd2.body.person.phone, phone);
  });

  test('a stale version answers 409 conflict and changes nothing', async () => {
    const cur = (await a('GET', `/api/people/${W.people.far.dweller.id}`)).body.person;
    const one = expectStatus(await a('PUT', `/api/people/${cur.id}`, { ...cur, note: 'lần một' }), 200, 'first update').person;
    assert.equal(one.version, cur.version + 1);
    const stale = await a('PUT', `/api/people/${cur.id}`, { ...cur, note: 'lần hai cũ' });
    expectStatus(stale, 409, 'stale version');
    assert.equal(stale.body.error, 'conflict');
    assert.ok(VIETNAMESE.test(stale.body.message));
    const noVersion = await a('PUT', `/api/people/${cur.id}`, { ...cur, version: undefined, note: 'không phiên bản' });
    expectStatus(noVersion, 409, 'missing version');
    const future = await a('PUT', `/api/people/${cur.id}`, { ...cur, version: cur.version + 5, note: 'phiên bản lạ' });
    expectStatus(future, 409, 'version from the future');
    const wrongType = await a('PUT', `/api/people/${cur.id}`, { ...cur, version: String(one.version), note: 'chuỗi' });
    assert.ok(wrongType.status === 409 || wrongType.status === 400, `version as a string: ${wrongType.status}`);
    const now = (await a('GET', `/api/people/${cur.id}`)).body.person;
    assert.equal(now.note, 'lần một');
    assert.equal(now.version, one.version);
    expectStatus(await a('PUT', `/api/people/${cur.id}`, { ...now, note: 'lần hai' }), 200, 'update with the current version');
  });

  test('ids that do not exist in bodies are refused by name', async () => {
    const r = await a('POST', `/api/households/${W.households.in.id}/members`, { person_id: MISSING_ID, relation: 'Con' });
    expectStatus(r, 404, 'missing member');
    const r2 = await a('POST', '/api/households', { unit_code: UNIT.in, address: 'x', head_person_id: MISSING_ID });
    expectStatus(r2, 400, 'missing head');
    assert.equal(r2.body.field, 'head_person_id');
    const r3 = await a('POST', '/api/people', { full_name: uniqueName(), unit_code: UNIT.in, household_id: MISSING_ID });
    expectStatus(r3, 400, 'missing household');
    assert.equal(r3.body.field, 'household_id');
  });
});

test('the server shuts down cleanly, without sanitizer reports', async () => {
  await stopClean(W.srv);
});
