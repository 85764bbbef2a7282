// feature-vaccination.js: the menu entries and hash routes of this capability, gathered by nav.js and main.js.

export const NAV_ITEMS = [];
export const ROUTES = [];
