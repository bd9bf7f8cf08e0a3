// Deliberate actions: terminating asks first (the name typed out when the server says the process
// matters: a supervisor, a registered singleton, a unique key's owner, a supervisor's last child),
// and every outcome, refusals and 404s included, stays on screen until dismissed.
import { el, fill, bare, clock } from './dom.js';
import { ApiError, get, post } from './api.js';

/** How many outcomes stay at most; beyond, the oldest goes. */
const MAX_OUTCOMES = 8;

/** Where outcomes are kept across reloads of the page, until dismissed. */
const STORE = 'procreg.console.outcomes';

export class Outcomes {

	constructor(root) {
		this.root = root;
		this.kept = [];
		try {
			this.kept = JSON.parse(sessionStorage.getItem(STORE) || '[]');
		} catch (error) {
			this.kept = [];
		}
		this.kept.slice().reverse().forEach((outcome) => this.render(outcome));
	}

	/** Shows an outcome: `kind` ok or error, a title and a detail; it stays until dismissed. */
	show(kind, title, detail) {
		const outcome = { id: Date.now() + '-' + Math.random().toString(36).substring(2, 8), kind, title, detail,
			time: Date.now() };
		this.kept.unshift(outcome);
		this.kept.splice(MAX_OUTCOMES);
		this.save();
		return this.render(outcome);
	}

	render(outcome) {
		const item = el('div', { class: 'outcome ' + outcome.kind, 'data-kind': outcome.kind, 'data-id': outcome.id,
			role: outcome.kind === 'error' ? 'alert' : 'status' },
			el('div', { class: 'outcome-text' },
				el('strong', { class: 'outcome-title' }, outcome.title),
				outcome.detail ? el('span', { class: 'outcome-detail' }, outcome.detail) : null,
				el('span', { class: 'outcome-time muted' }, clock(outcome.time))),
			el('button', { type: 'button', class: 'dismiss', title: 'dismiss', 'aria-label': 'dismiss' }, '×'));
		item.querySelector('button.dismiss').addEventListener('click', () => {
			item.remove();
			this.kept = this.kept.filter((kept) => kept.id !== outcome.id);
			this.save();
		});
		this.root.prepend(item);
		while (this.root.children.length > MAX_OUTCOMES) {
			this.root.lastElementChild.remove();
		}
		return item;
	}

	save() {
		try {
			sessionStorage.setItem(STORE, JSON.stringify(this.kept));
		} catch (error) {
			// private mode or full: outcomes then last as long as the page
		}
	}

}

export class Actions {

	constructor(ctx, dialog) {
		this.ctx = ctx;
		this.dialog = dialog;
	}

	/** Whether the current user may act at all (buttons are shown only when actions are allowed). */
	get allowed() {
		const actions = this.ctx.overview && this.ctx.overview.actions;
		return !!(actions && actions.allowed);
	}

	/** A Terminate button for a process, or nothing when actions are off. */
	button(pid, label) {
		if (!this.allowed || !pid) {
			return null;
		}
		const actions = this.ctx.overview.actions;
		return el('button', {
			type: 'button',
			class: 'terminate danger small',
			'data-pid': pid,
			disabled: !actions.permitted,
			title: actions.permitted ? 'terminate ' + pid : actions.refusal,
			onclick: () => this.terminate(pid)
		}, label || 'Terminate');
	}

	/**
	 * Terminates a process after asking. The process is read afresh first: whether a name must be
	 * typed is the server's rule, and a process that is gone already is reported as such.
	 */
	async terminate(pid) {
		let process;
		try {
			process = await get('processes/' + encodeURIComponent(bare(pid)));
		} catch (error) {
			this.failed(pid, error);
			return;
		}
		const answer = await this.ask(process);
		if (!answer) {
			return;
		}
		try {
			const done = await post('processes/' + encodeURIComponent(bare(pid)) + '/terminate', answer);
			const names = (done.registeredNames || []).length ? ' (' + done.registeredNames.join(', ') + ')' : '';
			this.ctx.outcomes.show('ok', 'Terminated ' + done.pid + names,
				done.how + (done.user ? ' · by ' + done.user : '') + (done.auditId ? ' · audit #' + done.auditId : ''));
		} catch (error) {
			this.failed(pid, error);
		}
		this.ctx.refreshNow && this.ctx.refreshNow();
	}

	failed(pid, error) {
		if (error instanceof ApiError) {
			const title = {
				400: 'Could not terminate ' + pid,
				401: 'Signed out: could not terminate ' + pid,
				403: 'Refused to terminate ' + pid,
				404: 'No process ' + pid,
				428: 'Not terminated: ' + pid + ' needs its name typed'
			}[error.status] || ('Could not terminate ' + pid);
			this.ctx.outcomes.show('error', title, error.status + ' ' + error.title + (error.detail ? ': ' + error.detail : ''));
		} else {
			this.ctx.outcomes.show('error', 'Could not terminate ' + pid, error.message || String(error));
		}
	}

	/** Opens the confirmation; resolves to the request body, or null when cancelled. */
	ask(process) {
		const dialog = this.dialog;
		const expected = process.confirm || null;
		const names = [...(process.names || []), ...(process.keys || [])];
		const kind = process.supervisorKind ? process.supervisorKind.replace('_', ' ') : null;
		const input = el('input', {
			id: 'confirm-input', type: 'text', autocomplete: 'off', spellcheck: 'false',
			'aria-label': 'type ' + expected + ' to confirm'
		});
		const reason = el('select', { id: 'confirm-reason', 'aria-label': 'exit reason' },
			el('option', { value: 'shutdown' }, 'shutdown (terminate runs, then kill after the grace period)'),
			el('option', { value: 'kill' }, 'kill (cannot be trapped)'));
		const go = el('button', { type: 'submit', id: 'confirm-go', class: 'danger', disabled: !!expected }, 'Terminate');
		const cancel = el('button', { type: 'button', id: 'confirm-cancel' }, 'Cancel');
		input.addEventListener('input', () => {
			go.disabled = input.value !== expected;
		});
		const form = el('form', { method: 'dialog', class: 'confirm-form' },
			el('h2', {}, 'Terminate ', el('span', { class: 'mono' }, process.pid), '?'),
			el('p', {}, kind ? 'It is a ' + kind + ': its children stop with it. ' : '',
				names.length ? 'It holds ' + names.join(', ') + '. ' : '',
				process.parent ? 'Its supervisor decides whether it comes back'
					+ (process.restart ? ' (restart ' + process.restart + ').' : '.') : 'Nothing restarts it.'),
			expected && (process.confirmReasons || []).length ? el('ul', { class: 'confirm-reasons' },
				process.confirmReasons.map((why) => el('li', {}, why))) : null,
			expected ? el('label', { class: 'confirm-label' },
				el('span', {}, 'Type ', el('code', { class: 'confirm-expected' }, expected), ' to confirm'), input) : null,
			el('label', { class: 'confirm-label' }, 'Exit reason', reason),
			el('div', { class: 'confirm-buttons' }, cancel, go));
		fill(dialog, form);
		return new Promise((resolve) => {
			let result = null;
			form.addEventListener('submit', (event) => {
				if (expected && input.value !== expected) {
					event.preventDefault();
					return;
				}
				result = { reason: reason.value };
				if (expected) {
					result.confirm = input.value;
				}
			});
			cancel.addEventListener('click', () => dialog.close());
			dialog.addEventListener('close', () => resolve(result), { once: true });
			dialog.showModal();
			(expected ? input : go).focus();
		});
	}

}
