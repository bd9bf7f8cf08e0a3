// Installed by ConsoleAtScaleBrowserTests in every document before the page's own scripts run
// (DevTools' Page.addScriptToEvaluateOnNewDocument): it times, on the browser's clock, how long
// a view takes to show its data, and how long each of the page's timed refreshes takes.
// A condition is data, not code (the console's content security policy forbids eval): a list of
// { css, count | min, text } clauses, each holding when the selector finds exactly `count` (or at
// least `min`, default 1) elements and the first one's text matches the regular expression `text`.
(() => {
	if (window.__probe) {
		return;
	}
	performance.setResourceTimingBufferSize(100000);
	const probe = window.__probe = { render: null, refreshes: [] };

	function holds(condition) {
		for (const clause of condition) {
			const found = document.querySelectorAll(clause.css);
			if (clause.count !== undefined ? found.length !== clause.count : found.length < (clause.min ?? 1)) {
				return false;
			}
			if (clause.text && !new RegExp(clause.text).test(found[0].textContent)) {
				return false;
			}
		}
		return true;
	}

	/** Calls back once the frame after now has been drawn. */
	function afterPaint(callback) {
		requestAnimationFrame(() => setTimeout(callback, 0));
	}

	/** Watches for `condition` from `start` on: `dom` when the DOM holds it, `painted` once it is drawn. */
	probe.arm = (condition, start) => {
		const render = probe.render = { start, dom: null, painted: null };
		const check = () => {
			if (render.dom === null && holds(condition)) {
				render.dom = performance.now();
				watcher.disconnect();
				afterPaint(() => render.painted = performance.now());
			}
		};
		const watcher = new MutationObserver(check);
		watcher.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
		check();
	};

	// a deep link's condition comes from the page before it; its clock starts with the navigation
	const pending = sessionStorage.getItem('console-probe');
	if (pending) {
		sessionStorage.removeItem('console-probe');
		probe.arm(JSON.parse(pending), 0);
	}

	// the page counts its refreshes on <body data-refreshes>: each count is a refresh drawn
	new MutationObserver((records) => {
		for (const record of records) {
			if (record.target === document.body) {
				const refresh = { dom: performance.now(), painted: null };
				probe.refreshes.push(refresh);
				afterPaint(() => refresh.painted = performance.now());
			}
		}
	}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-refreshes'] });

	/** The API requests started between two instants, the live stream left out. */
	function requests(from, to) {
		return performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/')
			&& !entry.name.includes('/events/stream') && entry.startTime >= from && entry.startTime < to);
	}

	function sum(entries) {
		return {
			requests: entries.length,
			bytes: entries.reduce((total, entry) => total + entry.decodedBodySize, 0),
			api: entries.length ? Math.max(...entries.map((entry) => entry.responseEnd))
				- Math.min(...entries.map((entry) => entry.startTime)) : 0
		};
	}

	/** The armed render: its time to the DOM and to the screen, and the API requests it waited on. */
	probe.measured = () => {
		const render = probe.render;
		if (!render || render.painted === null) {
			return null;
		}
		const measured = Object.assign({ dom: render.dom - render.start, painted: render.painted - render.start },
			sum(requests(render.start, render.dom)));
		if (render.start === 0) {
			// a deep link: when the document arrived, when its scripts had run, what else it loaded
			const page = performance.getEntriesByType('navigation')[0];
			const assets = performance.getEntriesByType('resource')
				.filter((entry) => !entry.name.includes('/api/') && entry.startTime < render.dom);
			Object.assign(measured, {
				html: page.responseEnd,
				scripts: page.domContentLoadedEventEnd,
				assets: assets.length,
				assetBytes: assets.reduce((total, entry) => total + entry.transferSize, 0)
			});
		}
		return measured;
	};

	/**
	 * The `count` timed refreshes drawn after the armed render: each from its first API request
	 * (a refresh starts with the overview) to its data drawn; null until there are that many.
	 */
	probe.refreshTimes = (count) => {
		const after = probe.render.painted;
		const drawn = probe.refreshes.filter((refresh) => refresh.dom > after && refresh.painted !== null);
		if (drawn.length < count + 1) {
			return null;
		}
		const times = [];
		for (let i = 1; i <= count; i++) {
			const mine = requests(drawn[i - 1].dom, drawn[i].dom);
			const start = Math.min(...mine.map((entry) => entry.startTime));
			times.push(Object.assign({ dom: drawn[i].dom - start, painted: drawn[i].painted - start }, sum(mine)));
		}
		return times;
	};
})();
