// page-household.js: one household: address, unit, head and members with their relation to the head;
// add an existing person (searched by name) or a new person, set the head, remove a member.
import { h, mount, debounce } from './dom.js';
import { get, post, put, del, isAbort } from './api.js';
import { can } from './session.js';
import { fmtBirth, SEX_LABELS, RELATIONS } from './format.js';
import { pageHead, details, dataTable, loading, showError, alertBox, field, button, linkButton, toast, emptyState } from './ui.js';
import { unitPathText } from './page-person.js';

export async function renderHousehold(ctx) {
  const { el, params, signal } = ctx;
  const id = params.id;
  mount(el, pageHead(`Hộ số ${id}`), loading());
  let data;
  try {
    data = await get('/api/households/' + encodeURIComponent(id), null, { signal });
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead(`Hộ số ${id}`));
    return;
  }
  const hh = data.household;
  const members = data.members || [];
  const writable = can('people.write');
  const reload = () => renderHousehold(ctx);

  async function setHead(p) {
    try {
      await put('/api/households/' + encodeURIComponent(hh.id), { unit_code: hh.unit_code, area_code: hh.area_code || '',
        address: hh.address || '', head_person_id: p.id });
      toast(`Đã đặt ${p.full_name} làm chủ hộ.`);
      reload();
    } catch (e) { toast(e.message, 'error'); }
  }
  async function remove(p) {
    if (!confirm(`Bỏ ${p.full_name} khỏi hộ này?`)) return;
    try {
      await del(`/api/households/${encodeURIComponent(hh.id)}/members/${encodeURIComponent(p.id)}`);
      toast(`Đã bỏ ${p.full_name} khỏi hộ.`);
      reload();
    } catch (e) { toast(e.message, 'error'); }
  }

  const cols = [
    { label: 'Họ và tên', class: 'col-name', cell: (p) => h('span', null, h('a', { href: `#/people/${encodeURIComponent(p.id)}` }, p.full_name),
      p.id === hh.head_person_id ? h('span', { class: 'badge' }, 'Chủ hộ') : null) },
    { label: 'Quan hệ với chủ hộ', cell: (p) => p.relation || '' },
    { label: 'Ngày sinh', cell: (p) => fmtBirth(p.birth_date) },
    { label: 'Giới tính', cell: (p) => (p.sex ? SEX_LABELS[p.sex] : '') },
    { label: 'Số giấy tờ', cell: (p) => p.id_number || '' },
  ];
  if (writable) {
    cols.push({ label: 'Thao tác', class: 'col-actions', cell: (p) => h('span', { class: 'row-actions' },
      p.id !== hh.head_person_id ? button('Đặt làm chủ hộ', { class: 'btn btn-small btn-light', onclick: () => setHead(p) }) : null,
      button('Bỏ khỏi hộ', { class: 'btn btn-small btn-light btn-danger-text', onclick: () => remove(p) })) });
  }

  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/households' }, 'Hộ gia đình'), ' › ', `Hộ số ${hh.id}`),
    pageHead(`Hộ số ${hh.id}` + (hh.head_name ? ` — chủ hộ ${hh.head_name}` : ''),
      writable ? linkButton('+ Thêm người mới vào hộ', `#/people/new?household=${encodeURIComponent(hh.id)}`, 'btn') : null),
    h('section', { class: 'panel', id: 'household-info' }, details([
      ['Chủ hộ', hh.head_person_id ? h('a', { href: `#/people/${encodeURIComponent(hh.head_person_id)}` }, hh.head_name || `Người số ${hh.head_person_id}`) : ''],
      ['Địa chỉ', hh.address],
      ['Đơn vị hành chính', unitPathText(hh.unit_code)],
      ['Thôn/tổ dân phố', hh.area_code ? unitPathText(hh.area_code, true) : ''],
      ['Số thành viên', String(members.length)],
    ])),
    h('section', { class: 'panel' }, h('h2', null, 'Thành viên'),
      members.length ? dataTable(cols, members, { id: 'members-table', rowClass: 'member-row', caption: 'Thành viên hộ' })
        : emptyState('Hộ chưa có thành viên nào.')),
    writable ? addMemberPanel(hh, reload, signal) : null);
}

// Search a person in the household's commune and add them with a relation.
function addMemberPanel(hh, reload, signal) {
  let chosen = null;
  const q = h('input', { type: 'search', id: 'hm-search', placeholder: 'Gõ họ tên, số giấy tờ hoặc điện thoại', autocomplete: 'off' });
  const list = h('ul', { class: 'pick-list', id: 'hm-results' });
  const picked = h('p', { class: 'picked', id: 'hm-picked' }, 'Chưa chọn người nào.');
  const relation = h('input', { type: 'text', id: 'hm-relation', list: 'hm-relations' });
  const msg = h('div', { 'aria-live': 'polite' });
  const add = h('button', { type: 'submit', class: 'btn btn-primary', id: 'hm-add', disabled: true }, 'Thêm vào hộ');
  let controller = null;

  const search = debounce(async () => {
    const text = q.value.trim();
    if (controller) controller.abort();
    if (!text) { mount(list); return; }
    const my = controller = new AbortController();
    signal.addEventListener('abort', () => my.abort(), { once: true });
    try {
      const data = await get('/api/people', { q: text, unit: hh.unit_code, limit: 10 }, { signal: my.signal });
      mount(list, (data.items || []).map((p) => h('li', null,
        h('button', { type: 'button', class: 'pick', onclick: () => {
          chosen = p;
          mount(picked, 'Đã chọn: ', h('strong', null, p.full_name), p.birth_date ? ` (${fmtBirth(p.birth_date)})` : '',
            p.household_id ? h('span', { class: 'muted' }, ` — hiện thuộc hộ số ${p.household_id}, sẽ chuyển sang hộ này`) : null);
          add.disabled = false;
          relation.focus();
        } }, h('strong', null, p.full_name), h('span', { class: 'muted' },
          [fmtBirth(p.birth_date), p.id_number, p.address].filter(Boolean).join(' · ')))))
        .concat((data.items || []).length ? [] : [h('li', { class: 'muted' }, 'Không tìm thấy ai trong xã này.')]));
    } catch (e) { if (!isAbort(e)) mount(list, h('li', null, alertBox('error', e.message))); }
  }, 250);
  q.addEventListener('input', search);

  const form = h('form', { class: 'form', id: 'add-member-form' },
    h('div', { class: 'grid' },
      field({ label: 'Tìm người cần thêm', id: 'hm-search', input: q, wide: true })),
    list, picked,
    h('div', { class: 'grid' },
      field({ label: 'Quan hệ với chủ hộ', id: 'hm-relation', input: relation }),
      h('datalist', { id: 'hm-relations' }, RELATIONS.map((r) => h('option', { value: r })))),
    msg,
    h('div', { class: 'form-actions' }, add));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!chosen) return;
    add.disabled = true;
    try {
      await post(`/api/households/${encodeURIComponent(hh.id)}/members`, { person_id: chosen.id, relation: relation.value.trim() });
      toast(`Đã thêm ${chosen.full_name} vào hộ.`);
      reload();
    } catch (err) {
      add.disabled = false;
      mount(msg, alertBox('error', err.message));
    }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Thêm người đã có hồ sơ vào hộ'), form);
}
