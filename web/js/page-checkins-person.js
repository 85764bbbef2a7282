// page-checkins-person.js: where one resident has checked in (#/people/ID/checkins), for officials with
// checkins.read: every venue, newest first, optionally between two dates, with keyset paging.
import { h, mount } from './dom.js';
import { get, isAbort } from './api.js';
import { loading, showError, emptyState, pager, field } from './ui.js';
import { checkinTable } from './page-venue-common.js';

export function renderPersonCheckins(ctx) {
  const { el, params, signal } = ctx;
  const id = encodeURIComponent(params.id);
  const from = h('input', { type: 'date', id: 'pc-from' });
  const to = h('input', { type: 'date', id: 'pc-to' });
  const list = h('div', { class: 'results', id: 'person-checkins', dataset: { state: 'loading' } }, loading());
  const title = h('span', null, 'Lịch sử check-in');
  const state = { before: '', stack: [] };

  async function load() {
    list.dataset.state = 'loading';
    try {
      const data = await get(`/api/people/${id}/checkins`, { from: from.value, to: to.value, before: state.before, limit: 50 }, { signal });
      const items = data.items || [];
      if (items.length) title.textContent = `Lịch sử check-in — ${items[0].full_name}`;
      mount(list,
        items.length ? checkinTable(items, { withVenue: true, id: 'person-checkins-table' }) : emptyState('Không có lượt check-in nào.'),
        (state.stack.length || data.next) ? pager({ hasPrev: state.stack.length > 0, hasNext: !!data.next,
          onPrev: () => { state.before = state.stack.pop() || ''; load(); },
          onNext: () => { state.stack.push(state.before); state.before = data.next; load(); } }) : null);
      list.dataset.state = 'ready';
      list.dataset.count = String(items.length);
    } catch (e) {
      if (isAbort(e)) return;
      list.dataset.state = 'error';
      showError(list, e);
    }
  }
  const restart = () => { state.before = ''; state.stack = []; load(); };
  from.addEventListener('change', restart);
  to.addEventListener('change', restart);
  mount(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/people' }, 'Dân cư'), ' › ', h('a', { href: `#/people/${id}` }, 'Hồ sơ'), ' › Check-in'),
    h('div', { class: 'page-head' }, h('h1', null, title)),
    h('section', { class: 'panel toolbar' }, h('div', { class: 'grid grid-filters' },
      field({ label: 'Từ ngày', id: 'pc-from', input: from }), field({ label: 'Đến ngày', id: 'pc-to', input: to }))),
    list);
  document.title = 'Lịch sử check-in · Phòng chống dịch COVID-19';
  load();
}
