// The operator console: a shell of views with addresses (History API), refreshed on a timer, a
// live event feed over Server-Sent Events, a process drawer and deliberate actions.
// Plain JavaScript modules, no build step; uPlot (from its WebJar) draws the charts.
import { $, el, fill, bare } from './dom.js';
import { BASE, ApiError, get, useCsrf, signOut } from './api.js';
import { EventFeed } from './events.js';
import { Outcomes, Actions } from './actions.js';
import { Drawer } from './drawer.js';
import overview from './views/overview.js';
import registries from './views/registries.js';
import processes from './views/processes.js';
import supervision from './views/supervision.js';
import groups from './views/groups.js';
import cluster from './views/cluster.js';
import events from './views/events.js';
import metrics from './views/metrics.js';
import audit from './views/audit.js';

const VIEWS = { overview, registries, processes, supervision, groups, cluster, events, metrics, audit };

const ctx = {
	overview: null,
	view: null,
	params: new URLSearchParams(),
	feed: null,
	outcomes: null,
	actions: null,
	drawer: null,

	/** The address of a view with parameters, relative to the console. */
	href(view, params) {
		const query = new URLSearchParams(params || {});
		for (const [name, value] of [...query.entries()]) {
			if (value === '' || value === 'null' || value === 'undefined') {
				query.delete(name);
			}
		}
		const search = query.toString();
		return view + (search ? '?' + search : '');
	},

	/** Goes to a view; `replace` changes the current history entry instead of adding one. */
	navigate(view, params, replace) {
		const target = new URL(this.href(view, params), BASE);
		if (target.href === location.href) {
			return;
		}
		history[replace ? 'replaceState' : 'pushState'](null, '', target);
		route();
	},

	/** Changes parameters of the current view (search text: replace; paging and sorting: push). */
	update(changes, replace) {
		const params = new URLSearchParams(this.params);
		for (const [name, value] of Object.entries(changes)) {
			if (value === null || value === undefined || value === '') {
				params.delete(name);
			} else {
				params.set(name, value);
			}
		}
		this.navigate(this.view, params, replace);
	},

	/** A link to a process: opens the drawer over the current view. */
	pidLink(pid, label) {
		if (!pid) {
			return el('span', { class: 'muted' }, '—');
		}
		const params = new URLSearchParams(this.params);
		params.set('pid', bare(pid));
		const text = label || pid;
		const dot = text.lastIndexOf('.');
		// a narrow column may break a pid after its node's dot, never inside a number
		const shown = (text === pid && dot > 0) ? [text.substring(0, dot + 1), el('wbr'), text.substring(dot + 1)] : text;
		return el('a', { class: 'pid mono', href: this.href(this.view, params), 'data-nav': '', 'data-pid': pid },
			shown);
	},

	/** A link to a view. */
	link(view, params, ...children) {
		return el('a', { href: this.href(view, params), 'data-nav': '' }, ...children);
	},

	/** Refreshes at once (after an action), not at the next tick. */
	refreshNow() {
		return tick();
	},

	/** Shows a failed refresh in the header until the next good one. */
	failed(error) {
		connection(error);
	}
};

let current = null;
let timer = null;
let refreshing = null;
let again = false;

function viewName() {
	const rest = location.pathname.substring(BASE.pathname.length);
	return VIEWS[rest] ? rest : 'overview';
}

/** Renders what the address says: the view, its parameters, the drawer. */
function route() {
	const name = viewName();
	const params = new URLSearchParams(location.search);
	const changed = ctx.view !== name;
	ctx.view = name;
	ctx.params = params;
	document.querySelectorAll('#tabs a').forEach((tab) => {
		const active = tab.dataset.view === name;
		tab.classList.toggle('active', active);
		if (active) {
			tab.setAttribute('aria-current', 'page');
		} else {
			tab.removeAttribute('aria-current');
		}
	});
	document.title = VIEWS[name].title + ' · procreg console';
	if (changed) {
		if (current && current.destroy) {
			current.destroy();
		}
		const root = $('view');
		root.replaceChildren();
		root.dataset.view = name;
		current = VIEWS[name].mount(root, ctx);
		window.scrollTo(0, 0);
	}
	ctx.drawer.show(params.get('pid'));
	tick();
}

/** One refresh of the header, the current view and the drawer; then the next one is scheduled. */
function tick() {
	clearTimeout(timer);
	if (refreshing) {
		again = true; // the address changed meanwhile: refresh once more when this one ends
		return refreshing;
	}
	refreshing = refresh().finally(() => {
		refreshing = null;
		clearTimeout(timer);
		if (again) {
			again = false;
			tick();
		} else {
			timer = setTimeout(tick, (ctx.overview && ctx.overview.refreshMillis) || 2000);
		}
	});
	return refreshing;
}

