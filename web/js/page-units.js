// page-units.js: "Đơn vị hành chính": the unit tree, expanded lazily (provinces -> districts -> communes
// -> thôn/tổ), a folded name search ("bac kan" finds "Bắc Kạn"), and one unit's page with its path,
// children and, for a commune in scope, the form that adds a thôn/bản/tổ dân phố.
import { h, mount, debounce } from './dom.js';
import { get, post, isAbort } from './api.js';
import { can, session } from './session.js';
import { fmtNumber, AREA_KINDS, LEVEL_LABELS } from './format.js';
import { pageHead, loading, showError, alertBox, field, details, toast, emptyState, linkButton, setFieldError, clearFieldErrors } from './ui.js';
import { unitChildren, invalidateUnit } from './unitpicker.js';

function unitMeta(u) {
  const bits = [u.type];
  if (u.child_count) bits.push(`${fmtNumber(u.child_count)} đơn vị trực thuộc`);
  if (u.population !== null && u.population !== undefined && u.population >= 0) bits.push(`${fmtNumber(u.population)} dân`);
  return bits.filter(Boolean).join(' · ');
}

function treeNode(u) {
  const li = h('li', { class: 'tree-node', dataset: { code: u.code, level: String(u.level) } });
  const kids = h('ul', { class: 'tree', role: 'group', hidden: true });
  let loaded = false;
  const toggle = u.child_count > 0
    ? h('button', { type: 'button', class: 'tree-toggle', 'aria-expanded': 'false', 'aria-label': `Mở ${u.name}` })
    : h('span', { class: 'tree-spacer', 'aria-hidden': 'true' });
  if (u.child_count > 0) {
    toggle.addEventListener('click', async () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      toggle.setAttribute('aria-label', `${open ? 'Thu gọn' : 'Mở'} ${u.name}`);
      kids.hidden = !open;
      if (open && !loaded) {
        loaded = true;
        mount(kids, h('li', null, loading()));
        try {
          mount(kids, (await unitChildren(u.code)).map(treeNode));
        } catch (e) {
          loaded = false;
          mount(kids, h('li', null, alertBox('error', e.message)));
        }
      }
    });
  }
  mount(li, h('div', { class: 'tree-row' }, toggle,
    h('span', { class: 'tree-label' },
      h('a', { href: `#/units/${encodeURIComponent(u.code)}`, class: 'tree-link' }, u.name),
      h('span', { class: 'tree-meta' }, unitMeta(u)))), kids);
  return li;
}

