// The process drawer: one process's status, mailbox, names, links, monitors, supervisor and last
// exits, over whatever view is open. Its pid is in the address (?pid=), so back closes it.
import { el, fill, bare, integer, duration, clock, ago, figure } from './dom.js';
import { ApiError, get } from './api.js';

export class Drawer {

	constructor(ctx, root) {
		this.ctx = ctx;
		this.root = root;
		this.pid = null;
		this.seq = 0;
		this.body = el('div', { class: 'drawer-body' });
		this.title = el('h2', { id: 'drawer-pid', class: 'mono' });
		this.actions = el('div', { class: 'drawer-actions' });
		const close = el('button', { type: 'button', class: 'close', id: 'drawer-close', 'aria-label': 'close' }, '×');
		close.addEventListener('click', () => this.ctx.update({ pid: null }));
		document.addEventListener('keydown', (event) => {
			if (event.key === 'Escape' && this.pid && !document.querySelector('dialog[open]')) {
				this.ctx.update({ pid: null });
			}
		});
		fill(root, el('div', { class: 'drawer-head' }, el('span', { class: 'muted' }, 'process'), this.title, close),
			el('div', { id: 'drawer-error', class: 'view-error', role: 'alert', hidden: true }), this.body, this.actions);
	}

	show(pid) {
		const shown = pid ? '<' + bare(pid) + '>' : null;
		if (shown === this.pid) {
			return;
		}
		this.pid = shown;
		this.root.hidden = !shown;
		document.body.classList.toggle('with-drawer', !!shown);
		if (shown) {
			this.title.textContent = shown;
			fill(this.body, el('p', { class: 'muted' }, 'loading…'));
			this.actions.replaceChildren();
		}
	}

	async refresh() {
		if (!this.pid) {
			return;
		}
		const pid = this.pid;
		const seq = ++this.seq;
		let process = null;
		let failure = null;
		try {
			process = await get('processes/' + encodeURIComponent(bare(pid)));
		} catch (error) {
			if (!(error instanceof ApiError) || error.status !== 404) {
				throw error;
			}
			failure = error;
		}
		if (seq !== this.seq || pid !== this.pid) {
			return; // another process was opened meanwhile
		}
		this.render(process, failure);
	}

	render(p, failure) {
		this.root.dataset.status = p ? p.status : 'gone';
		if (!p) {
			fill(this.body, el('p', { class: 'gone', id: 'drawer-gone' }, 'not alive',
				failure && failure.detail ? ': ' + failure.detail : ''));
			this.actions.replaceChildren();
			return;
		}
		const ctx = this.ctx;
		const pids = (list) => (list && list.length) ? list.map((pid, i) => [i ? ' ' : '', ctx.pidLink(pid)]) : '—';
		const row = (name, cls, ...value) => [el('dt', {}, name), el('dd', { class: cls }, ...value)];
		const names = p.names || p.registeredNames.filter((name) => !name.includes(':'));
		const keys = p.keys || p.registeredNames.filter((name) => name.includes(':'));
		const exits = p.recentExits || (p.lastExitReason ? [{ reason: p.lastExitReason, at: null }] : []);
		fill(this.body,
			el('div', { class: 'figures' },
				figure('status', p.status, 'status-' + p.status),
				figure('mailbox', integer(p.mailboxLength), p.mailboxLength > 0 ? 'warn' : ''),
				figure('messages', p.messagesHandled === undefined ? '—' : integer(p.messagesHandled)),
				figure('uptime', duration(p.uptimeMillis)),
				figure('restarts', p.restarts === null || p.restarts === undefined ? '—' : integer(p.restarts),
					p.restarts ? 'danger' : '')),
			el('dl', { class: 'details', id: 'drawer-details' },
				row('names', 'names mono', names.length ? names.join(', ') : '—'),
				row('keys', 'keys mono', keys.length ? keys.join(', ') : '—'),
				row('server', 'mono', p.serverClass || 'plain process'),
				row('supervisor', 'supervisor', p.parent ? ctx.pidLink(p.parent, p.supervisorName || p.parent) : '—',
					p.childId ? el('span', { class: 'muted' }, ' child ', p.childId) : null),
				row('restart type', '', p.restart || '—'),
				row('kind', '', p.supervisorKind ? p.supervisorKind.replace('_', ' ') : 'worker'),
				row('links', 'links', pids(p.links)),
				row('monitors', 'monitors', pids(p.monitors)),
				row('monitored by', 'monitored-by', pids(p.monitoredBy)),
				row('traps exits', '', p.trapExits ? 'yes' : 'no'),
				row('started', '', clock(p.startedAt), el('span', { class: 'muted' }, ' (' + ago(p.startedAt) + ')')),
				p.mailboxLimit ? row('mailbox limit', '', integer(p.mailboxLimit) + ' (' + integer(p.droppedMessages) + ' dropped)') : null),
			el('h3', {}, 'Last exits'),
			exits.length
				? el('ol', { class: 'exits', id: 'drawer-exits' }, exits.map((exit) => el('li', {},
					el('span', { class: 'mono reason' }, exit.reason), ' ',
					exit.at ? el('span', { class: 'muted', title: exit.at }, clock(exit.at)) : null)))
				: el('p', { class: 'muted' }, 'none since its supervisor started it'));
		fill(this.actions, this.ctx.actions.button(p.pid));
	}

}
