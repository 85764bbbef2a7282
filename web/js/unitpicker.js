// unitpicker.js: cascading selects province -> district -> commune -> thôn/tổ, starting below the
// user's own unit (levels above it are shown fixed). Used as a filter and in forms.
import { h, mount } from './dom.js';
import { get } from './api.js';
import { session } from './session.js';
import { LEVEL_LABELS } from './format.js';
import { field } from './ui.js';

const childCache = new Map();
const unitCache = new Map();

// Cached lookups; not cancellable on purpose (the answers are shared between pages).
export async function unitChildren(parent) {
  const key = parent || '';
  if (!childCache.has(key)) {
    const p = get('/api/units', { parent: key }).then((d) => d.items || []);
    childCache.set(key, p);
    p.catch(() => childCache.delete(key));
  }
  return childCache.get(key);
}

export async function unitInfo(code) {
  if (!unitCache.has(code)) {
    const p = get('/api/units/' + encodeURIComponent(code));
    unitCache.set(code, p);
    p.catch(() => unitCache.delete(code));
  }
  return unitCache.get(code);
}

// Forget cached children (after an area was added).
export function invalidateUnit(code) {
  childCache.delete(code || '');
  unitCache.delete(code);
}

// opts: id (prefix of the select ids), value (initial unit code), depth (deepest level shown, 3 or 4),
// mode 'filter' (every level optional, blank = all), 'choice' (optional, blank = none) or 'form', root (unit code the choice starts below; default the
// user's unit), labels {level: text}, onChange(code).
export function unitPicker(opts) {
  const { id, depth = 4, mode = 'filter', onChange } = opts;
  const root = opts.root !== undefined ? opts.root : (session.user && session.user.unit_code) || '';
  const labels = { ...LEVEL_LABELS, ...(opts.labels || {}) };
  const selects = {};
  const fields = {};
  const fixed = {};
  const el = h('div', { class: 'unit-picker', id: `${id}-picker` });
  for (let level = 1; level <= depth; level++) {
    const sel = h('select', { id: `${id}-${level}`, disabled: true, dataset: { level: String(level) } }, h('option', { value: '' }, '—'));
    sel.addEventListener('change', () => onSelect(level));
    selects[level] = sel;
    fields[level] = field({ label: labels[level], id: `${id}-${level}`, input: sel, required: mode === 'form' && level === 3 });
    el.appendChild(fields[level]);
  }

  const blank = (level) => {
    if (mode === 'form') return level === 4 ? '— Không chọn —' : '— Chọn —';
    if (mode === 'choice') return level === 1 ? '— Toàn quốc —' : '— Không chọn —';
    return '— Tất cả —';
  };

  function fill(level, items, selected) {
    const sel = selects[level];
    if (!sel) return;
    mount(sel, h('option', { value: '' }, items.length ? blank(level) : '— Không có —'),
      items.map((u) => h('option', { value: u.code }, u.name)));
    sel.disabled = items.length === 0;
    sel.value = selected || '';
  }

  function clearBelow(level) {
    for (let l = level + 1; l <= depth; l++) if (!fixed[l]) { mount(selects[l], h('option', { value: '' }, '—')); selects[l].disabled = true; }
  }

  async function onSelect(level) {
    clearBelow(level);
    const code = selects[level].value;
    if (code && level < depth) {
      try { fill(level + 1, await unitChildren(code)); } catch { /* leave the level empty */ }
    }
    if (onChange) onChange(api.value);
  }

  const api = {
    el,
    // The deepest chosen unit ('' if none).
    get value() {
      for (let l = depth; l >= 1; l--) if (selects[l].value) return selects[l].value;
      return '';
    },
    codeAt(level) { return selects[level] ? selects[level].value : ''; },
    root,
    rootLevel: 0,
    ready: null,
  };

  async function init() {
    let rootPath = [];
    if (root) {
      const info = await unitInfo(root);
      rootPath = (info.path && info.path.length ? info.path : [info.unit]).filter(Boolean);
    }
    for (const u of rootPath) {
      if (!selects[u.level]) continue;
      fixed[u.level] = true;
      mount(selects[u.level], h('option', { value: u.code }, u.name));
      selects[u.level].value = u.code;
      selects[u.level].disabled = true;
      fields[u.level].classList.add('is-fixed');
    }
    api.rootLevel = rootPath.length ? rootPath[rootPath.length - 1].level : 0;
    let valuePath = [];
    if (opts.value && opts.value !== root) {
      try {
        const info = await unitInfo(opts.value);
        valuePath = (info.path && info.path.length ? info.path : [info.unit]).filter((u) => u && u.level > api.rootLevel);
      } catch { valuePath = []; }
    }
    const start = api.rootLevel + 1;
    if (start > depth) return;
    const lists = await Promise.all([root, ...valuePath.map((u) => u.code)].slice(0, depth - api.rootLevel)
      .map((parent) => unitChildren(parent)));
    lists.forEach((items, i) => fill(start + i, items, valuePath[i] ? valuePath[i].code : ''));
  }
  api.ready = init().catch((e) => {
    if (e && e.name === 'AbortError') return;
    el.appendChild(h('p', { class: 'field-error' }, 'Không tải được danh sách đơn vị: ', e.message));
  });
  return api;
}
