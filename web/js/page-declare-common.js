// page-declare-common.js: shared by the health declaration pages: the pages' stylesheet, the symptom,
// exposure, travel, reason and action lists, checkbox and yes/no groups, places-visited rows, a
// cascading unit picker fed by any children loader, the personal QR card and the token kept on this
// device (localStorage, the key the check-in page reads too).
import { h, mount } from './dom.js';
import { field, button, setFieldError } from './ui.js';

export const SYMPTOMS = [
  ['fever', 'Sốt'],
  ['cough', 'Ho'],
  ['breath', 'Khó thở'],
  ['sore_throat', 'Đau họng'],
  ['taste_smell', 'Mất vị giác hoặc khứu giác'],
  ['nausea', 'Buồn nôn, nôn'],
  ['diarrhoea', 'Tiêu chảy'],
];
export const SYMPTOM_LABELS = Object.fromEntries(SYMPTOMS);

export const EXPOSURES = [
  ['contact', 'Tiếp xúc gần (dưới 2 mét) với người mắc hoặc nghi mắc COVID-19?'],
  ['outbreak_area', 'Đến hoặc ở tại nơi đang có dịch COVID-19?'],
  ['animal_market', 'Đến trang trại, chợ buôn bán động vật sống?'],
];
export const EXPOSURE_LABELS = {
  contact: 'Tiếp xúc gần ca bệnh',
  outbreak_area: 'Đến vùng có dịch',
  animal_market: 'Đến trang trại, chợ động vật sống',
};

export const TRAVEL = ['Tàu bay', 'Tàu thuyền', 'Tàu hỏa', 'Ô tô', 'Xe máy', 'Xe đạp, đi bộ', 'Khác'];

export const REASON_LABELS = {
  symptoms: 'Có triệu chứng',
  exposure: 'Tiếp xúc, dịch tễ',
  outbreak_area: 'Vùng dịch',
  review: 'Cần kiểm tra nhân thân',
};

export const ACTIONS = [
  ['called', 'Đã gọi điện'],
  ['sent_for_testing', 'Đã cho đi xét nghiệm'],
  ['told_to_isolate', 'Đã yêu cầu tự cách ly'],
  ['no_answer', 'Không liên lạc được'],
  ['other', 'Khác (ghi rõ)'],
];

export const VIA_LABELS = { self: 'Tự khai', staff: 'Cán bộ khai hộ', ingest: 'Hệ thống khác' };
export const KIND_LABELS = { full: 'Đầy đủ', daily: 'Hằng ngày' };

// The localStorage keys of the personal token (read by the check-in page too) and of the name typed.
export const TOKEN_KEY = 'phongdich.personalToken';
const NAME_KEY = 'phongdich.personalName';

export function savedToken() {
  try { return { token: localStorage.getItem(TOKEN_KEY) || '', name: localStorage.getItem(NAME_KEY) || '' }; } catch { return { token: '', name: '' }; }
}
export function saveToken(token, name) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
    if (name !== undefined) localStorage.setItem(NAME_KEY, name || '');
  } catch { /* storage off: the code is on screen */ }
}
export function forgetToken() {
  try { localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(NAME_KEY); } catch { /* storage off */ }
}

// "ABCD-EFGH-…" for a 26-character token.
export function displayToken(t) { return String(t || '').replace(/(.{4})(?=.)/g, '$1-'); }


// Today as YYYY-MM-DD in Vietnam time, and n days before.
export function isoDay(offsetDays = 0) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 - offsetDays * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

// "2021-11-15" -> "15/11/2021".
export function fmtDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s || '';
}

// A group of checkboxes: {el, values(), set(values)}.
export function checkboxGroup(id, options, selected = []) {
  const boxes = options.map(([value, label]) => {
    const input = h('input', { type: 'checkbox', name: id, value, checked: selected.includes(value) });
    return { value, input, el: h('label', { class: 'choice', dataset: { value } }, input, h('span', null, label)) };
  });
  const el = h('div', { class: 'choice-group', id, role: 'group' }, boxes.map((b) => b.el));
  return { el, values: () => boxes.filter((b) => b.input.checked).map((b) => b.value) };
}

