// dom.js: tiny helpers to build DOM nodes safely. Text always goes in as text nodes and nothing here
// parses HTML, so data coming from the API can never inject markup.

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'multiple', 'required', 'readOnly']);

// h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child, [more]) -> HTMLElement
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  let value;
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value') value = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (PROPS.has(k)) el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  if (value !== undefined) el.value = value; // after children, so that a <select> has its options
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// Replaces every child of el.
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// Delays fn until ms have passed without another call.
export function debounce(fn, ms) {
  let t = 0;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

// Folds Vietnamese text for loose comparisons: lower case, no diacritics, đ -> d.
export function fold(s) {
  return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}
