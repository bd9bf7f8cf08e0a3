// Audit: every action taken or refused on this console, newest first, with user and time.
import { el, fill, clock, bracketed } from '../dom.js';
import { get } from '../api.js';

/** A pid's text, with or without its angle brackets (what was asked is audited as it was typed). */
const PID = /^<?[^<>\s]+\.\d+>?$/;

function pid(target) {
	return PID.test(target || '') ? bracketed(target) : (target || '');
}

export default {
	title: 'Audit',

	mount(root, ctx) {
		let seq = 0;
		const rows = el('tbody', { id: 'audit' });
		root.append(el('div', { class: 'page audit' },
			el('section', { class: 'panel flush' },
				el('div', { class: 'panel-head' }, el('h2', {}, 'Actions'),
					el('span', { class: 'muted small' }, 'every terminate, accepted or refused, newest first')),
				el('table', { class: 'grid' },
					el('thead', {}, el('tr', {}, el('th', {}, 'time'), el('th', {}, 'user'), el('th', { class: 'opt' }, 'action'),
						el('th', {}, 'target'), el('th', {}, 'outcome'), el('th', { class: 'opt' }, 'detail'))),
					rows))));

		return {
			async refresh() {
				const mine = ++seq;
				const answer = await get('audit', { limit: 100 });
				if (mine !== seq) {
					return;
				}
				fill(rows, answer.entries.length ? answer.entries.map((entry) => el('tr', {
					'data-audit-id': entry.id, 'data-outcome': entry.outcome, 'data-target': pid(entry.target)
				},
				el('td', { class: 'mono', title: entry.time }, clock(entry.time)),
				el('td', { class: 'user' }, entry.user || 'anonymous'),
				el('td', { class: 'opt' }, entry.action),
				el('td', { class: 'target' }, PID.test(entry.target || '') ? ctx.pidLink(pid(entry.target))
					: el('span', { class: 'mono' }, entry.target || '—'),
					entry.targetName ? el('span', { class: 'muted mono' }, ' ' + entry.targetName) : null),
				el('td', {}, el('span', { class: 'chip ' + (entry.outcome === 'accepted' ? 'up' : 'down') }, entry.outcome),
					entry.status ? el('span', { class: 'muted small' }, ' ' + entry.status) : null),
				el('td', { class: 'opt detail' }, entry.detail || '')))
					: el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'no actions yet')));
			}
		};
	}
};
