// Supervision: the supervision trees, collapsible, each supervisor with its restart-intensity
// budget used now (e.g. 1 of 3 in 5 s) and each child's last exit; supervisors that gave up apart.
import { el, fill, integer, clock, ago, plural } from '../dom.js';
import { ApiError, get } from '../api.js';

async function load(ctx) {
	try {
		return await get('supervision');
	} catch (error) {
		if (!(error instanceof ApiError) || error.status !== 404 || !ctx.overview.supervision) {
			throw error;
		}
		return {
			roots: ctx.overview.supervision,
			gaveUp: (ctx.overview.supervisors || []).filter((s) => s.gaveUp)
		};
	}
}

export default {
	title: 'Supervision',

	mount(root, ctx) {
		let seq = 0;
		// which supervisors the user opened or closed, by their path of names (pids change on restart)
		const toggled = new Map();
		const gaveUp = el('div', { id: 'gave-up' });
		const tree = el('div', { class: 'tree', id: 'supervision' });
		const expand = el('button', { type: 'button', id: 'tree-expand' }, 'Expand all');
		const collapse = el('button', { type: 'button', id: 'tree-collapse' }, 'Collapse all');
		expand.addEventListener('click', () => setAll(true));
		collapse.addEventListener('click', () => setAll(false));
		root.append(el('div', { class: 'page supervision' },
			gaveUp,
			el('section', { class: 'panel' }, el('div', { class: 'panel-head' }, el('h2', {}, 'Supervision trees'), expand, collapse),
				tree)));

		function setAll(open) {
			tree.querySelectorAll('details').forEach((details) => {
				details.open = open;
				toggled.set(details.dataset.path, open);
			});
		}

		return {
			async refresh() {
				const mine = ++seq;
				const data = await load(ctx);
				if (mine !== seq) {
					return;
				}
				renderGaveUp(data.gaveUp || []);
				fill(tree, data.roots.length ? data.roots.map((node) => supervisor(node, node.name || node.pid, 0))
					: el('p', { class: 'empty' }, 'no supervisors'));
			}
		};

		function renderGaveUp(list) {
			fill(gaveUp, list.length ? el('section', { class: 'panel alert', id: 'gave-up-list' },
				el('h2', {}, 'Gave up'),
				el('ul', { class: 'plain' }, list.map((s) => el('li', { 'data-supervisor': s.name },
					el('strong', { class: 'mono' }, s.name), ' ',
					el('span', { class: 'chip down' }, 'gave up'), ' ',
					s.exitReason ? el('span', { class: 'mono reason' }, s.exitReason) : null, ' ',
					s.exitedAt ? el('span', { class: 'muted', title: s.exitedAt }, ago(s.exitedAt)) : null,
					el('span', { class: 'muted' }, ' · ' + plural(s.restarts || 0, 'restart') + ' before')))))
				: null);
		}

		function supervisor(node, path, depth) {
			const budget = node.budget || { used: node.restartsInWindow, max: node.maxRestarts, seconds: node.maxSeconds };
			const details = el('details', { class: 'sup-node', 'data-supervisor': node.pid, 'data-path': path,
				'data-name': node.name || '' });
			const remembered = toggled.get(path);
			details.open = remembered !== undefined ? remembered : (depth < 2 && node.childCount <= 50);
			details.addEventListener('toggle', () => toggled.set(path, details.open));
			const ratio = budget.max ? budget.used / budget.max : 0;
			const summary = el('summary', {},
				el('span', { class: 'sup-name' }, node.name || node.kind.replace('_', ' ')), ' ',
				ctx.pidLink(node.pid), ' ',
				el('span', { class: 'tag' }, node.kind.replace('_', ' ')), ' ',
				el('span', { class: 'muted small' }, node.strategy.replaceAll('_', ' ')), ' ',
				el('span', { class: 'budget' + (ratio >= 0.8 ? ' danger' : ratio >= 0.5 ? ' warn' : ''), 'data-budget': budget.used + '/' + budget.max,
					title: 'restart intensity: ' + budget.used + ' restarts in the last ' + budget.seconds + ' s; it gives up beyond ' + budget.max },
				el('meter', { min: 0, max: Math.max(1, budget.max), value: budget.used, low: budget.max * 0.5, high: budget.max * 0.8, optimum: 0 }),
				' ', budget.used + ' of ' + budget.max + ' in ' + budget.seconds + ' s'), ' ',
				el('span', { class: 'muted small' }, plural(node.restarts, 'restart') + ' · ' + plural(node.childCount, 'child', 'children')),
				' ', ctx.actions.button(node.pid));
			details.append(summary);
			const children = node.children.map((child) => {
				const childPath = path + '/' + child.id;
				return el('li', { class: 'child', 'data-child-id': child.id, 'data-child-pid': child.pid || '' },
					child.subtree ? supervisor(child.subtree, childPath, depth + 1) : el('div', { class: 'child-line' },
						el('span', { class: 'child-id mono' }, child.id), ' ',
						child.pid ? ctx.pidLink(child.pid) : el('span', { class: 'chip off' }, 'not running'), ' ',
						el('span', { class: 'muted small' }, child.type + ' · ' + child.restart), ' ',
						el('span', { class: 'restart-count ' + (child.restartCount ? 'danger' : 'muted') },
							plural(child.restartCount, 'restart')),
						child.lastExitReason ? el('span', { class: 'small' }, ' · last exit ',
							el('span', { class: 'mono reason' }, child.lastExitReason),
							child.lastExitAt ? el('span', { class: 'muted', title: child.lastExitAt }, ' ' + clock(child.lastExitAt)) : null) : null,
						' ', ctx.actions.button(child.pid)));
			});
			if (node.childCount > node.children.length) {
				children.push(el('li', { class: 'muted more' }, '… and ' + integer(node.childCount - node.children.length) + ' more'));
			}
			if (children.length) {
				details.append(el('ul', { class: 'children' }, children));
			}
			return details;
		}
	}
};
