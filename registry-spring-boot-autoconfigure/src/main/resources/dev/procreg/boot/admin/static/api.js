// The console's JSON API under <page>/api/: every answer is JSON, every failure a problem detail.

/**
 * Where the console lives, e.g. http://host/ctx/process-admin/: this module is under its assets/,
 * at assets/<fingerprint>/api.js (or assets/api.js).
 */
export const BASE = new URL(import.meta.url.substring(0, import.meta.url.lastIndexOf('/assets/') + 1));

/** The application's root (its context path), where Spring Security's logout is. */
export const APP = new URL('../', BASE);

let csrf = null;

/** The CSRF header and token an action sends (from the overview), or null. */
export function useCsrf(descriptor) {
	csrf = descriptor || null;
}

/** A failed request: its HTTP status and the problem detail's title and detail. */
export class ApiError extends Error {

	constructor(status, title, detail, problem) {
		super(detail || title || ('HTTP ' + status));
		this.status = status;
		this.title = title || ('HTTP ' + status);
		this.detail = detail || '';
		this.problem = problem || {};
	}

	/** Whether the session ended: the server wants a login again. */
	get signedOut() {
		return this.status === 401;
	}

}

export function apiUrl(path) {
	return new URL('api/' + path, BASE);
}

async function failure(response, path) {
	let problem = {};
	const type = response.headers.get('Content-Type') || '';
	if (type.includes('json')) {
		problem = await response.json().catch(() => ({}));
	}
	let detail = problem.detail || problem.error || '';
	if (!detail && response.redirected) {
		detail = 'the server sent the login page: sign in again';
		return new ApiError(401, 'Signed out', detail, problem);
	}
	if (!detail && !type.includes('json')) {
		detail = path + ' answered ' + response.status + ' ' + response.statusText;
	}
	return new ApiError(response.status, problem.title || response.statusText, detail, problem);
}

/** GETs `path` under api/; throws an ApiError for anything but a 2xx JSON answer. */
export async function get(path, params) {
	const url = apiUrl(path);
	for (const [name, value] of Object.entries(params || {})) {
		if (value !== null && value !== undefined && value !== '') {
			url.searchParams.set(name, value);
		}
	}
	const response = await fetch(url, {
		headers: { Accept: 'application/json' },
		credentials: 'same-origin',
		cache: 'no-store'
	});
	const type = response.headers.get('Content-Type') || '';
	if (!response.ok || !type.includes('json')) {
		throw await failure(response, path);
	}
	return response.json();
}

/** POSTs a JSON body to `path` under api/ with the CSRF header; throws an ApiError on failure. */
export async function post(path, body) {
	const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
	if (csrf) {
		headers[csrf.headerName] = csrf.token;
	}
	const response = await fetch(apiUrl(path), {
		method: 'POST',
		headers,
		credentials: 'same-origin',
		body: JSON.stringify(body || {})
	});
	const type = response.headers.get('Content-Type') || '';
	if (!response.ok || !type.includes('json')) {
		throw await failure(response, path);
	}
	return response.json();
}

/** Signs out through Spring Security's logout (a POST with the CSRF token), then shows the login page. */
export async function signOut() {
	const form = document.createElement('form');
	form.method = 'post';
	form.action = new URL('logout', APP).href;
	if (csrf) {
		const token = document.createElement('input');
		token.type = 'hidden';
		token.name = '_csrf';
		token.value = csrf.token;
		form.append(token);
	}
	document.body.append(form);
	form.submit();
}
