// page-person-form.js: create (#/people/new) and edit (#/people/ID/edit) a person. Shows the API's
// per-field errors next to the fields, lists possible duplicates (409 duplicate) with a "Vẫn lưu"
// button that resends with allow_duplicates, and explains a stale version (409 conflict).
import { h, mount } from './dom.js';
import { get, post, put } from './api.js';
import { session } from './session.js';
import { fieldLabel, RELATIONS, fmtBirth } from './format.js';
import { pageHead, field, setFieldError, clearFieldErrors, alertBox, loading, showError, toast, button } from './ui.js';
import { unitPicker } from './unitpicker.js';

const TEXT_FIELDS = ['full_name', 'birth_date', 'id_number', 'phone', 'nationality', 'address', 'relation', 'occupation', 'note'];

export async function renderPersonForm(ctx) {
  const { el, params, query, signal } = ctx;
  const editing = !!params.id;
  const title = editing ? 'Sửa hồ sơ nhân khẩu' : 'Thêm nhân khẩu';
  mount(el, pageHead(title), loading());
  let person = {
    full_name: '', birth_date: '', sex: '', id_type: '', id_number: '', phone: '', nationality: 'VN',
    unit_code: '', area_code: '', address: '', household_id: null, relation: '', occupation: '', note: '',
  };
  try {
    if (editing) {
      person = (await get('/api/people/' + encodeURIComponent(params.id), null, { signal })).person;
    } else if (query.household) {
      const hh = (await get('/api/households/' + encodeURIComponent(query.household), null, { signal })).household;
      Object.assign(person, { household_id: hh.id, unit_code: hh.unit_code, area_code: hh.area_code || '', address: hh.address || '' });
    } else if (query.unit) {
      person.unit_code = query.unit;
    }
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead(title));
    return;
  }
  buildForm(ctx, person, editing, title);
}