// Yes/no questions (radio pairs): {el, answers() -> {yes: [...], unanswered: [...]}}.
export function yesNoGroup(id, questions) {
  const rows = questions.map(([value, q]) => {
    const yes = h('input', { type: 'radio', name: `${id}-${value}`, value: 'yes' });
    const no = h('input', { type: 'radio', name: `${id}-${value}`, value: 'no' });
    return { value, yes, no, el: h('div', { class: 'yesno', dataset: { question: value } },
      h('span', { class: 'yesno-q', id: `${id}-${value}-q` }, q),
      h('span', { class: 'yesno-a', role: 'radiogroup', 'aria-labelledby': `${id}-${value}-q` },
        h('label', { class: 'choice' }, yes, h('span', null, 'Có')),
        h('label', { class: 'choice' }, no, h('span', null, 'Không')))) };
  });
  const err = h('p', { class: 'group-error', id: `${id}-error`, hidden: true });
  const el = h('div', { id, class: 'yesno-group' }, rows.map((r) => r.el), err);
  return {
    el,
    answers: () => ({
      yes: rows.filter((r) => r.yes.checked).map((r) => r.value),
      unanswered: rows.filter((r) => !r.yes.checked && !r.no.checked).map((r) => r.value),
    }),
    error(msg) { err.textContent = msg || ''; err.hidden = !msg; },
  };
}

// Cascading selects over levels 1..depth, each filled by loadChildren(parentCode) -> [{code, name}].
// opts: id, depth, labels {level: text}, required (level that must be chosen), optionalFrom (levels from
// this one may stay empty), onChange. Returns {el, value, codeAt(level), ready}.
export function cascadePicker(opts) {
  const { id, depth, labels, loadChildren, required = 0 } = opts;
  const selects = {};
  const el = h('div', { class: 'unit-picker', id: `${id}-picker` });
  for (let level = 1; level <= depth; level++) {
    const sel = h('select', { id: `${id}-${level}`, disabled: level > 1, dataset: { level: String(level) } },
      h('option', { value: '' }, '—'));
    sel.addEventListener('change', () => onSelect(level));
    selects[level] = sel;
    el.appendChild(field({ label: labels[level], id: `${id}-${level}`, input: sel, required: level <= required }));
  }
  function fill(level, items) {
    mount(selects[level], h('option', { value: '' }, items.length ? '— Chọn —' : '— Không có —'),
      items.map((u) => h('option', { value: u.code }, u.name)));
    selects[level].disabled = items.length === 0;
  }
  async function onSelect(level) {
    for (let l = level + 1; l <= depth; l++) { mount(selects[l], h('option', { value: '' }, '—')); selects[l].disabled = true; }
    const code = selects[level].value;
    if (code && level < depth) {
      try { fill(level + 1, await loadChildren(code)); } catch { /* the level stays empty */ }
    }
    if (opts.onChange) opts.onChange(api.value);
  }
  const api = {
    el,
    get value() {
      for (let l = depth; l >= 1; l--) if (selects[l].value) return selects[l].value;
      return '';
    },
    codeAt: (level) => (selects[level] ? selects[level].value : ''),
    // Selects a path of codes (province first), loading each level.
    async choose(path) {
      for (let i = 0; i < path.length && i < depth; i++) {
        const level = i + 1;
        if (![...selects[level].options].some((o) => o.value === path[i])) break;
        selects[level].value = path[i];
        await onSelect(level);
      }
    },
    ready: null,
  };
  api.ready = loadChildren('').then((items) => fill(1, items)).catch(() => {
    el.appendChild(h('p', { class: 'field-error' }, 'Không tải được danh sách địa phương. Hãy tải lại trang.'));
  });
  return api;
}

