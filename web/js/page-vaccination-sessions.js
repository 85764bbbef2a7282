// page-vaccination-sessions.js: "Buổi tiêm": the vaccination sessions of the caller's area (site, day, vaccine,
// lot, team, doses recorded in it) and a form to open one at a commune in scope.
import { h, mount } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can, session } from './session.js';
import { pageHead, dataTable, loading, showError, emptyState, field, select, button, toast, setFieldError,
  clearFieldErrors } from './ui.js';
import { vaccTabs, vaccRefs, todayLocal, vnDay } from './page-vaccination-common.js';

const FIELDS = ['site', 'session_date', 'product_code', 'lot', 'team', 'unit_code'];

function sessionForm(refs, reload) {
  const inputs = {
    site: h('input', { type: 'text' }),
    session_date: h('input', { type: 'date', value: todayLocal() }),
    product_code: select(refs.products.map((p) => [p.code, p.name])),
    lot: h('input', { type: 'text' }),
    team: h('input', { type: 'text' }),
    unit_code: h('input', { type: 'text', value: session.user && session.user.unit_code && session.user.unit_code.length === 5 ? session.user.unit_code : '' }),
  };
  const labels = { site: 'Địa điểm tiêm', session_date: 'Ngày', product_code: 'Vắc xin', lot: 'Số lô', team: 'Đội tiêm', unit_code: 'Mã xã/phường' };
  const form = h('form', { class: 'form', id: 'session-form' });
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const body = Object.fromEntries(FIELDS.map((f) => [f, inputs[f].value]));
    try {
      await post('/api/vaccination/sessions', body);
      toast('Đã tạo buổi tiêm.');
      reload();
    } catch (err) {
      if (!setFieldError(form, `ses-${err.body && err.body.field}`, err.message)) toast(err.message, 'error');
    }
  };
  return mount(form, h('div', { class: 'grid' }, FIELDS.map((f) => field({ label: labels[f], id: `ses-${f}`, input: inputs[f] }))),
    h('div', { class: 'form-actions' }, button('Tạo buổi tiêm', { type: 'submit', class: 'btn btn-primary', id: 'session-save' })));
}

export function renderVaccSessions(ctx) {
  const { el, signal } = ctx;
  const results = h('div', { class: 'results', id: 'sessions-results' }, loading());
  const formBox = h('div');
  mount(el, pageHead('Buổi tiêm'), vaccTabs('/vaccination/sessions'), formBox, results);
  const load = async () => {
    try {
      const [refs, r] = await Promise.all([vaccRefs(signal), get('/api/vaccination/sessions', { limit: 200 }, { signal })]);
      if (can('vaccination.write') && !formBox.firstChild) mount(formBox, h('h2', null, 'Tạo buổi tiêm'), sessionForm(refs, load));
      mount(results, r.items.length ? dataTable([
        { label: 'Ngày', cell: (s) => vnDay(s.session_date) },
        { label: 'Địa điểm', cell: (s) => s.site },
        { label: 'Vắc xin', cell: (s) => refs.productName(s.product_code) },
        { label: 'Số lô', cell: (s) => s.lot },
        { label: 'Đội tiêm', cell: (s) => s.team },
        { label: 'Xã/phường', cell: (s) => s.unit_code },
        { label: 'Số mũi đã ghi', cell: (s) => String(s.doses) },
      ], r.items, { id: 'sessions-table' }) : emptyState('Chưa có buổi tiêm nào.'));
    } catch (e) {
      if (!isAbort(e)) showError(results, e);
    }
  };
  load();
}
