// page-venues.js: "Địa điểm & mã QR": the list of venues in scope with a search as you type (name without
// diacritics, or the poster's code), kind and "open only" filters, keyset paging, and a link to add one.
import { h, mount, debounce } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { can } from './session.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton, select } from './ui.js';
import { KINDS } from './page-venue-common.js';

const PAGE = 50;

function columns() {
  return [
    { label: 'Tên địa điểm', class: 'col-name', cell: (v) => h('span', null,
      h('a', { href: `#/venues/${v.id}`, class: 'venue-link' }, v.name),
      v.closed ? h('span', { class: 'badge badge-closed' }, 'Đã đóng') : null) },
    { label: 'Loại', cell: (v) => v.kind_label },
    { label: 'Địa bàn', cell: (v) => [v.area_name, v.unit_name].filter(Boolean).join(', ') },
    { label: 'Địa chỉ', class: 'col-address', cell: (v) => v.address },
    { label: 'Mã QR', class: 'col-nowrap', cell: (v) => h('span', { class: 'venue-code' }, v.public_code) },
  ];
}

export function renderVenues(ctx) {
  const { el, query, signal } = ctx;
  const state = { q: query.q || '', kind: query.kind || '', open: query.open === '1', after: 0, stack: [] };
  let controller = null;

  const search = h('input', { type: 'search', id: 'venues-search', class: 'search-input', value: state.q,
    placeholder: 'Tên địa điểm hoặc mã QR', autocomplete: 'off', 'aria-label': 'Tìm địa điểm' });
  const kind = select([['', 'Mọi loại địa điểm'], ...KINDS.map(([k, l]) => [k, l])], { id: 'venues-kind', 'aria-label': 'Loại địa điểm' });
  kind.value = state.kind;
  const open = h('input', { type: 'checkbox', id: 'venues-open', checked: state.open });
  const results = h('div', { class: 'results', id: 'venues-results', dataset: { state: 'loading' } }, loading());

  const setUrl = () => history.replaceState(null, '', '#/venues' + qs({ q: state.q.trim(), kind: state.kind, open: state.open ? 1 : '' }));

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await get('/api/venues', { q: state.q.trim(), kind: state.kind, open: state.open ? 1 : '',
        after: state.after || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      mount(results,
        items.length ? dataTable(columns(), items, { id: 'venues-table', rowClass: 'venue-row', caption: 'Danh sách địa điểm' })
          : emptyState(state.q ? 'Không tìm thấy địa điểm nào phù hợp.' : 'Chưa có địa điểm nào trong phạm vi quản lý.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next, label: `Trang ${state.stack.length + 1}`,
          onPrev: () => { state.after = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.after); state.after = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
      results.dataset.q = state.q.trim();
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      showError(results, e);
    } finally {
      if (my === controller) results.removeAttribute('aria-busy');
    }
  }

  function restart() {
    state.after = 0;
    state.stack = [];
    setUrl();
    load();
  }

  const onType = debounce(() => { state.q = search.value; restart(); }, 250);
  search.addEventListener('input', onType);
  kind.addEventListener('change', () => { state.kind = kind.value; restart(); });
  open.addEventListener('change', () => { state.open = open.checked; restart(); });
  signal.addEventListener('abort', () => onType.cancel());

  mount(el,
    pageHead('Địa điểm & mã QR',
      can('venues.write') ? linkButton('+ Thêm địa điểm', '#/venues/new', 'btn btn-primary') : null),
    h('section', { class: 'panel toolbar' },
      h('div', { class: 'search-box' }, search),
      h('div', { class: 'grid grid-filters' }, kind,
        h('label', { class: 'check', for: 'venues-open' }, open, ' Chỉ địa điểm đang hoạt động'))),
    results);
  setUrl();
  load();
}
