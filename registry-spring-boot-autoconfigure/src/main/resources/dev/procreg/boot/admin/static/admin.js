// The process admin page: polls the JSON API under ./api and renders it. Plain DOM, no build.
(function () {
	'use strict';

	const state = {
		registry: null,
		prefix: '',
		offset: 0,
		limit: 20,
		pid: null,
		overview: null,
		refreshMillis: 2000,
		timer: null
	};

	const $ = (id) => document.getElementById(id);

	function el(tag, attrs, ...children) {
		const node = document.createElement(tag);
		for (const [name, value] of Object.entries(attrs || {})) {
			if (value === null || value === undefined || value === false) {
				continue;
			}
			if (name === 'class') {
				node.className = value;
			} else if (name.startsWith('on')) {
				node.addEventListener(name.substring(2), value);
			} else if (name === 'style') {
				node.setAttribute('style', value);
			} else {
				node.setAttribute(name, value === true ? '' : String(value));
			}
		}
		for (const child of children.flat(Infinity)) {
			if (child === null || child === undefined) {
				continue;
			}
			node.append(child instanceof Node ? child : document.createTextNode(String(child)));
		}
		return node;
	}

	function bare(pid) {
		return pid.replace(/^</, '').replace(/>$/, '');
	}

	function duration(ms) {
		let s = Math.floor(ms / 1000);
		const d = Math.floor(s / 86400); s -= d * 86400;
		const h = Math.floor(s / 3600); s -= h * 3600;
		const m = Math.floor(s / 60); s -= m * 60;
		return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + s + 's';
	}

	function setStatus(text, kind) {
		const status = $('status');
		status.textContent = text;
		status.className = 'status' + (kind ? ' ' + kind : '');
	}

	async function getJson(path) {
		const response = await fetch(path, {
			headers: { 'Accept': 'application/json' },
			credentials: 'same-origin',
			cache: 'no-store'
		});
		if (response.status === 404) {
			return null;
		}
		const type = response.headers.get('Content-Type') || '';
		if (!response.ok || !type.includes('json')) {
			throw new Error(path + ' answered ' + response.status + (response.redirected ? ' (log in again?)' : ''));
		}
		return response.json();
	}

	// ---- hash state: #registry=sessions&prefix=donor-&offset=20&pid=local.42

	function readHash() {
		const params = new URLSearchParams(location.hash.substring(1));
		state.registry = params.get('registry') || null;
		state.prefix = params.get('prefix') || '';
		state.offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
		state.pid = params.get('pid') || null;
	}

	function writeHash() {
		const params = new URLSearchParams();
		if (state.registry) params.set('registry', state.registry);
		if (state.prefix) params.set('prefix', state.prefix);
		if (state.offset) params.set('offset', String(state.offset));
		if (state.pid) params.set('pid', state.pid);
		history.replaceState(null, '', '#' + params.toString());
	}

	// ---- refresh loop

	async function refresh() {
		clearTimeout(state.timer);
		try {
			const overview = await getJson('api/overview');
			state.overview = overview;
			state.refreshMillis = overview.refreshMillis || 2000;
			const names = Object.keys(overview.registries);
			if (!state.registry || !names.includes(state.registry)) {
				state.registry = names.find((name) => overview.registries[name].keyCount > 0) || names[0] || null;
				state.offset = 0;
			}
			renderSummary(overview);
			renderRegistries(overview);
			renderSupervision(overview);
			renderGroups(overview);
			await refreshKeys();
			await refreshProcess();
			writeHash();
			if ($('status').classList.contains('error')) {
				setStatus('');
			}
		} catch (error) {
			setStatus(error.message, 'error');
		} finally {
			// one pending refresh at a time, even when a click started one while another ran
			clearTimeout(state.timer);
			state.timer = setTimeout(refresh, state.refreshMillis);
		}
	}

	async function refreshKeys() {
		const tbody = $('keys');
		if (!state.registry) {
			tbody.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'no registries')));
			return;
		}
		const query = new URLSearchParams({ offset: state.offset, limit: state.limit });
		if (state.prefix) query.set('prefix', state.prefix);
		const page = await getJson('api/registries/' + encodeURIComponent(state.registry) + '/keys?' + query);
		if (!page) {
			tbody.replaceChildren();
			return;
		}
		renderKeys(page);
	}

	async function refreshProcess() {
		const section = $('process-section');
		if (!state.pid) {
			section.hidden = true;
			return;
		}
		section.hidden = false;
		const info = await getJson('api/processes/' + encodeURIComponent(bare(state.pid)));
		renderProcess(info);
	}

	// ---- rendering

	function renderSummary(overview) {
		const user = overview.user ? 'signed in as ' + overview.user : 'not signed in';
		const actions = !overview.actions.allowed ? 'actions disabled'
			: overview.actions.permitted ? 'actions allowed' : 'actions refused: ' + overview.actions.refusal;
		$('summary').textContent = 'node ' + overview.node + ' · ' + overview.processes + ' processes · '
			+ Object.keys(overview.registries).length + ' registries · ' + user + ' · ' + actions;
	}

	function renderRegistries(overview) {
		const cards = [];
		const select = $('registry-select');
		const options = [];
		for (const [name, registry] of Object.entries(overview.registries)) {
			const max = Math.max(1, ...registry.partitionStats.map((p) => p.keys));
			const worker = overview.workers[name];
			cards.push(el('div', {
				class: 'card' + (name === state.registry ? ' selected' : ''),
				'data-registry': name,
				title: 'show the keys of ' + name,
				onclick: () => selectRegistry(name)
			},
			el('h3', {}, name),
			el('div', { class: 'meta' },
				registry.keys + ' keys · ' + registry.partitions + ' partition' + (registry.partitions === 1 ? '' : 's')
				+ (registry.keys === 'duplicate' ? ' by ' + registry.partitionBy : '')
				+ ' · ' + registry.keyCount + ' keys, ' + registry.entryCount + ' entries'
				+ (worker ? ' · worker ' + worker.type.substring(worker.type.lastIndexOf('.') + 1)
					+ ' (' + worker.restart + ', ' + worker.restarts + ' restarts)' : '')),
			registry.partitionStats.map((p) => el('div', {
				class: 'partition',
				'data-partition': p.partition,
				title: 'partition ' + p.partition + ': ' + p.keys + ' keys, ' + p.entries + ' entries, '
					+ p.registrations + ' registrations, ' + p.unregistrations + ' unregistrations ('
					+ p.unregistrationsByExit + ' by exit), ' + p.conflicts + ' conflicts'
			},
			el('span', { class: 'label' }, '#' + p.partition),
			el('span', { class: 'track' }, el('span', {
				class: 'fill',
				style: 'display:block;width:' + (100 * p.keys / max).toFixed(1) + '%'
			})),
			el('span', { class: 'count' }, p.keys + ' keys')))));
			options.push(el('option', { value: name, selected: name === state.registry }, name));
		}
		$('registries').replaceChildren(...(cards.length ? cards : [el('p', { class: 'empty' }, 'no registries')]));
		if (document.activeElement !== select) {
			select.replaceChildren(...options);
		}
	}

	function metadata(value, shown) {
		if (value === null || value === undefined) {
			return el('span', { class: 'muted' }, '—');
		}
		if (typeof value === 'object' && !Array.isArray(value)) {
			return Object.entries(value).map(([k, v]) => el('span', {}, k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)));
		}
		return el('span', {}, typeof value === 'object' ? JSON.stringify(value) : String(value));
	}

	function terminateButton(pid) {
		const actions = state.overview ? state.overview.actions : null;
		if (!actions || !actions.allowed) {
			return null;
		}
		return el('button', {
			type: 'button',
			class: 'terminate danger',
			'data-pid': pid,
			disabled: !actions.permitted,
			title: actions.permitted ? 'terminate ' + pid + ' with reason shutdown' : actions.refusal,
			onclick: () => terminate(pid)
		}, 'Terminate');
	}

	function pidLink(pid) {
		return el('a', { class: 'pid mono', href: '#', 'data-pid': pid, onclick: (e) => { e.preventDefault(); selectProcess(pid); } }, pid);
	}

	function renderKeys(page) {
		const rows = [];
		for (const item of page.items) {
			item.entries.forEach((entry, index) => {
				rows.push(el('tr', { 'data-key': item.key, 'data-pid': entry.pid },
					el('td', { class: 'key mono' }, index === 0 ? item.key : ''),
					el('td', { class: 'pid' }, pidLink(entry.pid)),
					el('td', { class: 'metadata' }, metadata(entry.value, page.valuesShown)),
					el('td', { class: 'process-status' }, entry.status),
					el('td', { class: 'restarts' + (entry.restarts ? ' restarted' : ''),
						title: entry.lastExitReason ? 'last exit: ' + entry.lastExitReason : null },
						entry.restarts === null ? '—' : String(entry.restarts)),
					el('td', {}, terminateButton(entry.pid))));
			});
		}
		if (!rows.length) {
			rows.push(el('tr', {}, el('td', { colspan: 6, class: 'empty' },
				state.prefix ? 'no key starts with "' + state.prefix + '"' : 'no keys')));
		}
		$('keys').replaceChildren(...rows);
		const last = Math.min(page.total, page.offset + page.items.length);
		$('page-info').textContent = page.total ? (page.offset + 1) + '–' + last + ' of ' + page.total + ' keys' : '0 keys';
		$('prev-page').disabled = page.offset === 0;
		$('next-page').disabled = last >= page.total;
		$('values-note').textContent = page.valuesShown ? '' : 'metadata values are hidden (management.endpoint.registries.show-values)';
	}

	function renderProcess(info) {
		$('process-pid').textContent = state.pid;
		const details = $('process');
		if (!info) {
			details.replaceChildren(el('dt', {}, 'status'), el('dd', { class: 'process-status' }, 'not alive'));
			$('process-actions').replaceChildren();
			return;
		}
		const row = (name, value, cls) => [el('dt', {}, name), el('dd', { class: cls || null }, value)];
		const pids = (list) => list.length ? list.map((pid, i) => [i ? ', ' : '', pidLink(pid)]) : '—';
		details.replaceChildren(
			...row('status', info.status, 'process-status'),
			...row('mailbox', String(info.mailboxLength), 'mailbox'),
			...row('registered names', info.registeredNames.length ? info.registeredNames.join(', ') : '—', 'names mono'),
			...row('uptime', duration(info.uptimeMillis) + ' (since ' + info.startedAt + ')', 'uptime'),
			...row('server', info.serverClass || 'plain process', 'mono'),
			...row('supervisor', info.parent ? pidLink(info.parent) : '—'),
			...row('restart type', info.restart || '—'),
			...row('restarts', info.restarts === null ? '—' : String(info.restarts), 'restarts'),
			...row('last exit', info.lastExitReason || '—', 'mono'),
			...row('links', pids(info.links), 'links'),
			...row('monitors', pids(info.monitors), 'monitors'),
			...row('monitored by', pids(info.monitoredBy), 'monitored-by'),
			...row('traps exits', info.trapExits ? 'yes' : 'no'));
		$('process-actions').replaceChildren(terminateButton(info.pid) || '');
	}

	function renderSupervisor(node) {
		const title = el('span', { class: 'sup' }, node.name || node.kind.replace('_', ' '));
		const children = node.children.map((child) => el('li', { 'data-child-pid': child.pid || '' },
			child.pid ? pidLink(child.pid) : el('span', { class: 'muted' }, 'not running'),
			' ', el('span', {}, child.id), ' ',
			el('span', { class: 'muted' }, child.type + ', ' + child.restart + ', '),
			el('span', { class: child.restartCount ? 'restarted' : 'muted' }, child.restartCount + ' restarts'),
			child.lastExitReason ? el('span', { class: 'muted' }, ', last exit: ' + child.lastExitReason) : null,
			child.subtree ? el('ul', {}, renderSupervisor(child.subtree)) : null));
		if (node.childCount > node.children.length) {
			children.push(el('li', { class: 'muted' }, '… and ' + (node.childCount - node.children.length) + ' more'));
		}
		return el('li', { 'data-supervisor': node.pid },
			title, ' ', pidLink(node.pid), ' ',
			el('span', { class: 'muted' }, node.kind.replace('_', ' ') + ', ' + node.strategy.replaceAll('_', ' ')
				+ ', ' + node.restartsInWindow + '/' + node.maxRestarts + ' restarts in ' + node.maxSeconds + 's, '
				+ node.childCount + ' children'),
			children.length ? el('ul', {}, children) : null);
	}

	function renderSupervision(overview) {
		const roots = overview.supervision.map(renderSupervisor);
		$('supervision').replaceChildren(roots.length
			? el('div', { class: 'tree' }, el('ul', {}, roots))
			: el('p', { class: 'empty' }, 'no supervisors'));
	}

	function renderGroups(overview) {
		const blocks = [];
		for (const scope of overview.groups) {
			blocks.push(el('h3', { class: 'muted' }, 'scope ' + scope.scope));
			if (!scope.groups.length) {
				blocks.push(el('p', { class: 'empty' }, 'no groups'));
			}
			for (const group of scope.groups) {
				blocks.push(el('div', { class: 'group', 'data-group': group.name },
					el('strong', {}, group.name), ' ',
					el('span', { class: 'muted' }, group.memberCount + ' member' + (group.memberCount === 1 ? '' : 's') + ': '),
					group.members.map((pid, i) => [i ? ', ' : '', pidLink(pid)]),
					group.memberCount > group.members.length ? ' …' : ''));
			}
		}
		$('groups').replaceChildren(...(blocks.length ? blocks : [el('p', { class: 'empty' }, 'no process groups')]));
	}

	// ---- interaction

	function selectRegistry(name) {
		state.registry = name;
		state.offset = 0;
		refresh();
	}

	function selectProcess(pid) {
		state.pid = pid;
		refresh();
	}

	async function terminate(pid) {
		if (!window.confirm('Terminate ' + pid + '? Its supervisor, if any, decides whether it comes back.')) {
			return;
		}
		const headers = { 'Accept': 'application/json' };
		const csrf = state.overview && state.overview.csrf;
		if (csrf) {
			headers[csrf.headerName] = csrf.token;
		}
		try {
			const response = await fetch('api/processes/' + encodeURIComponent(bare(pid)) + '/terminate?reason=shutdown', {
				method: 'POST', headers, credentials: 'same-origin'
			});
			const body = await response.json().catch(() => ({}));
			if (response.ok) {
				setStatus('terminated ' + body.pid + (body.registeredNames.length ? ' (' + body.registeredNames.join(', ') + ')' : ''), 'ok');
			} else {
				setStatus('could not terminate ' + pid + ': ' + (body.error || response.status), 'error');
			}
		} catch (error) {
			setStatus('could not terminate ' + pid + ': ' + error.message, 'error');
		}
		refresh();
	}

	let searchTimer = null;
	$('key-search').addEventListener('input', (event) => {
		clearTimeout(searchTimer);
		searchTimer = setTimeout(() => {
			state.prefix = event.target.value;
			state.offset = 0;
			refresh();
		}, 250);
	});
	$('registry-select').addEventListener('change', (event) => selectRegistry(event.target.value));
	$('prev-page').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); refresh(); });
	$('next-page').addEventListener('click', () => { state.offset += state.limit; refresh(); });
	$('close-process').addEventListener('click', () => { state.pid = null; refresh(); });

	readHash();
	$('key-search').value = state.prefix;
	refresh();
})();
