// ui.js: shared building blocks of the pages: headings, alerts, form fields, tables that turn into
// cards on a phone, progress bars, pagers and toasts.
import { h, mount } from './dom.js';
import { isAbort } from './api.js';

// The page heading; also sets the window title.
export function pageHead(title, ...actions) {
  document.title = `${title} · Phòng chống dịch COVID-19`;
  return h('div', { class: 'page-head' },
    h('h1', null, title),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function alertBox(kind, ...children) {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, children);
}

export function errorBox(err) {
  return alertBox('error', err && err.message ? err.message : String(err));
}

// Shows err in el unless the request was cancelled by navigation.
export function showError(el, err) {
  if (isAbort(err)) return;
  mount(el, errorBox(err));
}

export function loading(text = 'Đang tải…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(text) {
  return h('div', { class: 'empty' }, text);
}

let toastBox = null;
export function toast(message, kind = 'success') {
  if (!toastBox || !toastBox.isConnected) {
    toastBox = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.appendChild(toastBox);
  }
  const t = h('div', { class: `toast toast-${kind}`, role: 'status' }, message);
  toastBox.appendChild(t);
  setTimeout(() => t.remove(), 4000);
}

// A labelled form field with a slot for its error message (id `${id}-error`).
export function field({ label, id, input, hint, required, wide }) {
  if (input && id && !input.id) input.id = id;
  const err = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  if (input) input.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field' + (wide ? ' field-wide' : ''), dataset: { field: id } },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input,
    hint ? h('p', { class: 'hint' }, hint) : null,
    err);
}

export function setFieldError(root, id, message) {
  const err = root.querySelector(`#${CSS.escape(id)}-error`);
  const wrap = root.querySelector(`.field[data-field="${CSS.escape(id)}"]`);
  if (!err) return false;
  err.textContent = message || '';
  err.hidden = !message;
  if (wrap) wrap.classList.toggle('has-error', !!message);
  const input = root.querySelector(`#${CSS.escape(id)}`);
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return true;
}

export function clearFieldErrors(root) {
  for (const e of root.querySelectorAll('.field-error')) { e.textContent = ''; e.hidden = true; }
  for (const w of root.querySelectorAll('.field.has-error')) w.classList.remove('has-error');
  for (const i of root.querySelectorAll('[aria-invalid="true"]')) i.setAttribute('aria-invalid', 'false');
}

export function input(props) { return h('input', { type: 'text', ...props }); }

export function select(options, props) {
  return h('select', props, options.map(([value, label]) => h('option', { value }, label)));
}

export function button(label, props = {}) {
  return h('button', { type: 'button', class: 'btn', ...props }, label);
}

export function linkButton(label, href, cls = 'btn') {
  return h('a', { class: cls, href }, label);
}

// columns: [{label, cell(row) -> node|string, class}]. On narrow screens each row becomes a card whose
// cells are labelled by data-label.
export function dataTable(columns, rows, { id, rowClass, caption } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table table-cards', id },
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', null, rows.map((r) => h('tr', { class: rowClass },
        columns.map((c) => {
          const v = c.cell(r);
          const empty = v === '' || v === null || v === undefined;
          return h('td', { 'data-label': c.label, class: (c.class || '') + (empty ? ' is-empty' : '') }, empty ? '' : v);
        }))))));
}

// A progress bar: set(done, total) (total 0 = unknown), text(s).
export function progressBar(id, label) {
  const fill = h('div', { class: 'progress-fill' });
  const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-label': label, id }, fill);
  const note = h('p', { class: 'progress-note' });
  const el = h('div', { class: 'progress-block' }, h('p', { class: 'progress-label' }, label), bar, note);
  return {
    el,
    set(done, total) {
      const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
      fill.style.width = pct + '%';
      bar.setAttribute('aria-valuenow', String(pct));
      bar.dataset.done = String(done);
      bar.dataset.total = String(total);
      bar.classList.toggle('indeterminate', !(total > 0));
      return pct;
    },
    text(s) { note.textContent = s; },
  };
}

// Previous/next buttons for keyset paging.
export function pager({ hasPrev, hasNext, onPrev, onNext, label }) {
  return h('nav', { class: 'pager', 'aria-label': 'Phân trang' },
    button('‹ Trang trước', { class: 'btn btn-light', disabled: !hasPrev, onclick: onPrev, dataset: { pager: 'prev' } }),
    label ? h('span', { class: 'pager-label' }, label) : null,
    button('Trang sau ›', { class: 'btn btn-light', disabled: !hasNext, onclick: onNext, dataset: { pager: 'next' } }));
}

// A definition list of [label, value] pairs.
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.map(([k, v]) => h('div', { class: 'details-row' },
    h('dt', null, k), h('dd', null, v === '' || v === null || v === undefined ? h('span', { class: 'muted' }, '—') : v))));
}
