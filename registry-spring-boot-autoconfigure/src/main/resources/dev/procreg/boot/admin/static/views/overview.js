// Overview: the node at a glance (uptime, processes, registries, supervisors and their health),
// charts of the history the server keeps, and the latest events.
import { el, fill, integer, duration, figure } from '../dom.js';
import { History, Chart, SERIES } from '../charts.js';
import { eventRow } from './events.js';

export default {
	title: 'Overview',

	mount(root, ctx) {
		const figures = el('div', { class: 'figures wide', id: 'overview-figures' });
		const supervisors = el('div', { id: 'overview-supervisors' });
		const charts = SERIES.map((spec) => new Chart(spec));
		const chartsNote = el('p', { class: 'muted', id: 'charts-note', hidden: true });
		const recent = el('tbody', { id: 'overview-events' });
		const page = el('div', { class: 'page overview' },
			figures,
			el('div', { class: 'charts', id: 'charts' }, charts.map((chart) => chart.root)),
			chartsNote,
			el('div', { class: 'columns' },
				el('section', { class: 'panel' }, el('h2', {}, 'Top-level supervisors'), supervisors),
				el('section', { class: 'panel' },
					el('h2', {}, 'Latest events ', ctx.link('events', null, el('span', { class: 'small' }, 'all events →'))),
					el('table', { class: 'grid events compact' }, recent))));
		root.append(page);
		const history = new History();

		function renderEvents() {
			const latest = ctx.feed.events.slice(-8).reverse();
			fill(recent, latest.length ? latest.map((event) => eventRow(event, ctx, true))
				: el('tr', {}, el('td', { class: 'empty' }, 'no events yet')));
		}
		const unsubscribe = ctx.feed.subscribe(renderEvents);
		renderEvents();

		return {
			async refresh() {
				const o = ctx.overview;
				const counts = o.counts || {
					processes: o.processes,
					registries: Object.keys(o.registries || {}).length,
					supervisors: (o.supervisors || []).length
				};
				const given = (o.supervisors || []).filter((s) => s.gaveUp).length;
				fill(figures,
					figure('node', o.node, '', { 'data-figure': 'node' }),
					figure('uptime', o.uptimeMillis !== undefined ? duration(o.uptimeMillis) : '—', '', { 'data-figure': 'uptime' }),
					figure('processes', integer(counts.processes), '', { 'data-figure': 'processes' }),
					figure('registries', integer(counts.registries), '', { 'data-figure': 'registries' }),
					counts.keys !== undefined ? figure('keys', integer(counts.keys), '', { 'data-figure': 'keys' }) : null,
					figure('supervisors', integer(counts.supervisors), '', { 'data-figure': 'supervisors' }),
					figure('gave up', integer(given), given ? 'danger' : '', { 'data-figure': 'gave-up' }),
					counts.groups !== undefined ? figure('groups', integer(counts.groups), '', { 'data-figure': 'groups' }) : null,
					o.health ? figure('health', o.health.up ? 'UP' : 'DOWN', o.health.up ? 'ok' : 'danger',
						{ 'data-figure': 'health', title: o.health.error || '' }) : null);
				renderSupervisors(o.supervisors || []);
				try {
					if (await history.load()) {
						charts.forEach((chart) => chart.update(history.data));
					}
					chartsNote.hidden = true;
				} catch (error) {
					chartsNote.hidden = false;
					chartsNote.textContent = 'no history from the server: ' + error.message;
				}
			},
			destroy() {
				unsubscribe();
				charts.forEach((chart) => chart.destroy());
			}
		};

		function renderSupervisors(list) {
			fill(supervisors, list.length ? el('table', { class: 'grid' },
				el('thead', {}, el('tr', {}, el('th', {}, 'supervisor'), el('th', {}, 'state'),
					el('th', { class: 'num' }, 'children'), el('th', { class: 'num' }, 'restarts'))),
				el('tbody', {}, list.map((s) => el('tr', { 'data-supervisor': s.name, class: s.gaveUp ? 'gave-up' : '' },
					el('td', { class: 'mono' }, ctx.link('supervision', null, s.name)),
					el('td', {}, s.gaveUp ? el('span', { class: 'chip down', title: s.exitReason || '' }, 'gave up')
						: s.running ? el('span', { class: 'chip up' }, 'running') : el('span', { class: 'chip off' }, 'stopped'),
					s.gaveUp && s.exitReason ? el('span', { class: 'muted small' }, ' ', s.exitReason) : null),
					el('td', { class: 'num' }, s.children === null || s.children === undefined ? '—' : integer(s.children)),
					el('td', { class: 'num' + (s.restarts ? ' danger' : '') }, integer(s.restarts))))))
				: el('p', { class: 'empty' }, 'no top-level supervisors'));
		}
	}
};

