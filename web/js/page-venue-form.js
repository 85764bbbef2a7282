// page-venue-form.js: add (#/venues/new) or edit (#/venues/ID/edit) a venue: name, kind, commune and
// thôn/tổ, address, person responsible, the default stay (blank: the kind's), and closing it. The API's
// per-field errors are shown next to the fields; a stale version is explained.
import { h, mount } from './dom.js';
import { get, post, put } from './api.js';
import { session } from './session.js';
import { pageHead, field, setFieldError, clearFieldErrors, alertBox, loading, showError, toast, select } from './ui.js';
import { unitPicker } from './unitpicker.js';
import { KINDS, fmtMinutes } from './page-venue-common.js';

const LABELS = {
  name: 'Tên địa điểm', kind: 'Loại địa điểm', address: 'Địa chỉ', responsible_name: 'Người phụ trách',
  responsible_phone: 'Số điện thoại người phụ trách', default_stay_minutes: 'Thời gian lưu lại mặc định (phút)',
};

export async function renderVenueForm(ctx) {
  const { el, params, signal } = ctx;
  const editing = !!params.id;
  const title = editing ? 'Sửa địa điểm' : 'Thêm địa điểm';
  mount(el, pageHead(title), loading());
  let venue = { name: '', kind: '', unit_code: session.user.unit_code || '', area_code: '', address: '',
    responsible_name: '', responsible_phone: '', default_stay_minutes: null, closed: false };
  if (editing) {
    try {
      venue = (await get('/api/venues/' + encodeURIComponent(params.id), null, { signal })).venue;
    } catch (e) {
      showError(el, e);
      el.prepend(pageHead(title));
      return;
    }
  }
  buildForm(el, venue, editing, title);
}

function buildForm(el, venue, editing, title) {
  const inputs = {};
  const text = (name, props = {}) => (inputs[name] = h('input', { type: 'text', id: `vf-${name}`, name, value: venue[name] ?? '', ...props }));
  const f = (name, input, extra = {}) => field({ label: LABELS[name], id: `vf-${name}`, input, ...extra });
  inputs.kind = select([['', '— Chọn loại —'], ...KINDS.map(([k, l]) => [k, l])], { id: 'vf-kind', name: 'kind' });
  inputs.kind.value = venue.kind || '';
  const stay = text('default_stay_minutes', { type: 'number', min: '5', max: '1440', inputmode: 'numeric',
    value: venue.default_stay_minutes ? String(venue.default_stay_minutes) : '' });
  const stayHint = h('span');
  const showStayHint = () => {
    const k = KINDS.find(([code]) => code === inputs.kind.value);
    stayHint.textContent = k ? `Để trống: theo loại địa điểm (${fmtMinutes(k[2])}). Hết thời gian này, khách chưa check-out được tự động ghi giờ ra.`
      : 'Để trống: theo loại địa điểm.';
  };
  inputs.kind.addEventListener('change', showStayHint);
  showStayHint();
  const closed = h('input', { type: 'checkbox', id: 'vf-closed', checked: !!venue.closed });
  const picker = unitPicker({ id: 'vf-unit', value: venue.area_code || venue.unit_code, depth: 4, mode: 'form' });
  const general = h('div', { id: 'form-messages', 'aria-live': 'polite' });
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'vf-save' }, editing ? 'Lưu thay đổi' : 'Lưu địa điểm');

  const form = h('form', { class: 'form', id: 'venue-form', novalidate: true },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Địa điểm'),
      h('div', { class: 'grid' },
        f('name', text('name', { maxlength: '150', autocomplete: 'off' }), { required: true, wide: true }),
        f('kind', inputs.kind, { required: true }),
        f('default_stay_minutes', stay, { hint: stayHint }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Nơi đặt'),
      h('div', { class: 'grid grid-units' }, picker.el),
      h('div', { class: 'grid' }, f('address', text('address', { placeholder: 'Số nhà, đường, thôn/tổ…' }), { wide: true }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Người phụ trách'),
      h('div', { class: 'grid' },
        f('responsible_name', text('responsible_name', { autocomplete: 'off' })),
        f('responsible_phone', text('responsible_phone', { type: 'tel', autocomplete: 'off' }), { hint: 'Ví dụ: 0912 345 678.' }))),
    editing ? h('fieldset', { class: 'panel' }, h('legend', null, 'Trạng thái'),
      h('label', { class: 'check', for: 'vf-closed' }, closed, ' Địa điểm đã đóng cửa (ngừng nhận check-in)')) : null,
    general,
    h('div', { class: 'form-actions' }, saveBtn,
      h('a', { class: 'btn btn-light', href: editing ? `#/venues/${venue.id}` : '#/venues' }, 'Huỷ')));

  function body() {
    const b = {};
    for (const n of ['name', 'address', 'responsible_name', 'responsible_phone']) b[n] = inputs[n].value.trim();
    b.kind = inputs.kind.value;
    b.unit_code = picker.codeAt(3);
    b.area_code = picker.codeAt(4);
    const s = stay.value.trim();
    b.default_stay_minutes = s === '' ? null : Number(s);
    if (editing) { b.version = venue.version; b.closed = closed.checked; }
    return b;
  }

  function showProblem(e) {
    const errs = (e.body && e.body.errors) || (e.body && e.body.field ? [{ field: e.body.field, message: e.message }] : []);
    let first = null;
    for (const x of errs) {
      const id = x.field === 'unit_code' ? 'vf-unit-3' : x.field === 'area_code' ? 'vf-unit-4' : `vf-${x.field}`;
      if (setFieldError(form, id, x.message) && !first) first = form.querySelector('#' + CSS.escape(id));
    }
    const msg = e.status === 409 ? 'Địa điểm vừa được người khác sửa. Hãy tải lại trang rồi sửa lại.'
      : errs.length ? 'Địa điểm chưa được lưu. Hãy sửa các ô được đánh dấu.' : e.message;
    mount(general, alertBox('error', msg));
    if (first) first.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(general);
    if (!picker.codeAt(3)) {
      setFieldError(form, 'vf-unit-3', 'Hãy chọn xã/phường/thị trấn của địa điểm.');
      mount(general, alertBox('error', 'Địa điểm chưa được lưu. Hãy sửa các ô được đánh dấu.'));
      return;
    }
    saveBtn.disabled = true;
    try {
      const res = editing ? await put(`/api/venues/${venue.id}`, body()) : await post('/api/venues', body());
      toast(editing ? 'Đã lưu thay đổi.' : 'Đã thêm địa điểm.');
      location.hash = `#/venues/${res.venue.id}`;
    } catch (err) {
      saveBtn.disabled = false;
      showProblem(err);
    }
  });

  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/venues' }, 'Địa điểm'), ' › ', editing ? venue.name : 'Thêm mới'),
    pageHead(title), form);
  inputs.name.focus();
}