// Rows of places visited in the last 14 days: {el, values(), showErrors(errors)}.
export function placesEditor(id, loadChildren) {
  const rows = [];
  const list = h('div', { id: `${id}-list` });
  const add = button('+ Thêm nơi đã đến', { class: 'btn btn-light', id: `${id}-add` });
  function addRow() {
    const n = rows.length;
    const rowId = `${id}-${n}`;
    const date = h('input', { type: 'date', id: `${rowId}-date`, min: isoDay(14), max: isoDay(0), value: isoDay(0) });
    const place = h('input', { type: 'text', id: `${rowId}-place`, maxlength: '100', placeholder: 'Ví dụ: Chợ Đồng Xuân, bệnh viện…' });
    const picker = cascadePicker({ id: `${rowId}-unit`, depth: 3, loadChildren,
      labels: { 1: 'Tỉnh/thành phố', 2: 'Quận/huyện', 3: 'Xã/phường/thị trấn' } });
    const err = h('p', { class: 'field-error', id: `${rowId}-error`, hidden: true });
    const row = { date, place, picker, err, removed: false };
    const remove = button('Xoá', { class: 'btn btn-light btn-small', onclick: () => { row.removed = true; row.el.remove(); } });
    row.el = h('div', { class: 'place-row', dataset: { place: String(n) } },
      h('div', { class: 'place-row-head' }, h('span', null, `Nơi đến ${n + 1}`), remove),
      h('div', { class: 'grid' },
        field({ label: 'Ngày đến', id: `${rowId}-date`, input: date }),
        field({ label: 'Tên nơi đến', id: `${rowId}-place`, input: place })),
      h('div', { class: 'grid grid-units' }, picker.el), err);
    rows.push(row);
    list.appendChild(row.el);
    return row;
  }
  add.addEventListener('click', () => { const r = addRow(); r.place.focus(); });
  const live = () => rows.filter((r) => !r.removed);
  return {
    el: h('div', { id }, list, add),
    values: () => live().map((r) => ({ date: r.date.value, unit_code: r.picker.value, place: r.place.value.trim() })),
    // errors: [{field: 'places[i]', message}] in the order of values().
    showError(index, message) {
      const r = live()[index];
      if (!r) return false;
      r.err.textContent = message || '';
      r.err.hidden = !message;
      return true;
    },
    clearErrors() { for (const r of rows) { r.err.textContent = ''; r.err.hidden = true; } },
  };
}

// An <img> of the QR's SVG text (a data: URL: no markup is parsed into the page).
export function qrImage(svg, alt) {
  return h('img', { src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg), alt, width: '264', height: '264', class: 'qr-img' });
}

// The personal QR card: image, name, the code in groups, a print button.
export function qrCard({ svg, token, display, name, note }) {
  return h('div', { class: 'qr-card', id: 'qr-card', dataset: { token } },
    qrImage(svg, 'Mã QR cá nhân'),
    name ? h('p', { class: 'qr-name' }, name) : null,
    h('p', { class: 'qr-code', id: 'qr-code' }, display || displayToken(token)),
    h('p', { class: 'qr-note' }, note || 'Mã QR cá nhân: xuất trình khi đến cơ sở, địa điểm công cộng và khi khai báo y tế hằng ngày.'),
    h('div', { class: 'qr-actions' }, button('In mã QR', { class: 'btn btn-light', onclick: () => window.print() })));
}

// Puts the API's per-field errors next to the fields (ids from fieldId), returns those left over.
export function applyErrors(root, errors, fieldId, places) {
  const elsewhere = [];
  let first = null;
  for (const e of errors) {
    const m = /^places\[(\d+)\]$/.exec(e.field || '');
    if (m && places && places.showError(Number(m[1]), e.message)) continue;
    const id = fieldId(e.field);
    if (id && setFieldError(root, id, e.message)) { first = first || id; continue; }
    elsewhere.push(e);
  }
  if (first) {
    const el = root.querySelector('#' + CSS.escape(first));
    if (el) el.focus();
  }
  return elsewhere;
}

// [{field, message}] from an ApiError (400 with errors, or a single field).
export function errorList(e) {
  if (e && e.body && Array.isArray(e.body.errors) && e.body.errors.length) return e.body.errors;
  return [{ field: (e && e.body && e.body.field) || '', message: e ? e.message : '' }];
}
