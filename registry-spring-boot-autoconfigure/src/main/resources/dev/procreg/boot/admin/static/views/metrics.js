// Metrics and health: the registry's Micrometer meters and the JVM's, and the health contributor,
// rendered in the page.
import { el, fill, decimal, bytes, plural } from '../dom.js';
import { get } from '../api.js';

function value(meter) {
	const unit = meter.baseUnit || '';
	if (meter.value === null || meter.value === undefined) {
		return '—';
	}
	if (unit === 'bytes') {
		return bytes(meter.value);
	}
	if (/cpu\.usage$/.test(meter.name)) {
		return decimal(meter.value * 100, 1) + ' %';
	}
	if (unit === 'seconds') {
		return decimal(meter.value * 1000, 1) + ' ms';
	}
	return decimal(meter.value, 2) + (unit ? ' ' + unit : '');
}

function tags(meter) {
	const entries = Object.entries(meter.tags || {});
	return entries.length ? entries.map(([k, v]) => el('span', { class: 'kv' }, k + '=' + v)) : el('span', { class: 'muted' }, '—');
}

function healthNode(name, node) {
	const details = node.details ? Object.entries(node.details) : [];
	const components = node.components ? Object.entries(node.components) : [];
	return el('li', { 'data-component': name },
		el('span', { class: 'chip ' + (node.status === 'UP' ? 'up' : node.status === 'DOWN' ? 'down' : 'off') }, node.status),
		' ', el('strong', { class: 'mono' }, name),
		details.length ? el('dl', { class: 'details small' }, details.map(([k, v]) => [el('dt', {}, k),
			el('dd', { class: 'mono' }, typeof v === 'object' ? JSON.stringify(v) : String(v))])) : null,
		components.length ? el('ul', { class: 'plain nested' }, components.map(([n, c]) => healthNode(n, c))) : null);
}

export default {
	title: 'Metrics',

	mount(root, ctx) {
		let seq = 0;
		const health = el('div', { id: 'health-view' });
		const meters = el('tbody', { id: 'meters' });
		const search = el('input', { type: 'search', id: 'meter-search', placeholder: 'meter name', autocomplete: 'off',
			'aria-label': 'filter meters' });
		search.addEventListener('input', () => ctx.update({ q: search.value }, true));
		const note = el('p', { class: 'muted', id: 'metrics-note', hidden: true });
		root.append(el('div', { class: 'page metrics' },
			el('section', { class: 'panel' }, el('h2', {}, 'Health'), health),
			el('section', { class: 'panel flush' },
				el('div', { class: 'panel-head' }, el('h2', {}, 'Meters'), search),
				note,
				el('table', { class: 'grid meters' },
					el('thead', {}, el('tr', {}, el('th', {}, 'meter'), el('th', { class: 'opt' }, 'tags'),
						el('th', { class: 'num' }, 'value'))),
					meters))));

		return {
			async refresh(params) {
				const mine = ++seq;
				const [m, h] = await Promise.all([get('metrics'), get('health')]);
				if (mine !== seq) {
					return;
				}
				if (document.activeElement !== search) {
					search.value = params.get('q') || '';
				}
				const q = (params.get('q') || '').toLowerCase();
				fill(health, h.available === false ? el('p', { class: 'muted' }, 'no health contributor in this application')
					: el('ul', { class: 'plain health' }, h.components && Object.keys(h.components).length
						? Object.entries(h.components).map(([name, node]) => healthNode(name, node))
						: healthNode('processRegistry', h)));
				note.hidden = m.available !== false;
				note.textContent = 'Micrometer is not in this application: no meters';
				// the registry's own meters first, then the JVM's, each by name
				const shown = (m.meters || []).filter((meter) => !q || meter.name.toLowerCase().includes(q))
					.sort((a, b) => (b.name.startsWith('procreg.') - a.name.startsWith('procreg.')) || a.name.localeCompare(b.name));
				fill(meters, shown.length ? shown.map((meter) => el('tr', { 'data-meter': meter.name },
					el('td', { class: 'mono' }, meter.name, el('span', { class: 'muted small' }, ' ' + meter.type)),
					el('td', { class: 'opt tags' }, tags(meter)),
					el('td', { class: 'num value' }, value(meter))))
					: el('tr', {}, el('td', { colspan: 3, class: 'empty' }, q ? 'no meter matches "' + q + '"' : 'no meters')));
				meters.dataset.count = plural(shown.length, 'meter');
			}
		};
	}
};
