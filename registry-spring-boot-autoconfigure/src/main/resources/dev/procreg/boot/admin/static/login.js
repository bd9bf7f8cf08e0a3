// The login page: says why it is shown (a wrong password, a sign-out, too many attempts) and
// submits in place, so that a refusal (429 after too many failures) is shown here, not as JSON.
const form = document.getElementById('login-form');
const message = document.getElementById('login-message');
const button = document.getElementById('sign-in');

function say(text, kind) {
	message.textContent = text;
	message.className = 'login-message ' + (kind || 'error');
	message.hidden = !text;
}

const query = new URLSearchParams(location.search);
if (query.has('error')) {
	say('Wrong user name or password.');
} else if (query.has('logout')) {
	say('You signed out.', 'ok');
} else if (query.has('expired')) {
	say('Your session ended: sign in again.', 'ok');
}

form.addEventListener('submit', async (event) => {
	if (!window.fetch || !window.URLSearchParams) {
		return; // the plain form post works too
	}
	event.preventDefault();
	button.disabled = true;
	say('');
	try {
		const response = await fetch(form.action, {
			method: 'POST',
			body: new URLSearchParams(new FormData(form)),
			credentials: 'same-origin',
			headers: { Accept: 'text/html' }
		});
		const type = response.headers.get('Content-Type') || '';
		if (type.includes('json')) {
			const problem = await response.json().catch(() => ({}));
			say(problem.detail || problem.title || ('The server answered ' + response.status + '.'));
			return;
		}
		const landed = new URL(response.url);
		if (landed.pathname === new URL(form.action).pathname && landed.searchParams.has('error')) {
			say('Wrong user name or password.');
			// the form came back with a fresh token: use it for the next try
			const page = new DOMParser().parseFromString(await response.text(), 'text/html');
			const fresh = page.querySelector('#login-form input[type=hidden]');
			const mine = form.querySelector('input[type=hidden]');
			if (fresh && mine) {
				mine.value = fresh.value;
			}
			document.getElementById('password').select();
			return;
		}
		if (!response.ok) {
			say('The server answered ' + response.status + '.');
			return;
		}
		location.assign(response.url);
	} catch (error) {
		say('Could not reach the server: ' + error.message);
	} finally {
		button.disabled = false;
	}
});
