// page-people.js: "Dân cư": the people list. Debounced as-you-type search (q), unit filter, one page
// at a time with keyset paging (next), the total count ("hơn N" when the server stopped counting at
// its cap), export links. Rows become cards on a phone.
import { h, mount, debounce } from './dom.js';
import { get, qs, isAbort } from './api.js';
import { can } from './session.js';
import { fmtBirth, fmtNumber, SEX_LABELS, ID_TYPE_LABELS } from './format.js';
import { pageHead, dataTable, pager, loading, showError, emptyState, linkButton } from './ui.js';
import { unitPicker } from './unitpicker.js';

const PAGE = 50;

export function personColumns() {
  return [
    { label: 'Họ và tên', class: 'col-name', cell: (p) => h('a', { href: `#/people/${encodeURIComponent(p.id)}`, class: 'person-link' }, p.full_name) },
    { label: 'Ngày sinh', class: 'col-nowrap', cell: (p) => fmtBirth(p.birth_date) },
    { label: 'Giới tính', cell: (p) => (p.sex ? SEX_LABELS[p.sex] : '') },
    { label: 'Giấy tờ', class: 'col-nowrap', cell: (p) => (p.id_number ? `${ID_TYPE_LABELS[p.id_type] || ''} ${p.id_number}`.trim() : '') },
    { label: 'Điện thoại', class: 'col-nowrap', cell: (p) => p.phone || '' },
    { label: 'Nơi cư trú', class: 'col-address', cell: (p) => h('span', null, p.address || '',
      h('span', { class: 'cell-sub' }, p.unit_name || p.unit_code || '')) },
  ];
}

export function renderPeople(ctx) {
  const { el, query, signal } = ctx;
  const state = { q: query.q || '', unit: query.unit || '', after: 0, stack: [] };
  let controller = null;
  let firstRender = true;

  const search = h('input', { type: 'search', id: 'people-search', class: 'search-input', value: state.q,
    placeholder: 'Họ tên, số CCCD/CMND hoặc số điện thoại', autocomplete: 'off', spellcheck: 'false',
    'aria-label': 'Tìm kiếm người dân' });
  const summary = h('p', { class: 'summary', id: 'people-total', 'aria-live': 'polite' });
  const results = h('div', { class: 'results', id: 'people-results', dataset: { state: 'loading' } }, loading());
  const exportLinks = can('people.export') ? h('span', { class: 'export-links' },
    h('a', { class: 'btn btn-light', id: 'export-xlsx', download: '' }, 'Xuất Excel'),
    h('a', { class: 'btn btn-light', id: 'export-csv', download: '' }, 'Xuất CSV')) : null;
  const picker = unitPicker({ id: 'people-unit', value: state.unit, depth: 4, mode: 'filter', onChange: (code) => {
    state.unit = code === picker.root ? '' : code;
    restart();
  } });
  const filterBox = h('details', { class: 'filters', open: !!state.unit },
    h('summary', null, 'Lọc theo địa bàn'), picker.el);

  const setUrl = () => {
    history.replaceState(null, '', '#/people' + qs({ q: state.q.trim(), unit: state.unit }));
    if (exportLinks) {
      const p = qs({ q: state.q.trim(), unit: state.unit });
      exportLinks.children[0].href = '/api/exports/people.xlsx' + p;
      exportLinks.children[1].href = '/api/exports/people.csv' + p;
    }
  };

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const my = controller;
    signal.addEventListener('abort', () => my.abort(), { once: true });
    const q = state.q.trim();
    results.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    results.classList.add('is-loading');
    if (!results.querySelector('table')) mount(results, loading('Đang tìm…'));
    try {
      const data = await get('/api/people', { q, unit: state.unit, after: state.after || '', limit: PAGE }, { signal: my.signal });
      if (my !== controller) return;
      const items = data.items || [];
      // The server counts on the first page only; later pages keep that figure. A search is counted
      // up to a cap: total_capped says more than total people match ("hơn 10.000").
      if (data.total !== null && data.total !== undefined) {
        state.total = Number(data.total);
        state.capped = data.total_capped === true;
      }
      const total = state.total || 0;
      summary.dataset.total = String(total);
      summary.dataset.capped = String(!!state.capped);
      summary.textContent = total === 0 ? 'Không có người nào phù hợp.'
        : `Tìm thấy ${state.capped ? 'hơn ' : ''}${fmtNumber(total)} người` + (q ? ` khớp với “${q}”` : '') + '.';
      const pageNo = state.stack.length + 1;
      mount(results,
        items.length ? dataTable(personColumns(), items, { id: 'people-table', rowClass: 'person-row', caption: 'Danh sách người dân' })
          : emptyState(q ? 'Không tìm thấy người nào. Hãy thử gõ ít chữ hơn hoặc bỏ bộ lọc địa bàn.' : 'Chưa có người dân nào trong phạm vi này.'),
        (state.stack.length || data.next) ? pager({
          hasPrev: state.stack.length > 0, hasNext: !!data.next,
          label: `Trang ${pageNo}` + (total && !state.capped ? ` / ${fmtNumber(Math.ceil(total / PAGE))}` : ''),
          onPrev: () => { state.after = state.stack.pop() || 0; load(); },
          onNext: () => { state.stack.push(state.after); state.after = data.next; load(); },
        }) : null);
      results.dataset.state = 'ready';
      results.dataset.q = q;
      results.dataset.unit = state.unit;
      if (firstRender) {
        firstRender = false;
        performance.mark('people:first-render');
      }
    } catch (e) {
      if (isAbort(e)) return;
      results.dataset.state = 'error';
      summary.textContent = '';
      showError(results, e);
    } finally {
      if (my === controller) {
        results.removeAttribute('aria-busy');
        results.classList.remove('is-loading');
      }
    }
  }

  function restart() {
    state.after = 0;
    state.stack = [];
    setUrl();
    load();
  }

  const onType = debounce(() => {
    if (search.value === state.q) return;
    state.q = search.value;
    restart();
  }, 250);
  search.addEventListener('input', onType);
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); onType.cancel(); state.q = search.value; restart(); } });
  signal.addEventListener('abort', () => onType.cancel());

  mount(el,
    pageHead('Dân cư',
      can('people.write') ? linkButton('+ Thêm nhân khẩu', '#/people/new', 'btn btn-primary') : null,
      exportLinks),
    h('section', { class: 'panel toolbar' },
      h('div', { class: 'search-box' }, search),
      filterBox),
    summary,
    results);
  setUrl();
  load();
  if (!('ontouchstart' in window)) search.focus();
}
