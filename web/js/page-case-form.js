// page-case-form.js: "Xác nhận ca bệnh" (#/cases/new[?person=ID]): find the person in the registry, then
// the sample date, the onset date (if any), where the case was found, the basis of the confirmation and a
// note. POST /api/cases confirms the case and traces it at once; the case page then shows its F1 and F2.
import { h, mount, debounce } from './dom.js';
import { get, post, isAbort } from './api.js';
import { fmtBirth, fmtNumber } from './format.js';
import { pageHead, field, alertBox, button, clearFieldErrors, setFieldError, loading, showError, toast } from './ui.js';
import { FOUND_IN_LABELS, BASIS_LABELS, dayVN } from './page-cases.js';

const crumbs = () => h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, 'Ca bệnh F0'), ' › Xác nhận ca bệnh');

export async function renderCaseForm(ctx) {
  const { el, query, signal } = ctx;
  if (query.person) {
    mount(el, crumbs(), pageHead('Xác nhận ca bệnh'), loading());
    try {
      const p = (await get('/api/people/' + encodeURIComponent(query.person), null, { signal })).person;
      buildForm(ctx, p);
    } catch (e) {
      if (isAbort(e)) return;
      showError(el, e);
      el.prepend(crumbs(), pageHead('Xác nhận ca bệnh'));
    }
    return;
  }
  buildForm(ctx, null);
}

// A search box over the registry; pick(person) is called with the chosen person.
export function personSearch({ id, signal, pick, placeholder }) {
  const search = h('input', { type: 'search', id: `${id}-search`, class: 'search-input', autocomplete: 'off',
    placeholder: placeholder || 'Họ tên, số CCCD/CMND hoặc số điện thoại', 'aria-label': 'Tìm người trong danh sách dân cư' });
  const results = h('ul', { class: 'pick-list', id: `${id}-results`, dataset: { state: 'idle' } });
  let controller = null;
  const find = debounce(async () => {
    const q = search.value.trim();
    if (controller) controller.abort();
    if (q.length < 2) { mount(results); results.dataset.state = 'idle'; return; }
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    try {
      const d = await get('/api/people', { q, limit: 10 }, { signal: my.signal });
      if (my !== controller) return;
      const items = d.items || [];
      mount(results, items.length ? items.map((p) => h('li', null, h('button', { type: 'button', class: 'pick', dataset: { id: String(p.id) },
        onclick: () => pick(p) },
      h('strong', null, p.full_name), ' ', h('span', { class: 'muted' },
        [fmtBirth(p.birth_date), p.phone, p.id_number, [p.area_name, p.unit_name].filter(Boolean).join(', ')].filter(Boolean).join(' · ')))))
        : h('li', { class: 'muted' }, 'Không tìm thấy ai phù hợp.'));
      results.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      mount(results, h('li', { class: 'field-error' }, e.message));
    }
  }, 250);
  search.addEventListener('input', find);
  signal.addEventListener('abort', () => find.cancel());
  return { search, results, el: h('div', { class: 'person-search' }, h('div', { class: 'search-box' }, search), results) };
}

