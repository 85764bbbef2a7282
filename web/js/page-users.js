// page-users.js: "Tài khoản" (admin): the list of accounts and the form that creates one.
import { h, mount } from './dom.js';
import { get, post } from './api.js';
import { ROLE_LABELS, roleLabel } from './format.js';
import { pageHead, dataTable, loading, showError, field, alertBox, setFieldError, clearFieldErrors, toast } from './ui.js';
import { unitPicker } from './unitpicker.js';

export function renderUsers(ctx) {
  const { el, signal } = ctx;
  const list = h('div', { class: 'results', id: 'users-results' }, loading());

  async function load() {
    try {
      const data = await get('/api/users', null, { signal });
      mount(list, dataTable([
        { label: 'Tên đăng nhập', class: 'col-name', cell: (u) => u.username },
        { label: 'Họ tên', cell: (u) => u.display_name || '' },
        { label: 'Vai trò', cell: (u) => roleLabel(u.role) },
        { label: 'Đơn vị', cell: (u) => u.unit_name || u.unit_code || 'Toàn quốc' },
      ], data.items || [], { id: 'users-table', rowClass: 'user-row', caption: 'Tài khoản' }));
    } catch (e) { showError(list, e); }
  }

  const inputs = {
    username: h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
    display_name: h('input', { type: 'text', autocomplete: 'off' }),
    password: h('input', { type: 'password', autocomplete: 'new-password' }),
    role: h('select', null, Object.entries(ROLE_LABELS).map(([v, l]) => h('option', { value: v }, l))),
  };
  inputs.role.value = 'commune';
  const picker = unitPicker({ id: 'uf-unit', depth: 3, mode: 'choice' });
  const msg = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'uf-save' }, 'Tạo tài khoản');
  const form = h('form', { class: 'form', id: 'user-form', novalidate: true },
    h('div', { class: 'grid' },
      field({ label: 'Tên đăng nhập', id: 'uf-username', input: inputs.username, required: true }),
      field({ label: 'Họ tên', id: 'uf-display_name', input: inputs.display_name }),
      field({ label: 'Mật khẩu', id: 'uf-password', input: inputs.password, required: true }),
      field({ label: 'Vai trò', id: 'uf-role', input: inputs.role, required: true })),
    h('p', { class: 'hint block-hint' }, 'Đơn vị quản lý: cấp tỉnh chọn tỉnh, cấp huyện chọn huyện, cấp xã và tổ COVID chọn xã; quản trị và người xem có thể để trống (toàn quốc).'),
    h('div', { class: 'grid grid-units' }, picker.el),
    h('p', { class: 'field-error', id: 'uf-unit_code-error', hidden: true }),
    msg,
    h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(msg);
    save.disabled = true;
    try {
      const body = { username: inputs.username.value.trim(), display_name: inputs.display_name.value.trim(),
        password: inputs.password.value, role: inputs.role.value, unit_code: picker.value };
      const res = await post('/api/users', body);
      toast(`Đã tạo tài khoản ${res.user ? res.user.username : body.username}.`);
      renderUsers(ctx);
    } catch (err) {
      const errs = Array.isArray(err.body && err.body.errors) ? err.body.errors : err.body && err.body.field ? [{ field: err.body.field, message: err.message }] : [];
      const shown = errs.filter((x) => {
        if (x.field === 'unit_code') { const p = form.querySelector('#uf-unit_code-error'); p.textContent = x.message; p.hidden = false; return true; }
        return setFieldError(form, `uf-${x.field}`, x.message);
      }).length;
      mount(msg, alertBox('error', shown ? 'Chưa tạo được tài khoản. Hãy sửa các ô được đánh dấu.' : err.message));
    } finally {
      save.disabled = false;
    }
  });

  mount(el, pageHead('Tài khoản'),
    h('section', { class: 'panel' }, h('h2', null, 'Danh sách tài khoản'), list),
    h('section', { class: 'panel' }, h('h2', null, 'Tạo tài khoản mới'), form));
  load();
}