export function renderUnits(ctx) {
  const { el, signal } = ctx;
  const q = h('input', { type: 'search', id: 'units-search', class: 'search-input', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Tìm đơn vị, ví dụ: bac kan', 'aria-label': 'Tìm đơn vị hành chính' });
  const found = h('div', { id: 'units-found', 'aria-live': 'polite' });
  const tree = h('ul', { class: 'tree tree-root', id: 'units-tree', role: 'tree' }, h('li', null, loading()));
  let controller = null;
  const search = debounce(async () => {
    const text = q.value.trim();
    if (controller) controller.abort();
    if (!text) { mount(found); tree.hidden = false; return; }
    const my = controller = new AbortController();
    signal.addEventListener('abort', () => my.abort(), { once: true });
    found.dataset.state = 'loading';
    try {
      const data = await get('/api/units/search', { q: text, limit: 30 }, { signal: my.signal });
      const items = data.items || [];
      tree.hidden = true;
      mount(found, items.length ? h('ul', { class: 'search-results', id: 'units-results' }, items.map((u) => h('li', null,
        h('a', { href: `#/units/${encodeURIComponent(u.code)}` }, u.name),
        h('span', { class: 'muted' }, ' — ', Array.isArray(u.path_names) ? u.path_names.slice(0, -1).reverse().join(', ') || u.type : (u.path_names || u.type)))))
        : emptyState('Không tìm thấy đơn vị nào.'));
      found.dataset.state = 'ready';
      found.dataset.q = text;
    } catch (e) { if (!isAbort(e)) showError(found, e); }
  }, 250);
  q.addEventListener('input', search);
  const mine = session.user.unit_code;
  mount(el,
    pageHead('Đơn vị hành chính', mine ? linkButton('Đơn vị của tôi', `#/units/${encodeURIComponent(mine)}`, 'btn') : null),
    h('section', { class: 'panel toolbar' }, h('div', { class: 'search-box' }, q)),
    found,
    h('section', { class: 'panel' }, tree));
  unitChildren('').then((items) => mount(tree, items.map(treeNode))).catch((e) => showError(tree, e));
}

export async function renderUnit(ctx) {
  const { el, params, signal } = ctx;
  mount(el, pageHead('Đơn vị hành chính'), loading());
  let data;
  try {
    data = await get('/api/units/' + encodeURIComponent(params.code), null, { signal });
  } catch (e) {
    showError(el, e);
    el.prepend(pageHead('Đơn vị hành chính'));
    return;
  }
  const u = data.unit;
  const path = data.path || [];
  const children = data.children || [];
  const canAdd = u.level === 3 && u.in_scope && can('areas.write');
  mount(el,
    h('p', { class: 'crumbs', id: 'unit-path' }, h('a', { href: '#/units' }, 'Cả nước'),
      path.filter((p) => p.code !== u.code).map((p) => [' › ', h('a', { href: `#/units/${encodeURIComponent(p.code)}` }, p.name)]),
      ' › ', u.name),
    pageHead(u.name,
      u.in_scope && can('people.read') && u.level <= 4 ? linkButton('Xem dân cư', `#/people?unit=${encodeURIComponent(u.code)}`, 'btn') : null),
    h('section', { class: 'panel' }, details([
      ['Mã đơn vị', u.code],
      ['Loại', u.type],
      ['Cấp', LEVEL_LABELS[u.level] || String(u.level)],
      ['Dân số (2019)', u.population !== null && u.population !== undefined && u.population >= 0 ? fmtNumber(u.population) : ''],
      ['Thuộc phạm vi quản lý của bạn', u.in_scope ? 'Có' : 'Không'],
    ])),
    h('section', { class: 'panel' },
      h('h2', null, u.level === 3 ? 'Thôn, bản, tổ dân phố' : 'Đơn vị trực thuộc', ` (${children.length})`),
      children.length ? h('ul', { class: 'tree', id: 'unit-children' }, children.map(treeNode))
        : emptyState(u.level === 3 ? 'Xã này chưa có thôn, bản, tổ dân phố nào.' : 'Không có đơn vị trực thuộc.')),
    canAdd ? addAreaPanel(u, ctx) : null);
}

function addAreaPanel(u, ctx) {
  const name = h('input', { type: 'text', id: 'area-name', autocomplete: 'off', placeholder: 'Ví dụ: Thôn Nà Cà' });
  const kind = h('select', { id: 'area-kind' }, AREA_KINDS.map((k) => h('option', { value: k }, k)));
  const msg = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'area-save' }, 'Thêm');
  const form = h('form', { class: 'form', id: 'area-form', novalidate: true },
    h('div', { class: 'grid' },
      field({ label: 'Loại', id: 'area-kind', input: kind }),
      field({ label: 'Tên', id: 'area-name', input: name, required: true, wide: true })),
    msg, h('div', { class: 'form-actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    mount(msg);
    if (!name.value.trim()) { setFieldError(form, 'area-name', 'Hãy nhập tên thôn/tổ.'); name.focus(); return; }
    save.disabled = true;
    try {
      const res = await post(`/api/units/${encodeURIComponent(u.code)}/areas`, { name: name.value.trim(), kind: kind.value });
      invalidateUnit(u.code);
      toast(`Đã thêm ${res.unit ? res.unit.name : name.value.trim()}.`);
      renderUnit(ctx);
    } catch (err) {
      save.disabled = false;
      const f = err.body && err.body.field;
      if (f === 'name' || f === 'kind') setFieldError(form, `area-${f}`, err.message);
      else mount(msg, alertBox('error', err.message));
    }
  });
  return h('section', { class: 'panel' }, h('h2', null, 'Thêm thôn, bản, tổ dân phố'), form);
}
