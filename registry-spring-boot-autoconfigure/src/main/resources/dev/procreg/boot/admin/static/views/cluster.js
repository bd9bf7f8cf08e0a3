// Cluster: the members as this node sees them, with its connection to each (state, round trip,
// traffic, queued bytes) and the names and group memberships their processes hold, the
// cluster-scoped registries with their entries by node, and the latest node-ups, node-downs,
// merges and name conflicts. A node that is not in a cluster answers 404: the view says so.
import { el, fill, integer, decimal, bytes, clock, figure, plural } from '../dom.js';
import { ApiError, get } from '../api.js';

function roundTrip(micros) {
	if (micros === null || micros === undefined) {
		return '—';
	}
	return micros < 1000 ? integer(micros) + ' µs' : decimal(micros / 1000, 2) + ' ms';
}

function memberRow(member) {
	const c = member.connection;
	const state = member.self ? 'this node' : (c ? c.state.toLowerCase() : 'not connected');
	const cls = member.self ? 'on' : (c && c.state === 'UP') ? 'up' : (c && c.state === 'HANDSHAKING') ? 'connecting' : 'down';
	return el('tr', { 'data-member': member.name },
		el('td', { class: 'mono', title: member.node }, member.name),
		el('td', { class: 'mono' }, member.transportAddress),
		el('td', {}, el('span', { class: 'chip ' + cls }, state), c && c.tls ? el('span', { class: 'muted' }, ' TLS') : null),
		el('td', { class: 'num' }, c ? roundTrip(c.roundTripMicros) : '—'),
		el('td', { class: 'num' }, c ? integer(c.signalsSent) : '—'),
		el('td', { class: 'num' }, c ? integer(c.signalsReceived) : '—'),
		el('td', { class: 'num' }, c ? bytes(c.bytesSent) : '—'),
		el('td', { class: 'num' }, c ? bytes(c.bytesReceived) : '—'),
		el('td', { class: 'num' + (c && c.bytesQueued ? ' warn' : '') }, c ? bytes(c.bytesQueued) : '—'),
		el('td', { class: 'num' + (c && c.signalsDropped ? ' danger' : '') }, c ? integer(c.signalsDropped) : '—'),
		el('td', { class: 'num', 'data-count': 'names' }, integer(member.names)),
		el('td', { class: 'num', 'data-count': 'group-members' }, integer(member.groupMembers)));
}

function byNode(entriesByNode) {
	const nodes = Object.keys(entriesByNode || {});
	return nodes.length ? nodes.map((node) => node + ' ' + integer(entriesByNode[node])).join(' · ') : '—';
}

function eventRow(event) {
	return el('tr', { 'data-kind': event.kind },
		el('td', { class: 'time mono', title: event.at }, clock(event.at)),
		el('td', {}, el('span', { class: 'tag ' + event.kind.toLowerCase() }, event.kind.toLowerCase().replace('_', '-'))),
		el('td', { class: 'mono' }, event.node),
		el('td', { class: 'muted' }, event.detail));
}

export default {
	title: 'Cluster',

	mount(root, ctx) {
		let seq = 0;
		const page = el('div', { class: 'page cluster', id: 'cluster' });
		root.append(page);

		return {
			async refresh() {
				const mine = ++seq;
				let report;
				try {
					report = await get('cluster');
				} catch (error) {
					if (error instanceof ApiError && error.status === 404) {
						fill(page, el('p', { class: 'empty' }, 'this node is not in a cluster '
							+ '(process-registry.cluster.enabled=true with registry-cluster-hazelcast joins one)'));
						return;
					}
					throw error;
				}
				if (mine !== seq) {
					return;
				}
				const counts = report.eventCounts || {};
				const connected = report.members.filter((m) => m.connection && m.connection.state === 'UP').length;
				const conflicts = report.recentEvents.filter((e) => e.kind === 'CONFLICT' || e.kind === 'NODE_DOWN');
				fill(page,
					el('div', { class: 'figures', id: 'cluster-figures' },
						figure('cluster', report.cluster, '', { 'data-figure': 'cluster' }),
						figure('member', report.running ? 'yes' : 'NO', report.running ? 'ok' : 'danger', { 'data-figure': 'running' }),
						figure('members', integer(report.members.length), '', { 'data-figure': 'members' }),
						figure('connected', integer(connected), connected < report.members.length - 1 ? 'danger' : '',
							{ 'data-figure': 'connected' }),
						figure('node-downs', integer(counts.NODE_DOWN), '', { 'data-figure': 'node-downs' }),
						figure('conflicts', integer(counts.CONFLICT), counts.CONFLICT ? 'danger' : '', { 'data-figure': 'conflicts' }),
						figure('codec rejections', integer(report.codecRejections.count),
							report.codecRejections.count ? 'danger' : '', {
								'data-figure': 'rejections', title: report.codecRejections.recentClasses.join(', ') })),
					el('section', { class: 'panel flush' },
						el('div', { class: 'panel-head' }, el('h2', {}, 'Members'),
							el('span', { class: 'muted' }, 'this node: ', el('span', { class: 'mono' }, report.node))),
						el('table', { class: 'grid', id: 'cluster-members' },
							el('thead', {}, el('tr', {}, el('th', {}, 'node'), el('th', {}, 'transport'), el('th', {}, 'connection'),
								el('th', { class: 'num' }, 'round trip'), el('th', { class: 'num' }, 'signals sent'),
								el('th', { class: 'num' }, 'received'), el('th', { class: 'num' }, 'bytes sent'),
								el('th', { class: 'num' }, 'received'), el('th', { class: 'num' }, 'queued'),
								el('th', { class: 'num' }, 'dropped'), el('th', { class: 'num', title: 'entries of cluster-scoped registries' }, 'names'),
								el('th', { class: 'num', title: 'process group memberships, every scope' }, 'group members'))),
							el('tbody', {}, report.members.map(memberRow)))),
					el('div', { class: 'columns' },
						el('section', { class: 'panel' }, el('h2', {}, 'Cluster-scoped registries'),
							report.registries.length ? el('table', { class: 'grid compact', id: 'cluster-registries' },
								el('thead', {}, el('tr', {}, el('th', {}, 'registry'), el('th', { class: 'num' }, 'on this node'),
									el('th', { class: 'num' }, 'all nodes'), el('th', {}, 'by node'))),
								el('tbody', {}, report.registries.map((r) => el('tr', { 'data-registry': r.name },
									el('td', { class: 'mono' }, r.name), el('td', { class: 'num' }, integer(r.localEntries)),
									el('td', { class: 'num' }, integer(r.entries)),
									el('td', { class: 'mono small' }, byNode(r.entriesByNode))))))
								: el('p', { class: 'empty' }, 'no cluster-scoped registry')),
						el('section', { class: 'panel' },
							el('h2', {}, 'Node-downs and conflicts ', el('span', { class: 'muted small' },
								plural(conflicts.length, 'recent event'))),
							el('table', { class: 'grid events compact', id: 'cluster-events' },
								el('tbody', {}, conflicts.length ? conflicts.map(eventRow)
									: el('tr', {}, el('td', { class: 'empty' }, 'none since this node joined')))))),
					el('section', { class: 'panel' }, el('h2', {}, 'All recent cluster events'),
						el('table', { class: 'grid events compact' },
							el('tbody', {}, report.recentEvents.length ? report.recentEvents.map(eventRow)
								: el('tr', {}, el('td', { class: 'empty' }, 'no events yet'))))));
			}
		};
	}
};
