// Processes: every process, paged and sorted by the server (mailbox, messages, uptime, restarts),
// searched by pid, registered name or registry key; a row opens the drawer.
import { el, fill, integer, duration, clock } from '../dom.js';
import { get } from '../api.js';

const LIMIT = 50;

const COLUMNS = [
	{ key: 'pid', title: 'pid', sort: 'pid' },
	{ key: 'names', title: 'names and keys' },
	{ key: 'status', title: 'status', cls: 'opt' },
	{ key: 'mailbox', title: 'mailbox', sort: 'mailbox', num: true },
	{ key: 'messages', title: 'messages', sort: 'messages', num: true, cls: 'wide' },
	{ key: 'uptime', title: 'uptime', sort: 'uptime', num: true, cls: 'wide' },
	{ key: 'restarts', title: 'restarts', sort: 'restarts', num: true },
	{ key: 'supervisor', title: 'supervisor', cls: 'opt' },
	{ key: 'action', title: '', cls: 'wide' }
];

/** The sort orders offered by the select (the headers offer the same, on wide screens). */
const SORTS = [['pid', 'asc', 'pid'], ['mailbox', 'desc', 'longest mailbox'], ['messages', 'desc', 'most messages'],
	['uptime', 'desc', 'longest uptime'], ['uptime', 'asc', 'shortest uptime'], ['restarts', 'desc', 'most restarts']];

export default {
	title: 'Processes',

	mount(root, ctx) {
		let seq = 0;
		const search = el('input', { type: 'search', id: 'process-search', autocomplete: 'off',
			placeholder: 'pid, registered name or key (sessions:donor-4)', 'aria-label': 'search processes' });
		let typing = null;
		search.addEventListener('input', () => {
			clearTimeout(typing);
			typing = setTimeout(() => ctx.update({ q: search.value.trim(), offset: null }, true), 250);
		});
		const sorter = el('select', { id: 'process-sort', 'aria-label': 'sort processes' },
			SORTS.map(([sort, dir, label]) => el('option', { value: sort + ':' + dir }, 'by ' + label)));
		sorter.addEventListener('change', () => {
			const [sort, dir] = sorter.value.split(':');
			ctx.update({ sort, dir, offset: null });
		});
		const head = el('tr');
		const rows = el('tbody', { id: 'processes' });
		const info = el('span', { class: 'muted', id: 'processes-info' });
		const prev = el('button', { type: 'button', id: 'processes-prev' }, '‹ Previous');
		const next = el('button', { type: 'button', id: 'processes-next' }, 'Next ›');
		root.append(el('div', { class: 'page processes' },
			el('div', { class: 'toolbar' }, search, sorter, info),
			el('section', { class: 'panel flush' },
				el('table', { class: 'grid processes-table', id: 'processes-table' }, el('thead', {}, head), rows)),
			el('div', { class: 'pager' }, prev, next)));

		function state(params) {
			const sort = params.get('sort') || 'pid';
			return {
				sort,
				dir: params.get('dir') || (sort === 'pid' ? 'asc' : 'desc'),
				q: params.get('q') || '',
				offset: Math.max(0, parseInt(params.get('offset') || '0', 10) || 0)
			};
		}

		function header(s) {
			fill(head, COLUMNS.map((column) => {
				if (!column.sort) {
					return el('th', { class: (column.num ? 'num ' : '') + (column.cls || '') }, column.title);
				}
				const active = s.sort === column.sort;
				const dir = active ? (s.dir === 'asc' ? 'desc' : 'asc') : (column.sort === 'pid' ? 'asc' : 'desc');
				return el('th', {
					class: (column.num ? 'num ' : '') + (column.cls || '') + (active ? ' sorted' : ''),
					'aria-sort': active ? (s.dir === 'asc' ? 'ascending' : 'descending') : null
				}, ctx.link('processes', Object.assign(params(s), { sort: column.sort, dir, offset: null }),
					el('span', { class: 'sort', 'data-sort': column.sort }, column.title,
						active ? (s.dir === 'asc' ? ' ▲' : ' ▼') : '')));
			}));
		}

		function params(s) {
			const p = {};
			for (const [name, value] of ctx.params.entries()) {
				p[name] = value;
			}
			return Object.assign(p, { sort: s.sort, dir: s.dir, q: s.q, offset: s.offset || null });
		}

		prev.addEventListener('click', () => {
			const s = state(ctx.params);
			ctx.update({ offset: Math.max(0, s.offset - LIMIT) || null });
		});
		next.addEventListener('click', () => {
			const s = state(ctx.params);
			ctx.update({ offset: s.offset + LIMIT });
		});

		return {
			async refresh(p) {
				const s = state(p);
				if (document.activeElement !== search) {
					search.value = s.q;
				}
				const chosen = s.sort + ':' + s.dir;
				if (![...sorter.options].some((option) => option.value === chosen)) {
					sorter.append(el('option', { value: chosen }, 'by ' + s.sort + (s.dir === 'asc' ? ' ↑' : ' ↓')));
				}
				sorter.value = chosen;
				const mine = ++seq;
				const page = await get('processes', { offset: s.offset, limit: LIMIT, sort: s.sort, dir: s.dir, q: s.q });
				if (mine !== seq) {
					return;
				}
				header(s);
				fill(rows, page.items.length ? page.items.map((p) => row(p)) : el('tr', {},
					el('td', { class: 'empty', colspan: COLUMNS.length }, s.q ? 'no process matches "' + s.q + '"' : 'no processes')));
				const last = page.offset + page.items.length;
				info.textContent = page.total ? integer(page.offset + 1) + '–' + integer(last) + ' of ' + integer(page.total)
					+ (page.asOf ? ' · sorted as of ' + clock(page.asOf) : '') : '0 processes';
				prev.disabled = page.offset === 0;
				next.disabled = last >= page.total;
			}
		};

		function row(p) {
			const labels = [...(p.names || []), ...(p.keys || [])];
			return el('tr', { 'data-pid': p.pid, class: ctx.params.get('pid') && ('<' + ctx.params.get('pid') + '>') === p.pid ? 'selected' : '' },
				el('td', { class: 'pid-cell' }, ctx.pidLink(p.pid)),
				el('td', { class: 'names mono' }, labels.length ? labels.join(', ') : el('span', { class: 'muted' }, '—'),
					p.supervisorKind ? el('span', { class: 'tag supervisor' }, p.supervisorKind.replace('_', ' ')) : null),
				el('td', { class: 'opt status-' + p.status }, p.status),
				el('td', { class: 'num mailbox' + (p.mailboxLength ? ' warn' : '') }, integer(p.mailboxLength)),
				el('td', { class: 'num messages wide' }, integer(p.messagesHandled)),
				el('td', { class: 'num uptime wide' }, duration(p.uptimeMillis)),
				el('td', { class: 'num restarts' + (p.restarts ? ' danger' : '') },
					p.restarts === null || p.restarts === undefined ? '—' : integer(p.restarts)),
				el('td', { class: 'opt' }, p.supervisor ? ctx.pidLink(p.supervisor) : el('span', { class: 'muted' }, '—')),
				el('td', { class: 'action wide' }, ctx.actions.button(p.pid)));
		}
	}
};