async function refresh() {
	try {
		const overview = await get('overview');
		ctx.overview = overview;
		useCsrf(overview.csrf);
		header(overview);
		connection(null);
	} catch (error) {
		connection(error);
		return;
	}
	const [view, drawer] = await Promise.allSettled([
		(async () => current && current.refresh ? current.refresh(ctx.params) : null)(),
		ctx.drawer.refresh()
	]);
	problem($('view-error'), view);
	problem($('drawer-error'), drawer);
	document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
}

/** Shows why the view (or the drawer) could not refresh, until it can again. */
function problem(target, result) {
	if (result.status === 'fulfilled') {
		target.hidden = true;
		target.replaceChildren();
		return;
	}
	const error = result.reason;
	target.hidden = false;
	fill(target, el('strong', {}, error instanceof ApiError ? error.status + ' ' + error.title : 'Error'), ' ',
		error instanceof ApiError ? error.detail : (error.message || String(error)));
}

function header(overview) {
	fill($('node'), el('span', { class: 'muted' }, 'node '), el('strong', {}, overview.node));
	const user = $('user');
	if (overview.user) {
		fill(user, el('span', { class: 'muted' }, 'signed in as '), el('strong', { id: 'user-name' }, overview.user));
		$('sign-out').hidden = false;
	} else {
		fill(user, el('span', { class: 'muted' }, 'not signed in'));
		$('sign-out').hidden = true;
	}
	const actions = overview.actions || {};
	const mode = $('actions-mode');
	mode.className = 'chip ' + (!actions.allowed ? 'off' : actions.permitted ? 'on' : 'refused');
	mode.textContent = !actions.allowed ? 'read-only' : actions.permitted ? 'actions allowed' : 'actions refused';
	mode.title = actions.refusal || (actions.permitted ? 'you may terminate processes' : '');
	const health = overview.health;
	const badge = $('health');
	if (health) {
		badge.hidden = false;
		badge.className = 'chip ' + (health.up ? 'up' : 'down');
		badge.textContent = health.up ? 'UP' : 'DOWN';
		badge.title = health.error || '';
	}
}

/** The connection state in the header: live, or why the last refresh failed. */
function connection(error) {
	const status = $('conn');
	if (!error) {
		status.className = 'conn ok';
		status.textContent = 'live';
		status.title = 'refreshed ' + new Date().toLocaleTimeString('en-GB');
		return;
	}
	status.className = 'conn error';
	if (error instanceof ApiError && error.signedOut) {
		fill(status, 'signed out · ', el('a', { href: new URL('login', BASE).href }, 'sign in'));
	} else {
		status.textContent = error.message || String(error);
	}
}

function shell() {
	const tabs = $('tabs');
	for (const [name, view] of Object.entries(VIEWS)) {
		tabs.append(el('a', { href: name, 'data-nav': '', 'data-view': name }, view.title));
	}
	// links inside the console change the address without a reload; new tabs and windows as usual
	document.addEventListener('click', (event) => {
		const link = event.target.closest('a[data-nav]');
		if (!link || event.defaultPrevented || event.button !== 0
				|| event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
			return;
		}
		const url = new URL(link.href);
		if (url.origin !== location.origin || !url.pathname.startsWith(BASE.pathname)) {
			return;
		}
		event.preventDefault();
		if (url.href !== location.href) {
			history.pushState(null, '', url);
			route();
		}
	});
	window.addEventListener('popstate', route);
	document.addEventListener('visibilitychange', () => {
		if (!document.hidden) {
			tick();
		}
	});
	window.addEventListener('pagehide', () => {
		ctx.feed.stop();
		clearTimeout(timer);
	});
	window.addEventListener('pageshow', (event) => {
		if (event.persisted) { // back from the back-forward cache: listen and refresh again
			ctx.feed.connect();
			tick();
		}
	});
	$('sign-out').addEventListener('click', signOut);
	ctx.outcomes = new Outcomes($('outcomes'));
	ctx.feed = new EventFeed();
	ctx.actions = new Actions(ctx, $('confirm'));
	ctx.drawer = new Drawer(ctx, $('drawer'));
	ctx.feed.onStatus((state) => {
		const badge = $('feed');
		badge.className = 'chip ' + state;
		badge.textContent = state === 'open' ? 'feed live' : state === 'connecting' ? 'feed connecting' : 'feed off';
	});
	ctx.feed.start();
}

shell();
route();
