// Events: the live feed (Server-Sent Events) of registrations, exits with reasons, restarts,
// give-ups and admin actions, newest first, filtered by type and text, at most KEPT rows.
import { el, fill, clock, plural } from '../dom.js';
import { TYPES, KEPT } from '../events.js';

/** One event as a table row; `compact` leaves the details column short (the overview). */
export function eventRow(event, ctx, compact) {
	const what = [];
	if (event.registry || event.key) {
		what.push(el('span', { class: 'mono' }, (event.registry || '') + (event.key !== null && event.key !== undefined ? ':' + event.key : '')));
	}
	if (event.childId) {
		what.push(el('span', {}, 'child ', el('span', { class: 'mono' }, event.childId)));
	}
	if (event.supervisor && event.type !== 'give-up') {
		what.push(el('span', {}, 'under ', ctx.pidLink(event.supervisor)));
	}
	if (event.reason) {
		what.push(el('span', { class: 'reason mono' }, event.reason));
	}
	if (event.user) {
		what.push(el('span', {}, 'by ', el('strong', {}, event.user)));
	}
	if (event.detail && (!compact || !what.length)) {
		what.push(el('span', { class: 'muted' }, event.detail));
	}
	const pid = event.type === 'give-up' ? event.supervisor || event.pid : event.pid;
	return el('tr', { class: 'event type-' + event.type, 'data-type': event.type, 'data-seq': event.seq, 'data-pid': pid || '' },
		el('td', { class: 'time mono', title: event.time || '' }, clock(event.time)),
		el('td', {}, el('span', { class: 'tag ' + event.type }, event.type)),
		el('td', { class: 'pid-cell' }, ctx.pidLink(pid)),
		el('td', { class: 'what' }, what.map((part, i) => [i ? ' · ' : '', part])));
}

function matches(event, types, query) {
	if (types.size && !types.has(event.type)) {
		return false;
	}
	if (!query) {
		return true;
	}
	const haystack = [event.pid, event.registry, event.key, event.reason, event.supervisor, event.childId, event.user,
		event.detail].filter((v) => v !== null && v !== undefined).join(' ').toLowerCase();
	return haystack.includes(query.toLowerCase());
}

export default {
	title: 'Events',

	mount(root, ctx) {
		let types = new Set();
		let query = '';
		let paused = false;
		const boxes = TYPES.map((type) => {
			const box = el('input', { type: 'checkbox', value: type, 'data-type': type });
			box.addEventListener('change', () => {
				const chosen = TYPES.filter((t) => root.querySelector('input[data-type="' + t + '"]').checked);
				ctx.update({ type: chosen.join(',') });
			});
			return el('label', { class: 'tag-filter tag ' + type }, box, type);
		});
		const search = el('input', { type: 'search', id: 'events-search', placeholder: 'filter: pid, key, reason, user',
			autocomplete: 'off' });
		let typing = null;
		search.addEventListener('input', () => {
			clearTimeout(typing);
			typing = setTimeout(() => ctx.update({ q: search.value }, true), 200);
		});
		const pause = el('button', { type: 'button', id: 'events-pause' }, 'Pause');
		pause.addEventListener('click', () => {
			paused = !paused;
			pause.textContent = paused ? 'Resume' : 'Pause';
			pause.classList.toggle('active', paused);
			if (!paused) {
				render();
			}
		});
		const count = el('span', { class: 'muted', id: 'events-count' });
		const rows = el('tbody', { id: 'events' });
		root.append(el('div', { class: 'page events' },
			el('div', { class: 'toolbar' }, el('div', { class: 'tag-filters' }, boxes), search, pause, count),
			el('section', { class: 'panel flush' },
				el('table', { class: 'grid events' },
					el('thead', {}, el('tr', {}, el('th', {}, 'time'), el('th', {}, 'type'), el('th', {}, 'pid'),
						el('th', {}, 'what'))),
					rows))));

		function counter() {
			count.textContent = rows.children.length + ' shown of ' + plural(ctx.feed.events.length, 'event') + ' kept'
				+ (ctx.feed.dropped ? ' · ' + ctx.feed.dropped + ' dropped by the server' : '')
				+ (paused ? ' · paused' : '');
		}

		function render() {
			const shown = ctx.feed.events.filter((event) => matches(event, types, query)).slice(-KEPT).reverse();
			fill(rows, shown.map((event) => eventRow(event, ctx)));
			counter();
		}

		const unsubscribe = ctx.feed.subscribe((added) => {
			if (paused) {
				counter();
				return;
			}
			const fresh = added.filter((event) => matches(event, types, query));
			for (const event of fresh) {
				rows.prepend(eventRow(event, ctx));
			}
			while (rows.children.length > KEPT) {
				rows.lastElementChild.remove();
			}
			counter();
		});

		function read(params) {
			const nextTypes = new Set((params.get('type') || '').split(',').filter((t) => TYPES.includes(t)));
			const nextQuery = params.get('q') || '';
			boxes.forEach((label) => {
				const box = label.querySelector('input');
				box.checked = nextTypes.has(box.value);
			});
			if (document.activeElement !== search) {
				search.value = nextQuery;
			}
			const changed = nextQuery !== query || [...nextTypes].join() !== [...types].join();
			types = nextTypes;
			query = nextQuery;
			return changed;
		}
		read(ctx.params);
		render();

		return {
			refresh(params) {
				if (read(params)) {
					render();
				}
			},
			destroy() {
				unsubscribe();
			}
		};
	}
};