function buildForm(ctx, person, editing, title) {
  const { el } = ctx;
  const inputs = {};
  const text = (name, props = {}) => (inputs[name] = h('input', { type: 'text', id: `pf-${name}`, name, value: person[name] || '', ...props }));
  const sel = (name, options) => (inputs[name] = h('select', { id: `pf-${name}`, name },
    options.map(([v, l]) => h('option', { value: v }, l))));
  const f = (name, input, extra = {}) => field({ label: fieldLabel(name), id: `pf-${name}`, input, ...extra });

  sel('sex', [['', 'Không rõ'], ['M', 'Nam'], ['F', 'Nữ']]).value = person.sex || '';
  sel('id_type', [['', 'Không có'], ['cccd', 'Căn cước công dân (CCCD)'], ['cmnd', 'Chứng minh nhân dân (CMND)'], ['passport', 'Hộ chiếu']]).value = person.id_type || '';
  const household = inputs.household_id = h('input', { type: 'text', inputmode: 'numeric', id: 'pf-household_id', name: 'household_id',
    value: person.household_id ? String(person.household_id) : '' });
  const note = inputs.note = h('textarea', { id: 'pf-note', name: 'note', rows: '3', value: person.note || '' });
  const relList = h('datalist', { id: 'pf-relations' }, RELATIONS.map((r) => h('option', { value: r })));
  // An area code is the deepest level; pass it so that the picker selects commune and area.
  const picker = unitPicker({ id: 'pf-unit', value: person.area_code || person.unit_code || (session.user.unit_code || ''),
    depth: 4, mode: 'form' });

  const general = h('div', { id: 'form-messages', 'aria-live': 'polite' });
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'pf-save' }, editing ? 'Lưu thay đổi' : 'Lưu hồ sơ');
  const cancelHref = editing ? `#/people/${encodeURIComponent(person.id)}` : person.household_id ? `#/households/${person.household_id}` : '#/people';

  const form = h('form', { class: 'form', id: 'person-form', novalidate: true },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin cá nhân'),
      h('div', { class: 'grid' },
        f('full_name', text('full_name', { autocomplete: 'off', maxlength: '120' }), { required: true, wide: true }),
        f('birth_date', text('birth_date', { value: fmtBirth(person.birth_date), placeholder: 'dd/mm/yyyy hoặc năm sinh', inputmode: 'numeric' }),
          { hint: 'Ví dụ: 30/04/1985, hoặc chỉ năm sinh 1985.' }),
        f('sex', inputs.sex),
        f('nationality', text('nationality', { maxlength: '2', autocapitalize: 'characters' }), { hint: 'Mã 2 chữ cái, ví dụ VN.' }),
        f('occupation', text('occupation')))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Giấy tờ và liên lạc'),
      h('div', { class: 'grid' },
        f('id_type', inputs.id_type),
        f('id_number', text('id_number', { inputmode: 'text', autocomplete: 'off' }), { hint: 'CCCD 12 số, CMND 9 số.' }),
        f('phone', text('phone', { type: 'tel', autocomplete: 'off' }), { hint: 'Ví dụ: 0912 345 678.' }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Nơi cư trú'),
      h('div', { class: 'grid grid-units' }, picker.el),
      h('div', { class: 'grid' },
        f('address', text('address', { placeholder: 'Số nhà, đường/ngõ, xóm…' }), { wide: true }),
        f('household_id', household, { hint: 'Để trống nếu chưa thuộc hộ nào.' }),
        f('relation', text('relation', { list: 'pf-relations' })), relList)),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin khác'), f('note', note, { wide: true })),
    general,
    h('div', { class: 'form-actions' }, saveBtn, h('a', { class: 'btn btn-light', href: cancelHref }, 'Huỷ')));

  const fieldId = (name) => (name === 'unit_code' ? 'pf-unit-3' : name === 'area_code' ? 'pf-unit-4' : `pf-${name}`);

  function body(allowDuplicates) {
    const b = {};
    for (const n of TEXT_FIELDS) b[n] = inputs[n].value.trim();
    b.sex = inputs.sex.value;
    b.id_type = inputs.id_type.value;
    b.unit_code = picker.codeAt(3);
    b.area_code = picker.codeAt(4);
    const hh = household.value.trim();
    b.household_id = hh === '' ? null : /^\d+$/.test(hh) ? Number(hh) : hh;
    if (editing) b.version = person.version;
    if (allowDuplicates) b.allow_duplicates = true;
    return b;
  }

  async function save(allowDuplicates) {
    clearFieldErrors(form);
    mount(general);
    if (!picker.codeAt(3)) {
      setFieldError(form, 'pf-unit-3', 'Hãy chọn xã/phường/thị trấn nơi cư trú.');
      mount(general, alertBox('error', 'Hồ sơ chưa được lưu. Hãy sửa các ô được đánh dấu.'));
      form.querySelector('#pf-unit-3').focus();
      return;
    }
    saveBtn.disabled = true;
    try {
      const res = editing
        ? await put('/api/people/' + encodeURIComponent(person.id), body(allowDuplicates))
        : await post('/api/people', body(allowDuplicates));
      toast(editing ? 'Đã lưu thay đổi.' : 'Đã thêm nhân khẩu.');
      location.hash = `#/people/${encodeURIComponent(res.person.id)}`;
    } catch (e) {
      saveBtn.disabled = false;
      showProblem(e);
    }
  }

  function showProblem(e) {
    if (e.status === 400 && (Array.isArray(e.body.errors) || e.body.field)) {
      const errs = Array.isArray(e.body.errors) && e.body.errors.length ? e.body.errors : [{ field: e.body.field, message: e.message }];
      const elsewhere = [];
      let first = null;
      for (const er of errs) {
        const id = fieldId(er.field);
        if (setFieldError(form, id, er.message)) first = first || id;
        else elsewhere.push(er);
      }
      mount(general, alertBox('error', 'Hồ sơ chưa được lưu. Hãy sửa các ô được đánh dấu.',
        elsewhere.length ? h('ul', null, elsewhere.map((er) => h('li', null, er.field ? `${fieldLabel(er.field)}: ` : '', er.message))) : null));
      const target = first && form.querySelector('#' + first);
      if (target) target.focus();
      return;
    }
    if (e.status === 409 && e.code === 'duplicate') {
      const dups = e.body.duplicates || [];
      mount(general, alertBox('warning',
        h('p', null, h('strong', null, 'Có thể trùng với người đã có trong hệ thống.'),
          ' Hãy kiểm tra trước khi lưu, tránh tạo hai hồ sơ cho cùng một người:'),
        h('ul', { class: 'dup-list', id: 'duplicates' }, dups.map((d) => h('li', null,
          h('a', { href: `#/people/${encodeURIComponent(d.person_id)}`, target: '_blank', rel: 'noopener' }, d.full_name || `Người số ${d.person_id}`),
          ` — trùng ${d.field === 'phone' ? 'số điện thoại' : d.field === 'id_number' ? 'số giấy tờ' : fieldLabel(d.field)}`,
          d.unit_code ? h('span', { class: 'muted' }, ` (đơn vị ${d.unit_code})`) : null))),
        h('div', { class: 'form-actions' },
          button('Vẫn lưu', { class: 'btn btn-warning', id: 'pf-save-anyway', onclick: () => save(true) }),
          button('Quay lại sửa', { class: 'btn btn-light', onclick: () => {
            mount(general);
            (inputs[dups[0] && dups[0].field] || inputs.id_number).focus();
          } }))));
      general.scrollIntoView({ block: 'center', behavior: 'smooth' });
      return;
    }
    if (e.status === 409) {
      mount(general, alertBox('error',
        h('p', { id: 'conflict-message' }, h('strong', null, 'Hồ sơ này vừa được người khác cập nhật'),
          ' trong lúc bạn đang sửa, nên thay đổi của bạn chưa được lưu. Hãy tải bản mới nhất rồi sửa lại.'),
        h('div', { class: 'form-actions' },
          button('Tải bản mới nhất', { class: 'btn', onclick: () => renderPersonForm(ctx) }))));
      general.scrollIntoView({ block: 'center', behavior: 'smooth' });
      return;
    }
    mount(general, alertBox('error', e.message));
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); save(false); });
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/people' }, 'Dân cư'), ' › ',
      editing ? h('a', { href: `#/people/${encodeURIComponent(person.id)}` }, person.full_name) : 'Thêm mới'),
    pageHead(editing ? `Sửa hồ sơ: ${person.full_name}` : title),
    form);
  if (!editing) inputs.full_name.focus();
}
