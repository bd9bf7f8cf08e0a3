// Registries: each registry with its partitions, and one registry's keys, searched by prefix and
// paged by the server, with metadata, status and restarts.
import { el, fill, integer, text, plural } from '../dom.js';
import { ApiError, get } from '../api.js';

const LIMIT = 20;

/** The registries and worker types, from GET registries, or from the overview of an older server. */
async function load(ctx) {
	let answer;
	try {
		answer = await get('registries');
	} catch (error) {
		if (!(error instanceof ApiError) || error.status !== 404 || !ctx.overview.registries) {
			throw error;
		}
		answer = ctx.overview;
	}
	return { registries: named(answer.registries), workers: named(answer.workers) };
}

/** A list of named things, from a list or from a map by name. */
function named(things) {
	if (!things) {
		return [];
	}
	return Array.isArray(things) ? things : Object.entries(things).map(([name, thing]) => Object.assign({ name }, thing));
}

export default {
	title: 'Registries',

	mount(root, ctx) {
		let seq = 0;
		const cards = el('div', { class: 'cards', id: 'registries' });
		const search = el('input', { type: 'search', id: 'key-search', autocomplete: 'off', placeholder: 'key prefix',
			'aria-label': 'key prefix' });
		let typing = null;
		search.addEventListener('input', () => {
			clearTimeout(typing);
			typing = setTimeout(() => ctx.update({ prefix: search.value, offset: null }, true), 250);
		});
		const title = el('h2', { id: 'keys-title' }, 'Keys');
		const note = el('span', { class: 'muted small', id: 'values-note' });
		const rows = el('tbody', { id: 'keys' });
		const info = el('span', { class: 'muted', id: 'keys-info' });
		const prev = el('button', { type: 'button', id: 'keys-prev' }, '‹ Previous');
		const next = el('button', { type: 'button', id: 'keys-next' }, 'Next ›');
		prev.addEventListener('click', () => ctx.update({ offset: Math.max(0, offset() - LIMIT) || null }));
		next.addEventListener('click', () => ctx.update({ offset: offset() + LIMIT }));
		root.append(el('div', { class: 'page registries' },
			cards,
			el('section', { class: 'panel flush', id: 'keys-section' },
				el('div', { class: 'panel-head' }, title, search, note),
				el('table', { class: 'grid keys-table' },
					el('thead', {}, el('tr', {}, el('th', {}, 'key'), el('th', {}, 'pid'), el('th', { class: 'opt' }, 'metadata'),
						el('th', { class: 'opt' }, 'status'), el('th', { class: 'num' }, 'restarts'), el('th', {}, ''))),
					rows),
				el('div', { class: 'pager' }, prev, info, next))));

		function offset() {
			return Math.max(0, parseInt(ctx.params.get('offset') || '0', 10) || 0);
		}

		return {
			async refresh(params) {
				const mine = ++seq;
				const { registries, workers } = await load(ctx);
				if (mine !== seq) {
					return;
				}
				let chosen = params.get('registry');
				if (!registries.some((r) => r.name === chosen)) {
					const busy = registries.find((r) => r.keyCount > 0);
					chosen = busy ? busy.name : (registries[0] ? registries[0].name : null);
				}
				renderCards(registries, workers, chosen, params);
				const prefix = params.get('prefix') || '';
				if (document.activeElement !== search) {
					search.value = prefix;
				}
				if (!chosen) {
					fill(rows, el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'no registries')));
					return;
				}
				const page = await get('registries/' + encodeURIComponent(chosen) + '/keys',
					{ offset: offset(), limit: LIMIT, prefix });
				if (mine !== seq) {
					return;
				}
				title.textContent = 'Keys of ' + chosen;
				rows.dataset.registry = chosen;
				renderKeys(page, prefix);
			}
		};

		function renderCards(registries, workers, chosen, params) {
			fill(cards, registries.length ? registries.map((r) => {
				const worker = workers.find((w) => w.name === r.name);
				const stats = r.partitionStats || [];
				const max = Math.max(1, ...stats.map((p) => p.keys));
				const link = ctx.link('registries', { registry: r.name, pid: params.get('pid') },
					el('h3', {}, r.name));
				return el('section', { class: 'card panel' + (r.name === chosen ? ' selected' : ''), 'data-registry': r.name },
					link,
					el('div', { class: 'muted small' }, r.keys + ' keys · ' + plural(r.partitions, 'partition')
						+ (r.keys === 'duplicate' ? ' by ' + r.partitionBy : '')),
					el('div', { class: 'figures tight' },
						el('div', { class: 'figure' }, el('span', { class: 'figure-value' }, integer(r.keyCount)),
							el('span', { class: 'figure-label' }, 'keys')),
						el('div', { class: 'figure' }, el('span', { class: 'figure-value' }, integer(r.entryCount)),
							el('span', { class: 'figure-label' }, 'entries')),
						worker ? el('div', { class: 'figure' + (worker.restarts ? ' danger' : '') },
							el('span', { class: 'figure-value' }, integer(worker.restarts)),
							el('span', { class: 'figure-label' }, 'restarts')) : null),
					worker ? el('div', { class: 'muted small mono' }, 'worker ' + shortType(worker.type) + ' · ' + worker.restart) : null,
					stats.length > 1 ? el('div', { class: 'partitions' }, stats.map((p) => el('div', {
						class: 'partition', 'data-partition': p.partition,
						title: 'partition ' + p.partition + ': ' + p.keys + ' keys, ' + p.entries + ' entries, '
							+ p.registrations + ' registrations, ' + p.unregistrations + ' unregistrations ('
							+ p.unregistrationsByExit + ' by exit), ' + p.conflicts + ' conflicts'
					}, el('span', { class: 'label' }, '#' + p.partition),
					el('meter', { min: 0, max, value: p.keys }),
					el('span', { class: 'count' }, integer(p.keys))))) : null);
			}) : el('p', { class: 'empty' }, 'no registries'));
		}

		function renderKeys(page, prefix) {
			const list = [];
			for (const item of page.items) {
				item.entries.forEach((entry, index) => {
					list.push(el('tr', { 'data-key': item.key, 'data-pid': entry.pid },
						el('td', { class: 'key mono' }, index === 0 ? item.key : ''),
						el('td', { class: 'pid-cell' }, ctx.pidLink(entry.pid)),
						el('td', { class: 'metadata opt' }, metadata(entry.value)),
						el('td', { class: 'opt process-status status-' + entry.status }, entry.status),
						el('td', { class: 'num restarts' + (entry.restarts ? ' danger' : ''),
							title: entry.lastExitReason ? 'last exit: ' + entry.lastExitReason : null },
						entry.restarts === null || entry.restarts === undefined ? '—' : String(entry.restarts)),
						el('td', { class: 'action' }, ctx.actions.button(entry.pid))));
				});
			}
			fill(rows, list.length ? list : el('tr', {}, el('td', { colspan: 6, class: 'empty' },
				prefix ? 'no key starts with "' + prefix + '"' : 'no keys')));
			const last = Math.min(page.total, page.offset + page.items.length);
			info.textContent = page.total ? integer(page.offset + 1) + '–' + integer(last) + ' of ' + integer(page.total)
				+ (page.total === 1 ? ' key' : ' keys') : '0 keys';
			prev.disabled = page.offset === 0;
			next.disabled = last >= page.total;
			note.textContent = page.valuesShown ? '' : 'values hidden (management.endpoint.registries.show-values)';
		}
	}
};

function metadata(value) {
	if (value === null || value === undefined) {
		return el('span', { class: 'muted' }, '—');
	}
	if (typeof value === 'object' && !Array.isArray(value)) {
		return Object.entries(value).map(([k, v]) => el('span', { class: 'kv' }, k + '=' + text(v)));
	}
	return el('span', { class: 'kv' }, text(value));
}

function shortType(type) {
	return type ? type.substring(type.lastIndexOf('.') + 1) : '—';
}
