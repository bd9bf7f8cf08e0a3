// The donor page: plain fetch calls to the donor API, refreshed every 2 seconds.
(function () {
	'use strict';

	const $ = (id) => document.getElementById(id);
	let lastDonation = null;
	let optionsShown = false;

	function donorId() {
		return $('donor-id').value.trim();
	}

	function api(path) {
		return '/api/donors/' + encodeURIComponent(donorId()) + path;
	}

	function say(text, ok) {
		const message = $('message');
		message.textContent = text;
		message.className = ok ? 'ok' : 'error';
	}

	async function send(method, url, body) {
		const response = await fetch(url, {
			method: method,
			headers: body ? { 'Content-Type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined
		});
		const text = await response.text();
		const json = text ? JSON.parse(text) : null;
		if (!response.ok) {
			throw new Error((json && json.detail) || (response.status + ' ' + response.statusText));
		}
		return { status: response.status, json: json };
	}

	function newKey() {
		return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
			: 'key-' + Date.now() + '-' + Math.random().toString(16).slice(2);
	}

	function duration(iso) {
		const parts = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso || '');
		if (!parts) {
			return iso;
		}
		const text = [[parts[1], 'h'], [parts[2], 'min'], [parts[3], 's']]
			.filter(([value]) => value)
			.map(([value, unit]) => value + ' ' + unit);
		return text.length ? text.join(' ') : iso;
	}

	function money(amount, currency) {
		return Number(amount).toLocaleString() + ' ' + currency;
	}

	function showOptions(options) {
		if (optionsShown) {
			return;
		}
		const select = $('currency');
		Object.keys(options.currencies).forEach((code) => {
			const option = document.createElement('option');
			option.value = code;
			option.textContent = code + ' (at most ' + Number(options.currencies[code]).toLocaleString() + ')';
			option.selected = code === options.defaultCurrency;
			select.appendChild(option);
		});
		optionsShown = true;
	}

	function row(cells, className) {
		const tr = document.createElement('tr');
		cells.forEach((cell, i) => {
			const td = document.createElement('td');
			td.textContent = cell;
			if (i === 2) {
				td.className = cell;
			}
			if (i === 4) {
				td.className = 'id';
			}
			tr.appendChild(td);
		});
		return tr;
	}

	async function refresh() {
		if (!donorId()) {
			return;
		}
		try {
			const donor = (await send('GET', api(''))).json;
			showOptions(donor.options);
			$('session').textContent = donor.session
				? donor.session.pid + ', started ' + new Date(donor.session.startedAt).toLocaleTimeString()
					+ ', ' + donor.session.submissions + ' submission(s), idle timeout ' + duration(donor.session.idleTimeout)
				: 'none (the next donation starts one)';
			const totals = Object.entries(donor.totals).map(([code, sum]) => money(sum, code));
			$('totals').textContent = totals.length ? totals.join(', ') : '—';
			const flows = $('flows');
			flows.replaceChildren(...donor.flows.map((flow) => {
				const li = document.createElement('li');
				li.textContent = flow.metadata.flowId + ' (' + flow.metadata.campaign + ') ' + flow.pid + ': '
					+ flow.updatesReceived + ' update(s)'
					+ (flow.lastUpdate ? ', last ' + money(flow.lastUpdate.amount, flow.lastUpdate.currency) : '');
				return li;
			}));
			const donations = (await send('GET', '/api/donations?donorId=' + encodeURIComponent(donorId()))).json;
			$('donations').replaceChildren(...donations.map((d) => row([
				new Date(d.createdAt).toLocaleTimeString(), money(d.amount, d.currency), d.status,
				d.paymentReference || '', d.id
			])));
			$('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
		}
		catch (error) {
			$('updated').textContent = error.message;
		}
	}

	async function action(work) {
		try {
			say(await work(), true);
		}
		catch (error) {
			say(error.message, false);
		}
		refresh();
	}

	$('session-form').addEventListener('submit', (event) => {
		event.preventDefault();
		action(async () => {
			const result = await send('POST', api('/session'), {});
			return (result.status === 201 ? 'Started session ' : 'Found running session ') + result.json.pid;
		});
	});

	$('end-session').addEventListener('click', () => action(async () => {
		await send('DELETE', api('/session'));
		return 'Session and flows ended';
	}));

	$('start-flow').addEventListener('click', () => action(async () => {
		const flow = (await send('POST', api('/flows'), { campaign: 'ramadan' })).json;
		return 'Flow ' + flow.metadata.flowId + ' runs as ' + flow.pid;
	}));

	async function donate(donation) {
		const result = await send('POST', api('/donations'), donation);
		lastDonation = donation;
		return (result.status === 201 ? 'Recorded ' : 'Already recorded (replay) ') + money(result.json.amount,
			result.json.currency) + ': ' + result.json.status;
	}

	$('donation-form').addEventListener('submit', (event) => {
		event.preventDefault();
		action(() => donate({ amount: $('amount').value, currency: $('currency').value, idempotencyKey: newKey() }));
	});

	$('resubmit').addEventListener('click', () => action(async () => {
		if (!lastDonation) {
			throw new Error('Donate first');
		}
		return donate(lastDonation);
	}));

	$('donor-id').addEventListener('change', refresh);
	refresh();
	setInterval(refresh, 2000);
})();
