// page-person.js: one person's record (GET /api/people/ID, audited by the server), with links to edit
// it and to the household.
import { h, mount } from './dom.js';
import { get } from './api.js';
import { can } from './session.js';
import { fmtBirth, fmtDateTime, SEX_LABELS, ID_TYPE_LABELS } from './format.js';
import { pageHead, details, loading, showError, linkButton } from './ui.js';
import { unitInfo } from './unitpicker.js';
import { personDeclarations } from './page-declarations.js';

// "Xã A, Huyện B, Tỉnh C" from the unit path (or only the unit's own name), filled in when it arrives.
export function unitPathText(code, ownOnly = false) {
  const span = h('span', { class: 'unit-path' }, code || '');
  if (code) {
    unitInfo(code).then((info) => {
      const path = (info.path && info.path.length ? info.path : [info.unit]).filter(Boolean);
      span.textContent = ownOnly ? (info.unit ? info.unit.name : code) : path.map((u) => u.name).reverse().join(', ');
    }).catch(() => {});
  }
  return span;
}

export async function renderPerson(ctx) {
  const { el, params, signal } = ctx;
  mount(el, pageHead('Hồ sơ nhân khẩu'), loading());
  let p;
  try {
    p = (await get('/api/people/' + encodeURIComponent(params.id), null, { signal })).person;
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead('Hồ sơ nhân khẩu'), h('p', null, h('a', { href: '#/people' }, '← Danh sách dân cư')));
    return;
  }
  const hh = p.household_id
    ? h('a', { href: `#/households/${encodeURIComponent(p.household_id)}`, id: 'person-household' }, `Hộ số ${p.household_id}`)
    : '';
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/people' }, 'Dân cư'), ' › ', p.full_name),
    pageHead(p.full_name,
      can('people.write') ? linkButton('Sửa hồ sơ', `#/people/${encodeURIComponent(p.id)}/edit`, 'btn btn-primary') : null,
      !p.household_id && can('people.write') ? linkButton('Tạo hộ với người này là chủ hộ', `#/households/new?head=${encodeURIComponent(p.id)}&unit=${encodeURIComponent(p.area_code || p.unit_code)}`, 'btn') : null,
      can('checkins.read') ? linkButton('Nơi đã đến (quét QR)', `#/people/${encodeURIComponent(p.id)}/checkins`, 'btn') : null),
    h('div', { class: 'cols', id: 'person-detail', dataset: { id: String(p.id), version: String(p.version) } },
      h('section', { class: 'panel' }, h('h2', null, 'Thông tin cá nhân'), details([
        ['Họ và tên', p.full_name],
        ['Ngày sinh', fmtBirth(p.birth_date)],
        ['Giới tính', p.sex ? SEX_LABELS[p.sex] : ''],
        ['Quốc tịch', p.nationality],
        ['Nghề nghiệp', p.occupation],
        ['Loại giấy tờ', p.id_type ? ID_TYPE_LABELS[p.id_type] : ''],
        ['Số giấy tờ', p.id_number],
        ['Số điện thoại', p.phone],
      ])),
      h('section', { class: 'panel' }, h('h2', null, 'Nơi cư trú'), details([
        ['Đơn vị hành chính', unitPathText(p.unit_code)],
        ['Thôn/tổ dân phố', p.area_code ? (p.area_name || unitPathText(p.area_code, true)) : ''],
        ['Địa chỉ', p.address],
        ['Hộ gia đình', hh],
        ['Quan hệ với chủ hộ', p.relation],
      ]))),
    p.note ? h('section', { class: 'panel' }, h('h2', null, 'Ghi chú'), h('p', { class: 'prewrap' }, p.note)) : null,
    can('declarations.read') || can('declare.assist') ? personDeclarations(p, signal) : null,
    h('p', { class: 'meta' }, `Mã số ${p.id} · Tạo lúc ${fmtDateTime(p.created_at)} · Cập nhật lúc ${fmtDateTime(p.updated_at)} · Phiên bản ${p.version}`));
}
