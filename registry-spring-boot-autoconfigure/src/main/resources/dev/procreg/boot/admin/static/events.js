// The live event feed: one EventSource on api/events/stream for the whole page, the latest
// events kept in a bounded buffer that views read and subscribe to.
import { apiUrl, get } from './api.js';

/** Event types the server sends, in the order the filters show them. */
export const TYPES = ['registered', 'unregistered', 'exit', 'restart', 'give-up', 'action'];

/** How many events the page keeps (and the events view shows at most). */
export const KEPT = 500;

export class EventFeed {

	constructor() {
		this.events = [];
		this.lastSeq = null;
		this.dropped = 0;
		this.listeners = new Set();
		this.statusListeners = new Set();
		this.state = 'closed';
		this.source = null;
	}

	/** Loads the recent events, then listens to the stream (EventSource reconnects by itself). */
	async start() {
		this.status('connecting');
		try {
			const recent = await get('events', { limit: KEPT });
			this.add(recent.events || []);
			this.lastSeq = recent.lastSeq;
		} catch (error) {
			// the stream alone still works; the buffer then starts empty
		}
		this.connect();
	}

	connect() {
		if (this.source) {
			return;
		}
		const url = apiUrl('events/stream');
		if (this.lastSeq !== null && this.lastSeq !== undefined) {
			url.searchParams.set('after', this.lastSeq);
		}
		const source = new EventSource(url, { withCredentials: true });
		this.source = source;
		source.onopen = () => this.status('open');
		source.onerror = () => this.status(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
		for (const type of TYPES) {
			source.addEventListener(type, (message) => this.receive(message));
		}
		source.addEventListener('dropped', (message) => {
			try {
				this.dropped += JSON.parse(message.data).dropped || 0;
			} catch (error) {
				this.dropped++;
			}
			this.notify([]);
		});
	}

	/**
	 * Closes the stream: when the page is left, so that its connection is not held (a browser
	 * keeps only a few per server, and a page kept for back and forward would keep it open).
	 */
	stop() {
		if (this.source) {
			this.source.close();
			this.source = null;
		}
		this.status('closed');
	}

	receive(message) {
		let event;
		try {
			event = JSON.parse(message.data);
		} catch (error) {
			return;
		}
		if (event.seq !== undefined && this.lastSeq !== null && event.seq <= this.lastSeq) {
			return; // already loaded with the recent events
		}
		this.add([event]);
	}

	add(events) {
		if (!events.length) {
			return;
		}
		for (const event of events) {
			this.events.push(event);
			if (event.seq !== undefined) {
				this.lastSeq = Math.max(this.lastSeq ?? event.seq, event.seq);
			}
		}
		if (this.events.length > KEPT) {
			this.events.splice(0, this.events.length - KEPT);
		}
		this.notify(events);
	}

	notify(events) {
		this.listeners.forEach((listener) => listener(events));
	}

	/** Calls `listener(newEvents)` for each batch; returns what stops it. */
	subscribe(listener) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	onStatus(listener) {
		this.statusListeners.add(listener);
		listener(this.state);
	}

	status(state) {
		this.state = state;
		this.statusListeners.forEach((listener) => listener(state));
	}

}
