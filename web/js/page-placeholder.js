// page-placeholder.js: the page of a capability that is planned but not built yet.
import { h, mount } from './dom.js';
import { pageHead, alertBox } from './ui.js';

export function renderPlaceholder(ctx, item) {
  mount(ctx.el,
    pageHead(item.label),
    h('section', { class: 'panel placeholder' },
      alertBox('info', h('strong', null, 'Chức năng này chưa được xây dựng.'),
        ' Chức năng sẽ được bổ sung trong các phiên bản sau.'),
      h('p', null, h('span', { class: 'muted' }, 'Dự kiến: '), item.about),
      h('p', null, h('a', { href: '#/' }, '← Về trang tổng quan'))));
}
