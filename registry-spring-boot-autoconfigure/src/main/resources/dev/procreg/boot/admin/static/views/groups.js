// Groups: process groups scope by scope, with their member counts and first members.
import { el, fill, integer, plural } from '../dom.js';
import { ApiError, get } from '../api.js';

async function load(ctx) {
	try {
		return (await get('groups')).scopes;
	} catch (error) {
		if (!(error instanceof ApiError) || error.status !== 404 || !ctx.overview.groups) {
			throw error;
		}
		return ctx.overview.groups;
	}
}

export default {
	title: 'Groups',

	mount(root, ctx) {
		let seq = 0;
		const list = el('div', { id: 'groups' });
		const search = el('input', { type: 'search', id: 'group-search', placeholder: 'group name', autocomplete: 'off',
			'aria-label': 'filter groups' });
		search.addEventListener('input', () => ctx.update({ q: search.value }, true));
		root.append(el('div', { class: 'page groups' }, el('div', { class: 'toolbar' }, search), list));

		return {
			async refresh(params) {
				const mine = ++seq;
				const scopes = await load(ctx);
				if (mine !== seq) {
					return;
				}
				const q = (params.get('q') || '').toLowerCase();
				if (document.activeElement !== search) {
					search.value = params.get('q') || '';
				}
				fill(list, scopes.length ? scopes.map((scope) => {
					const groups = scope.groups.filter((g) => !q || String(g.name).toLowerCase().includes(q));
					return el('section', { class: 'panel flush', 'data-scope': scope.scope },
						el('div', { class: 'panel-head' }, el('h2', {}, 'scope ', el('span', { class: 'mono' }, scope.scope)),
							el('span', { class: 'muted' }, plural(scope.groups.length, 'group'))),
						groups.length ? el('table', { class: 'grid' },
							el('thead', {}, el('tr', {}, el('th', {}, 'group'), el('th', { class: 'num' }, 'members'),
								el('th', {}, 'first members'))),
							el('tbody', {}, groups.map((g) => el('tr', { 'data-group': g.name },
								el('td', { class: 'mono' }, g.name),
								el('td', { class: 'num' }, integer(g.memberCount)),
								el('td', { class: 'members' }, g.members.map((pid, i) => [i ? ' ' : '', ctx.pidLink(pid)]),
									g.memberCount > g.members.length ? el('span', { class: 'muted' },
										' … ' + integer(g.memberCount - g.members.length) + ' more') : null)))))
							: el('p', { class: 'empty pad' }, q ? 'no group matches "' + q + '"' : 'no groups'));
				}) : el('p', { class: 'empty' }, 'no process groups'));
			}
		};
	}
};
