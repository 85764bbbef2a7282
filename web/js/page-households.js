// page-households.js: "Hộ gia đình": the list of households (unit filter, keyset paging) and the
// form that creates one (#/households/new).
import { h, mount } from './dom.js';
import { get, post, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtNumber } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton, field, alertBox,
  setFieldError, clearFieldErrors, toast } from './ui.js';
import { unitPicker } from './unitpicker.js';

const PAGE = 50;

export function renderHouseholds(ctx) {
  const { el, query, signal } = ctx;
  const state = { unit: query.unit || '', after: 0, stack: [] };
  const results = h('div', { class: 'results', id: 'households-results', dataset: { state: 'loading' } }, loading());
  const picker = unitPicker({ id: 'hh-unit', value: state.unit, depth: 4, mode: 'filter', onChange: (code) => {
    state.unit = code === picker.root ? '' : code;
    state.after = 0;
    state.stack = [];
    history.replaceState(null, '', '#/households' + qs({ unit: state.unit }));
    load();
  } });
  let controller = null;

  async function load() {
    if (controller) controller.abort();
    const my = controller = new AbortController();
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.classList.add('is-loading');
    try {
      const data = await get('/api/households', { unit: state.unit, after: state.after || '', limit: PAGE }, { signal: my.signal });
      const items = data.items || [];
      mount(results,
        items.length ? dataTable([
          { label: 'Mã hộ', cell: (x) => h('a', { href: `#/households/${encodeURIComponent(x.id)}` }, `Hộ số ${x.id}`) },
          { label: 'Chủ hộ', class: 'col-name', cell: (x) => x.head_name || '' },
          { label: 'Địa chỉ', class: 'col-address', cell: (x) => x.address || '' },
          { label: 'Đơn vị', cell: (x) => x.unit_name || x.unit_code || '' },
          { label: 'Số thành viên', class: 'num', cell: (x) => fmtNumber(x.member_count) },
        ], items, { id: 'households-table', rowClass: 'household-row', caption: 'Danh sách hộ gia đình' })
          : emptyState('Chưa có hộ gia đình nào trong phạm vi này.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next, label: `Trang ${state.stack.length + 1}`,
          onPrev: () => { state.after = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.after); state.after = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.classList.remove('is-loading');
    }
  }

  mount(el,
    pageHead('Hộ gia đình', can('people.write') ? linkButton('+ Tạo hộ mới', '#/households/new', 'btn btn-primary') : null),
    h('section', { class: 'panel toolbar' },
      h('details', { class: 'filters', open: !!state.unit }, h('summary', null, 'Lọc theo địa bàn'), picker.el)),
    results);
  load();
}

export function renderHouseholdForm(ctx) {
  const { el, query } = ctx;
  const picker = unitPicker({ id: 'hf-unit', value: query.unit || '', depth: 4, mode: 'form' });
  const address = h('input', { type: 'text', id: 'hf-address', placeholder: 'Số nhà, đường/ngõ, xóm…' });
  const head = h('input', { type: 'text', id: 'hf-head', inputmode: 'numeric', value: query.head || '' });
  const msg = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'hf-save' }, 'Tạo hộ');
  const form = h('form', { class: 'form', id: 'household-form', novalidate: true },
    h('fieldset', { class: 'panel' }, h('legend', null, 'Thông tin hộ'),
      h('div', { class: 'grid grid-units' }, picker.el),
      h('div', { class: 'grid' },
        field({ label: 'Địa chỉ', id: 'hf-address', input: address, wide: true }),
        field({ label: 'Mã số chủ hộ', id: 'hf-head', input: head, hint: 'Mã số hồ sơ nhân khẩu của chủ hộ (có thể để trống, đặt sau).' }))),
    msg,
    h('div', { class: 'form-actions' }, save, h('a', { class: 'btn btn-light', href: '#/households' }, 'Huỷ')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(msg);
    if (!picker.codeAt(3)) {
      setFieldError(form, 'hf-unit-3', 'Hãy chọn xã/phường/thị trấn.');
      return;
    }
    save.disabled = true;
    try {
      const headId = head.value.trim();
      const res = await post('/api/households', { unit_code: picker.codeAt(3), area_code: picker.codeAt(4),
        address: address.value.trim(), head_person_id: headId ? Number(headId) : null });
      // The head is a member of the household too.
      if (headId) {
        try {
          await post(`/api/households/${encodeURIComponent(res.household.id)}/members`, { person_id: Number(headId), relation: 'Chủ hộ' });
        } catch (err) {
          toast(`Đã tạo hộ, nhưng chưa thêm được chủ hộ vào danh sách thành viên: ${err.message}`, 'error');
        }
      }
      toast('Đã tạo hộ gia đình.');
      location.hash = `#/households/${encodeURIComponent(res.household.id)}`;
    } catch (err) {
      save.disabled = false;
      const map = { unit_code: 'hf-unit-3', area_code: 'hf-unit-4', address: 'hf-address', head_person_id: 'hf-head' };
      const errs = Array.isArray(err.body && err.body.errors) ? err.body.errors : err.body && err.body.field ? [{ field: err.body.field, message: err.message }] : [];
      const shown = errs.filter((x) => setFieldError(form, map[x.field] || '', x.message)).length;
      mount(msg, alertBox('error', shown ? 'Chưa tạo được hộ. Hãy sửa các ô được đánh dấu.' : err.message));
    }
  });
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/households' }, 'Hộ gia đình'), ' › Tạo mới'),
    pageHead('Tạo hộ gia đình'), form);
}
