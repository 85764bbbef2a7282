// page-stays-form.js: "Đăng ký khách lưu trú" (#/stays/new): registering a foreign guest at an
// accommodation venue — the venue (the staff account's own, or one the official chooses), the guest's
// name, nationality, passport, birth date and sex, arrival and leaving dates and room. Shows the API's
// per-field errors next to the fields and a double registration (409) as a message.
import { h, mount } from './dom.js';
import { get, post } from './api.js';
import { pageHead, field, setFieldError, clearFieldErrors, alertBox, loading, showError, toast, linkButton } from './ui.js';

// The nationalities most often seen, by Vietnamese name; any other ISO 3166 code can be typed.
export const NATIONALITIES = [
  ['CN', 'Trung Quốc'], ['KR', 'Hàn Quốc'], ['JP', 'Nhật Bản'], ['US', 'Hoa Kỳ'], ['TW', 'Đài Loan'], ['LA', 'Lào'],
  ['KH', 'Cam-pu-chia'], ['TH', 'Thái Lan'], ['FR', 'Pháp'], ['GB', 'Anh'], ['DE', 'Đức'], ['AU', 'Úc'], ['RU', 'Nga'],
  ['SG', 'Xin-ga-po'], ['MY', 'Ma-lai-xi-a'], ['IN', 'Ấn Độ'], ['CA', 'Ca-na-đa'], ['IT', 'I-ta-li-a'], ['NL', 'Hà Lan'],
];

const FIELDS = {
  venue_id: 'Cơ sở lưu trú', full_name: 'Họ và tên (như trên hộ chiếu)', nationality: 'Quốc tịch', passport: 'Số hộ chiếu',
  birth_date: 'Ngày sinh', sex: 'Giới tính', arrive_date: 'Ngày đến', leave_date: 'Ngày đi (dự kiến)', room: 'Phòng',
};

const todayLocal = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

export async function renderStayForm(ctx) {
  const { el, signal } = ctx;
  mount(el, pageHead('Đăng ký khách lưu trú'), loading());
  let venues;
  try {
    venues = (await get('/api/stays/venues', null, { signal })).items;
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead('Đăng ký khách lưu trú'));
    return;
  }
  if (!venues.length) {
    mount(el, pageHead('Đăng ký khách lưu trú'),
      alertBox('info', 'Không có cơ sở lưu trú (khách sạn, nhà nghỉ) nào mà tài khoản này được đăng ký khách. ',
        h('a', { href: '#/stays' }, 'Xem danh sách khách lưu trú')));
    return;
  }
  buildForm(ctx, venues);
}

function buildForm(ctx, venues) {
  const { el, navigate } = ctx;
  const id = (name) => `sf-${name}`;
  const inputs = {
    venue_id: h('select', { id: id('venue_id'), name: 'venue_id' }, venues.map((v) => h('option', { value: String(v.id) }, `${v.name} — ${v.address}`))),
    full_name: h('input', { type: 'text', id: id('full_name'), autocomplete: 'off', maxlength: '120', autocapitalize: 'words' }),
    nationality: h('input', { type: 'text', id: id('nationality'), list: 'sf-nationalities', maxlength: '2', autocapitalize: 'characters',
      placeholder: 'Ví dụ: KR' }),
    passport: h('input', { type: 'text', id: id('passport'), autocomplete: 'off', autocapitalize: 'characters', maxlength: '12' }),
    birth_date: h('input', { type: 'date', id: id('birth_date'), max: todayLocal() }),
    sex: h('select', { id: id('sex') }, h('option', { value: '' }, 'Chọn…'), h('option', { value: 'M' }, 'Nam'), h('option', { value: 'F' }, 'Nữ')),
    arrive_date: h('input', { type: 'date', id: id('arrive_date'), value: todayLocal(), max: todayLocal() }),
    leave_date: h('input', { type: 'date', id: id('leave_date') }),
    room: h('input', { type: 'text', id: id('room'), maxlength: '30' }),
  };
  const natList = h('datalist', { id: 'sf-nationalities' }, NATIONALITIES.map(([c, n]) => h('option', { value: c }, n)));
  const f = (name, extra = {}) => field({ label: FIELDS[name], id: id(name), input: inputs[name], ...extra });
  const messages = h('div', { id: 'stay-messages', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'sf-save' }, 'Đăng ký');
  const form = h('form', { class: 'form', id: 'stay-form', novalidate: true },
    venues.length > 1 ? h('fieldset', { class: 'panel' }, h('legend', null, 'Cơ sở lưu trú'), h('div', { class: 'grid' }, f('venue_id', { wide: true })))
      : h('p', { class: 'panel venue-fixed', id: 'sf-venue' }, h('strong', null, venues[0].name), ` — ${venues[0].address}`),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Khách'),
      h('div', { class: 'grid' },
        f('full_name', { required: true, wide: true, hint: 'Viết đúng như trên hộ chiếu, ví dụ KIM MIN-JUN.' }),
        f('nationality', { required: true, hint: 'Mã 2 chữ cái theo ISO, chọn trong danh sách hoặc gõ mã.' }), natList,
        f('passport', { required: true }),
        f('birth_date', { required: true }),
        f('sex', { required: true }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Lưu trú'),
      h('div', { class: 'grid' },
        f('arrive_date', { required: true }),
        f('leave_date', { hint: 'Để trống nếu chưa biết.' }),
        f('room'))),
    messages,
    h('div', { class: 'form-actions' }, save, linkButton('Danh sách khách', '#/stays', 'btn btn-light')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(messages);
    const body = {};
    for (const [k, input] of Object.entries(inputs)) body[k] = k === 'venue_id' ? Number(input.value || venues[0].id) : input.value.trim();
    save.disabled = true;
    try {
      const res = await post('/api/stays', body);
      toast(`Đã đăng ký lưu trú cho ${res.stay.full_name}.`);
      navigate('#/stays?present=1');
    } catch (err) {
      save.disabled = false;
      const errors = (err.body && err.body.errors) || (err.body && err.body.field ? [{ field: err.body.field, message: err.message }] : []);
      let shown = 0;
      for (const x of errors) if (setFieldError(form, id(x.field), x.message)) shown++;
      if (!shown || err.status === 409) mount(messages, alertBox('error', err.message));
      const first = form.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
    }
  });

  mount(el, pageHead('Đăng ký khách lưu trú'),
    alertBox('info', 'Khai báo lưu trú cho người nước ngoài theo hộ chiếu. Công an phường, xã và huyện xem được danh sách khách của cơ sở.'),
    form);
  inputs.full_name.focus();
}
