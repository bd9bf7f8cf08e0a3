// Time series charts with uPlot (loaded from its WebJar as the global `uPlot`), fed from the
// server's history ring (GET history): the history is there when the page opens, and each
// refresh appends only the samples newer than the last one shown.
import { el } from './dom.js';
import { get } from './api.js';

/** The series of GET history the overview charts, each with its chart's title and colour. */
export const SERIES = [
	{ key: 'processes', title: 'Processes', color: '#4f46e5' },
	{ key: 'messagesPerSecond', title: 'Messages / s', color: '#0891b2' },
	{ key: 'registrationsPerSecond', title: 'Registrations / s', color: '#16a34a',
		also: { key: 'unregistrationsPerSecond', title: 'Unregistrations / s', color: '#ea580c', cls: 'second' } },
	{ key: 'restartsPerSecond', title: 'Restarts / s', color: '#dc2626' },
	{ key: 'longestMailbox', title: 'Longest mailbox', color: '#9333ea' }
];

export class History {

	constructor() {
		this.data = null;
		this.capacity = 600;
	}

	/** Loads the whole history, or the samples since the last one held. */
	async load() {
		const last = this.data && this.data.time.length ? this.data.time[this.data.time.length - 1] : null;
		const answer = await get('history', last !== null ? { since: Math.round(last * 1000) } : null);
		this.capacity = answer.capacity || this.capacity;
		if (!this.data || last === null) {
			this.data = answer;
			return true;
		}
		if (!answer.time || !answer.time.length) {
			return false;
		}
		for (const name of Object.keys(this.data)) {
			if (Array.isArray(this.data[name]) && Array.isArray(answer[name])) {
				this.data[name].push(...answer[name]);
				const extra = this.data[name].length - this.capacity;
				if (extra > 0) {
					this.data[name].splice(0, extra);
				}
			}
		}
		return true;
	}

}

/** A small uPlot line chart of one or two series of a History, sized to its box. */
export class Chart {

	constructor(spec) {
		this.spec = spec;
		this.value = el('span', { class: 'chart-value' }, '—');
		this.box = el('div', { class: 'chart-box' });
		this.root = el('section', { class: 'chart panel', 'data-series': spec.key },
			el('header', {}, el('h3', {}, spec.title, spec.also
				? [' ', el('span', { class: 'legend ' + spec.also.cls }, '/ ' + spec.also.title)] : null),
			this.value),
			this.box);
		this.plot = null;
		this.resizer = new ResizeObserver(() => this.resize());
		this.resizer.observe(this.box);
	}

	columns(data) {
		const columns = [data.time, data[this.spec.key] || []];
		if (this.spec.also) {
			columns.push(data[this.spec.also.key] || []);
		}
		return columns;
	}

	update(data) {
		if (!data || !window.uPlot) {
			return;
		}
		const columns = this.columns(data);
		const values = columns[1];
		this.value.textContent = values.length ? format(values[values.length - 1]) : '—';
		if (!this.plot) {
			this.plot = new window.uPlot(this.options(), columns, this.box);
			this.box.dataset.ready = 'true';
		} else {
			this.plot.setData(columns);
		}
	}

	options() {
		const series = [{}, { label: this.spec.title, stroke: this.spec.color, fill: this.spec.color + '22', width: 1.5,
			points: { show: false }, value: (u, v) => format(v) }];
		if (this.spec.also) {
			series.push({ label: this.spec.also.title, stroke: this.spec.also.color, width: 1.5,
				points: { show: false }, value: (u, v) => format(v) });
		}
		const axis = { stroke: '#667085', grid: { stroke: '#eef0f4', width: 1 }, ticks: { stroke: '#e3e6eb', width: 1 },
			font: '11px system-ui, sans-serif' };
		return {
			width: Math.max(200, this.box.clientWidth),
			height: 120,
			legend: { show: false },
			cursor: { drag: { x: false, y: false } },
			scales: { y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
			axes: [Object.assign({}, axis), Object.assign({ size: 44, values: (u, ticks) => ticks.map(compact) }, axis)],
			series
		};
	}

	resize() {
		if (this.plot && this.box.clientWidth) {
			this.plot.setSize({ width: this.box.clientWidth, height: 120 });
		}
	}

	destroy() {
		this.resizer.disconnect();
		if (this.plot) {
			this.plot.destroy();
		}
	}

}

function format(value) {
	if (value === null || value === undefined) {
		return '—';
	}
	return Number(value).toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : 0 });
}

function compact(value) {
	if (Math.abs(value) >= 1e6) return (value / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
	if (Math.abs(value) >= 1e3) return (value / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
	return String(Math.round(value * 100) / 100);
}
