// page-declare-assist.js: "Khai báo hộ" (#/declarations/new[?person=ID]): staff declare for someone
// without a smartphone. First find the person in the registry (or type a new identity), then the
// declaration; optionally a new personal QR to print. POST /api/declarations (via = staff).
import { h, mount, debounce } from './dom.js';
import { get, post, isAbort } from './api.js';
import { session } from './session.js';
import { fmtBirth } from './format.js';
import { pageHead, field, alertBox, button, clearFieldErrors, loading, showError, linkButton } from './ui.js';
import { unitPicker, unitChildren } from './unitpicker.js';
import {
  SYMPTOMS, EXPOSURES, TRAVEL, checkboxGroup, yesNoGroup, placesEditor, qrCard, applyErrors, errorList,
} from './page-declare-common.js';

export async function renderDeclareAssist(ctx) {
  const { el, query, signal } = ctx;
  let chosen = null;
  if (query.person) {
    mount(el, pageHead('Khai báo hộ'), loading());
    try {
      chosen = (await get('/api/people/' + encodeURIComponent(query.person), null, { signal })).person;
    } catch (e) {
      showError(el, e);
      el.prepend(pageHead('Khai báo hộ'));
      return;
    }
  }
  chosen ? buildForm(ctx, chosen) : chooser(ctx);
}

// Step 1: search the registry; pick someone, or declare for a person not in it yet.
function chooser(ctx) {
  const { el, signal } = ctx;
  const search = h('input', { type: 'search', id: 'da-search', class: 'search-input', autocomplete: 'off',
    placeholder: 'Họ tên, số CCCD/CMND hoặc số điện thoại', 'aria-label': 'Tìm người trong danh sách dân cư' });
  const results = h('ul', { class: 'person-search-results', id: 'da-results' });
  let controller = null;
  const find = debounce(async () => {
    const q = search.value.trim();
    if (controller) controller.abort();
    if (q.length < 2) { mount(results); return; }
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    try {
      const d = await get('/api/people', { q, limit: 10 }, { signal: my.signal });
      if (my !== controller) return;
      mount(results, (d.items || []).length ? d.items.map((p) => h('li', null, h('button', { type: 'button', class: 'da-pick',
        dataset: { id: String(p.id) }, onclick: () => buildForm(ctx, p) },
      h('strong', null, p.full_name), ' ', h('span', { class: 'muted' },
        [fmtBirth(p.birth_date), p.phone, p.id_number, p.unit_name].filter(Boolean).join(' · ')))))
        : h('li', { class: 'muted' }, 'Không tìm thấy ai. Có thể khai báo cho người chưa có trong danh sách.'));
    } catch (e) { if (!isAbort(e)) mount(results, h('li', null, e.message)); }
  }, 250);
  search.addEventListener('input', find);
  signal.addEventListener('abort', () => find.cancel());
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/declarations' }, 'Khai báo y tế'), ' › Khai báo hộ'),
    pageHead('Khai báo hộ'),
    h('section', { class: 'panel' }, h('h2', null, '1. Tìm người cần khai báo'),
      h('p', { class: 'hint' }, 'Tìm trong danh sách dân cư trước để không tạo trùng hồ sơ.'),
      h('div', { class: 'search-box' }, search), results,
      h('div', { class: 'form-actions' }, button('Người chưa có trong danh sách', { class: 'btn btn-light', id: 'da-new', onclick: () => buildForm(ctx, null) }))));
  search.focus();
}

