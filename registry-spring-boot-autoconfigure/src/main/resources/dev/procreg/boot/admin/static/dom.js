// DOM helpers for the console. Data reaches the page only as text nodes and attribute values,
// never as markup: nothing here parses HTML.

/**
 * Creates an element. `attrs` sets attributes (`class`, `on<event>` listeners, booleans as
 * present/absent); children are nodes or values shown as text.
 */
export function el(tag, attrs, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) {
			continue;
		}
		if (name === 'class') {
			node.className = value;
		} else if (name.startsWith('on') && typeof value === 'function') {
			node.addEventListener(name.substring(2), value);
		} else {
			node.setAttribute(name, value === true ? '' : String(value));
		}
	}
	append(node, children);
	return node;
}

function append(node, children) {
	for (const child of children.flat(Infinity)) {
		if (child === null || child === undefined || child === false) {
			continue;
		}
		node.append(child instanceof Node ? child : document.createTextNode(String(child)));
	}
}

/** Replaces an element's children. */
export function fill(node, ...children) {
	node.replaceChildren();
	append(node, children);
	return node;
}

/** An SVG element (icons, the budget meter); attributes only, never markup. */
export function svg(tag, attrs, ...children) {
	const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
	for (const [name, value] of Object.entries(attrs || {})) {
		node.setAttribute(name, String(value));
	}
	children.forEach((child) => node.append(child));
	return node;
}

export const $ = (id) => document.getElementById(id);

/** A pid without its angle brackets, as it goes into a path or a URL parameter. */
export function bare(pid) {
	return String(pid).replace(/^</, '').replace(/>$/, '');
}

/** A pid with its angle brackets, as the API shows it. */
export function bracketed(pid) {
	const text = bare(pid);
	return '<' + text + '>';
}

export function plural(count, word, words) {
	return count + ' ' + (count === 1 ? word : (words || word + 's'));
}

export function integer(value) {
	return (value === null || value === undefined) ? '—' : Math.round(value).toLocaleString('en-US');
}

/** A number with at most `digits` decimals and thousands separators. */
export function decimal(value, digits = 1) {
	if (value === null || value === undefined || Number.isNaN(value)) {
		return '—';
	}
	return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits });
}

export function bytes(value) {
	if (value === null || value === undefined) {
		return '—';
	}
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let v = value;
	let unit = 0;
	while (Math.abs(v) >= 1024 && unit < units.length - 1) {
		v /= 1024;
		unit++;
	}
	return decimal(v, unit ? 1 : 0) + ' ' + units[unit];
}

export function duration(ms) {
	if (ms === null || ms === undefined) {
		return '—';
	}
	if (ms < 1000) {
		return Math.round(ms) + ' ms';
	}
	let s = Math.floor(ms / 1000);
	const d = Math.floor(s / 86400); s -= d * 86400;
	const h = Math.floor(s / 3600); s -= h * 3600;
	const m = Math.floor(s / 60); s -= m * 60;
	if (d) return d + 'd ' + h + 'h';
	if (h) return h + 'h ' + m + 'm';
	if (m) return m + 'm ' + s + 's';
	return s + 's';
}

/** A time of day, HH:MM:SS, in the browser's zone; the full instant goes into a title. */
export function clock(time) {
	if (!time) {
		return '—';
	}
	const date = new Date(time);
	return Number.isNaN(date.getTime()) ? String(time) : date.toLocaleTimeString('en-GB', { hour12: false });
}

/** How long ago an instant was, e.g. "3m 2s ago". */
export function ago(time) {
	if (!time) {
		return '—';
	}
	const ms = Date.now() - new Date(time).getTime();
	return Number.isNaN(ms) ? String(time) : duration(Math.max(0, ms)) + ' ago';
}

/** A value of unknown shape (registry metadata), as text. */
export function text(value) {
	if (value === null || value === undefined) {
		return '—';
	}
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A figure: a big value over a small label. */
export function figure(label, value, cls, attrs) {
	return el('div', Object.assign({ class: 'figure ' + (cls || '') }, attrs || {}),
		el('span', { class: 'figure-value' }, value),
		el('span', { class: 'figure-label' }, label));
}