function buildForm(ctx, initial) {
  const { el, signal, navigate } = ctx;
  let person = initial;
  const chosen = h('div', { class: 'chosen', id: 'cf-person', 'aria-live': 'polite' });
  const finder = personSearch({ id: 'cf-person', signal, pick: (p) => { person = p; showChosen(); } });
  const sample = h('input', { type: 'date', id: 'cf-sample_date', value: dayVN(), max: dayVN() });
  const onset = h('input', { type: 'date', id: 'cf-onset_date', max: dayVN() });
  const foundIn = h('div', { class: 'radio-row', role: 'radiogroup', id: 'cf-found_in', 'aria-label': 'Nơi phát hiện' },
    Object.entries(FOUND_IN_LABELS).map(([v, l], i) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'found_in', value: v, checked: i === 0 }), h('span', null, l))));
  const basis = h('select', { id: 'cf-basis' }, Object.entries(BASIS_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const note = h('textarea', { id: 'cf-note', rows: '2', maxlength: '250' });
  const messages = h('div', { id: 'cf-messages', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'cf-save' }, 'Xác nhận ca bệnh và truy vết');

  function showChosen() {
    setFieldError(form, 'cf-person', '');
    if (!person) {
      mount(chosen, finder.el);
      finder.search.focus();
      return;
    }
    mount(chosen, h('div', { class: 'chosen-person', dataset: { id: String(person.id) } },
      h('div', null, h('strong', { id: 'cf-person-name' }, person.full_name), ' ', h('span', { class: 'muted' },
        [fmtBirth(person.birth_date), person.phone, person.id_number, [person.area_name, person.unit_name].filter(Boolean).join(', ')]
          .filter(Boolean).join(' · '))),
      button('Chọn người khác', { class: 'btn btn-light btn-small', id: 'cf-change', onclick: () => { person = null; showChosen(); } })));
  }

  const form = h('form', { class: 'form', id: 'case-form', novalidate: true },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Người mắc bệnh'),
      h('div', { class: 'field', dataset: { field: 'cf-person' } }, chosen,
        h('p', { class: 'field-error', id: 'cf-person-error', hidden: true }))),
    h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin xác định ca bệnh'),
      h('div', { class: 'grid' },
        field({ label: 'Ngày lấy mẫu dương tính', id: 'cf-sample_date', input: sample, required: true }),
        field({ label: 'Ngày khởi phát triệu chứng', id: 'cf-onset_date', input: onset,
          hint: 'Để trống nếu không có triệu chứng. Thời gian lây nhiễm tính từ 2 ngày trước ngày này (hoặc trước ngày lấy mẫu).' }),
        field({ label: 'Căn cứ xác định', id: 'cf-basis', input: basis, required: true, wide: true })),
      h('div', { class: 'field', dataset: { field: 'cf-found_in' } }, h('span', { class: 'field-label' }, 'Nơi phát hiện'), foundIn,
        h('p', { class: 'field-error', id: 'cf-found_in-error', hidden: true })),
      field({ label: 'Ghi chú', id: 'cf-note', input: note, wide: true })),
    messages,
    h('div', { class: 'form-actions' }, save, h('a', { class: 'btn btn-light', href: '#/cases' }, 'Huỷ')));

  const fieldId = { person_id: 'cf-person', sample_date: 'cf-sample_date', onset_date: 'cf-onset_date', found_in: 'cf-found_in',
    basis: 'cf-basis', note: 'cf-note' };

  // A field's error goes once it is changed.
  form.addEventListener('input', (e) => { if (e.target.id) setFieldError(form, e.target.id, ''); });
  form.addEventListener('change', (e) => { if (e.target.name === 'found_in') setFieldError(form, 'cf-found_in', ''); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(messages);
    if (!person) {
      setFieldError(form, 'cf-person', 'Hãy tìm và chọn người mắc bệnh trong danh sách dân cư.');
      return;
    }
    const body = { person_id: person.id, sample_date: sample.value, found_in: form.querySelector('input[name="found_in"]:checked').value,
      basis: basis.value, note: note.value.trim() };
    if (onset.value) body.onset_date = onset.value;
    save.disabled = true;
    mount(messages, loading('Đang xác nhận và truy vết…'));
    try {
      const r = await post('/api/cases', body, { signal });
      const t = r.trace || {};
      toast(`Đã xác nhận ca bệnh ${r.case.full_name}. Truy vết: ${fmtNumber(t.f1 || 0)} F1, ${fmtNumber(t.f2 || 0)} F2.`);
      navigate(`#/cases/${r.case.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      save.disabled = false;
      const errors = (err.body && err.body.errors) || (err.body && err.body.field ? [{ field: err.body.field, message: err.message }] : []);
      let shown = 0;
      for (const x of errors) if (setFieldError(form, fieldId[x.field] || `cf-${x.field}`, x.message)) shown++;
      const rest = errors.filter((x) => !form.querySelector(`#${CSS.escape(fieldId[x.field] || `cf-${x.field}`)}-error`));
      mount(messages, alertBox('error', shown ? 'Chưa xác nhận được. Hãy sửa các ô được đánh dấu.' : err.message,
        rest.length ? h('ul', null, rest.map((x) => h('li', null, x.message))) : null,
        err.status === 409 && err.body && err.body.case_id ? [' ', h('a', { href: `#/cases/${err.body.case_id}` }, 'Xem ca bệnh đang điều trị')] : null));
    }
  });

  mount(el, crumbs(), pageHead('Xác nhận ca bệnh'),
    h('p', { class: 'lead' }, 'Khi xác nhận, hệ thống truy vết ngay những người tiếp xúc gần (F1) và tiếp xúc với F1 (F2) từ hộ gia đình và các lượt quét mã QR.'),
    form);
  showChosen();
}