// Step 2: the declaration for person (a registry record) or for a new identity (person null).
function buildForm(ctx, person) {
  const { el } = ctx;
  const inputs = {};
  const text = (name, props = {}) => (inputs[name] = h('input', { type: 'text', id: `da-${name}`, name, ...props }));
  const f = (name, input, extra = {}) => field({ id: `da-${name}`, input, ...extra });
  const sex = h('select', { id: 'da-sex' }, h('option', { value: '' }, 'Không rõ'), h('option', { value: 'M' }, 'Nam'), h('option', { value: 'F' }, 'Nữ'));
  const residence = unitPicker({ id: 'da-unit', depth: 4, mode: 'form',
    value: person ? (person.area_code || person.unit_code) : (session.user.unit_code || '') });
  const travel = checkboxGroup('da-travel', TRAVEL.map((t) => [t, t]));
  const places = placesEditor('da-places', unitChildren);
  const symptoms = checkboxGroup('da-symptoms', SYMPTOMS);
  const exposures = yesNoGroup('da-exposures', EXPOSURES);
  const doses = h('select', { id: 'da-vaccine_doses' }, h('option', { value: '' }, 'Không rõ'), h('option', { value: '0' }, 'Chưa tiêm'),
    [1, 2, 3, 4].map((n) => h('option', { value: String(n) }, `${n} mũi`)));
  const note = h('textarea', { id: 'da-note', rows: '2', maxlength: '500' });
  const issue = h('input', { type: 'checkbox', id: 'da-issue', checked: !person });
  const messages = h('div', { id: 'da-messages', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'da-save' }, 'Lưu khai báo');

  const identity = person
    ? h('section', { class: 'panel chosen-person', id: 'da-person', dataset: { id: String(person.id) } },
      h('div', null, h('strong', null, person.full_name), ' ', h('span', { class: 'muted' },
        [fmtBirth(person.birth_date), person.phone, person.id_number].filter(Boolean).join(' · '))),
      button('Chọn người khác', { class: 'btn btn-light btn-small', onclick: () => chooser(ctx) }))
    : h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin cá nhân'), h('div', { class: 'grid' },
      f('full_name', text('full_name', { maxlength: '100' }), { label: 'Họ và tên', required: true, wide: true }),
      f('birth_year', text('birth_year', { inputmode: 'numeric', placeholder: 'Năm sinh hoặc ngày/tháng/năm' }), { label: 'Năm sinh' }),
      f('sex', sex, { label: 'Giới tính' }),
      f('id_number', text('id_number'), { label: 'Số CCCD/CMND/hộ chiếu' }),
      f('phone', text('phone', { type: 'tel' }), { label: 'Số điện thoại' })));

  const form = h('form', { class: 'form', id: 'assist-form', novalidate: true },
    identity,
    h('fieldset', { class: 'panel' }, h('legend', null, 'Nơi ở hiện nay'),
      h('div', { class: 'grid grid-units' }, residence.el),
      h('div', { class: 'grid' }, f('address', text('address', { value: person ? person.address : '', maxlength: '250' }), { label: 'Địa chỉ', wide: true }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Di chuyển trong 14 ngày qua'), travel.el, places.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Triệu chứng trong 14 ngày qua'), symptoms.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Tiếp xúc, dịch tễ'), exposures.el),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Khác'), h('div', { class: 'grid' },
      f('vaccine_doses', doses, { label: 'Số mũi vắc xin đã tiêm' }),
      f('note', note, { label: 'Ghi chú', wide: true })),
      h('label', { class: 'choice' }, issue, h('span', null, 'Cấp mã QR cá nhân mới để in cho người dân (mã cũ, nếu có, sẽ không dùng được nữa)'))),
    messages,
    h('div', { class: 'form-actions' }, save, h('a', { class: 'btn btn-light', href: '#/declarations' }, 'Huỷ')));

  const special = { unit_code: 'da-unit-3', area_code: 'da-unit-4', birth_date: 'da-birth_year', person_id: null };
  const fieldId = (name) => (name in special ? special[name]
    : inputs[name] || ['sex', 'vaccine_doses', 'note'].includes(name) ? `da-${name}` : null);

  function body() {
    const b = { unit_code: residence.codeAt(3), area_code: residence.codeAt(4), address: inputs.address.value.trim(),
      travel: travel.values(), places: places.values(), symptoms: symptoms.values(), exposures: exposures.answers().yes,
      vaccine_doses: doses.value === '' ? null : Number(doses.value), note: note.value.trim(), issue_token: issue.checked };
    if (person) b.person_id = person.id;
    else {
      for (const n of ['full_name', 'birth_year', 'id_number', 'phone']) b[n] = inputs[n].value.trim();
      b.sex = sex.value;
    }
    return b;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    places.clearErrors();
    mount(messages);
    save.disabled = true;
    try {
      const r = await post('/api/declarations', body());
      showDone(ctx, r, person ? person.full_name : inputs.full_name.value.trim());
    } catch (err) {
      save.disabled = false;
      if (err.status === 400) {
        const rest = applyErrors(form, errorList(err), fieldId, places);
        mount(messages, alertBox('error', 'Chưa lưu được. Hãy sửa các ô được đánh dấu.',
          rest.length ? h('ul', null, rest.map((x) => h('li', null, x.message))) : null));
      } else {
        mount(messages, alertBox('error', err.message));
      }
    }
  });

  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/declarations' }, 'Khai báo y tế'), ' › Khai báo hộ'),
    pageHead(person ? `Khai báo hộ: ${person.full_name}` : 'Khai báo hộ: người mới'),
    form);
}

function showDone(ctx, r, name) {
  mount(ctx.el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/declarations' }, 'Khai báo y tế'), ' › Khai báo hộ'),
    pageHead('Đã lưu khai báo'),
    alertBox('success', h('p', { id: 'da-done', dataset: { person: String(r.person_id) } }, 'Đã lưu khai báo y tế của ', h('strong', null, name), '.',
      r.person_created ? ' Người này chưa có trong danh sách dân cư nên đã được thêm mới.' : '')),
    r.alert_id ? alertBox('warning', 'Khai báo có dấu hiệu cần theo dõi: đã tạo cảnh báo cho trạm y tế. ', h('a', { href: '#/alerts' }, 'Xem danh sách cảnh báo')) : null,
    r.needs_review ? alertBox('info', 'Thông tin nhân thân khác với hồ sơ có cùng số giấy tờ; khai báo đã gắn vào hồ sơ đó và được đánh dấu để kiểm tra lại.') : null,
    r.token ? qrCard({ svg: r.qr_svg, token: r.token, display: r.token_display, name, note: 'In hoặc đưa mã này cho người dân để khai báo hằng ngày và quét mã khi đến các địa điểm.' }) : null,
    h('div', { class: 'form-actions' },
      button('Khai báo cho người khác', { class: 'btn btn-primary', id: 'da-again', onclick: () => chooser(ctx) }),
      linkButton('Xem hồ sơ', `#/people/${encodeURIComponent(r.person_id)}`, 'btn'),
      linkButton('Danh sách khai báo', '#/declarations', 'btn btn-light')));
  window.scrollTo(0, 0);
}
