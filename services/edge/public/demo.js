import { startAuthentication, startRegistration } from '/vendor/simplewebauthn/index.js';

const $ = (id) => document.getElementById(id);
let mfaToken = null;

function say(message, isError = false) {
  $('status').textContent = message;
  $('status').className = isError ? 'error' : '';
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error?.message ?? `Request failed (${response.status}).`);
  return data;
}

function formValues(form) {
  return Object.fromEntries(new FormData(form));
}

function item(text, button) {
  const li = document.createElement('li');
  li.textContent = text;
  if (button) li.append(' ', button);
  return li;
}

async function refresh() {
  let me = null;
  try {
    me = await api('GET', '/me');
  } catch {
    me = null;
  }
  $('signed-in').hidden = !me;
  $('signed-out').hidden = Boolean(me);
  $('whoami').textContent = me ? `Signed in as ${me.user.email}.` : 'Not signed in.';
  if (me) await Promise.all([listSessions(), listProjects()]);
}

async function listSessions() {
  const data = await api('GET', '/auth/sessions');
  const sessions = Array.isArray(data) ? data : (data.sessions ?? []);
  $('sessions').replaceChildren(
    ...sessions.map((session) => {
      const id = session.sid ?? session.id;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Revoke';
      button.setAttribute('aria-label', `Revoke session started ${session.createdAt ?? ''}`);
      button.addEventListener('click', () =>
        run(() => api('DELETE', `/auth/sessions/${encodeURIComponent(id)}`), 'Session revoked.'),
      );
      const methods = session.amr?.length ? ` (${session.amr.join(', ')})` : '';
      return item(`${session.userAgent ?? 'unknown device'}, since ${session.createdAt ?? '?'}${methods}`, button);
    }),
  );
}

async function listProjects() {
  const data = await api('GET', '/api/projects');
  const projects = Array.isArray(data) ? data : (data.projects ?? []);
  $('projects').replaceChildren(...projects.map((project) => item(project.name)));
}

async function run(action, message) {
  try {
    await action();
    if (message) say(message);
  } catch (error) {
    say(error.message, true);
  }
  await refresh();
}

function signedIn(result) {
  if (result.mfaRequired) {
    mfaToken = result.mfaToken;
    $('mfa-card').hidden = false;
    $('mfa-code').focus();
    say('Enter the code from your authenticator app.');
    return;
  }
  mfaToken = null;
  $('mfa-card').hidden = true;
  say('Signed in.');
}

$('signup-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(() => api('POST', '/auth/signup', formValues(event.target)), 'Account created. You can sign in now.');
});

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => signedIn(await api('POST', '/auth/login', formValues(event.target))));
});

$('mfa-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => signedIn(await api('POST', '/auth/mfa/totp', { mfaToken, code: formValues(event.target).code })));
});

$('passkey-login').addEventListener('click', () =>
  run(async () => {
    const { flowId, options } = await api('POST', '/auth/passkeys/login/options', {});
    const response = await startAuthentication({ optionsJSON: options });
    signedIn(await api('POST', '/auth/passkeys/login/verify', { flowId, response }));
  }),
);

$('passkey-register').addEventListener('click', () =>
  run(async () => {
    const { flowId, options } = await api('POST', '/auth/passkeys/register/options', {});
    const response = await startRegistration({ optionsJSON: options });
    await api('POST', '/auth/passkeys/register/verify', { flowId, response });
  }, 'Passkey added.'),
);

$('totp-enroll').addEventListener('click', () =>
  run(async () => {
    const { secret, otpauthUrl } = await api('POST', '/auth/totp/enroll', {});
    $('totp-secret').textContent = secret;
    $('totp-uri').textContent = otpauthUrl;
    $('totp-setup').hidden = false;
    $('totp-code').focus();
  }),
);

$('totp-activate-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const { recoveryCodes } = await api('POST', '/auth/totp/activate', formValues(event.target));
    $('totp-setup').hidden = true;
    $('recovery-codes').replaceChildren(...recoveryCodes.map((code) => item(code)));
    $('recovery').hidden = false;
  }, 'Authenticator app activated.');
});

$('project-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(() => api('POST', '/api/projects', formValues(event.target)), 'Project created.');
});

$('revoke-all').addEventListener('click', () => run(() => api('DELETE', '/auth/sessions'), 'Signed out everywhere.'));
$('logout').addEventListener('click', () => run(() => api('POST', '/auth/logout'), 'Signed out.'));

$('forgot-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(
    () => api('POST', '/auth/password/reset/request', formValues(event.target)),
    'If an account has this address, a link to reset its password is on its way.',
  );
});

$('lost-totp-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(
    () => api('POST', '/auth/totp/email-recovery/request', formValues(event.target)),
    'If an account with an authenticator app has this verified address, a removal link is on its way.',
  );
});

$('verify-email-request').addEventListener('click', () =>
  run(() => api('POST', '/auth/email/verify/request', {}), 'A confirmation link is on its way.'),
);

let codeEmail = null;
$('email-code-request-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    codeEmail = formValues(event.target).email;
    await api('POST', '/auth/email-code/request', { email: codeEmail });
    $('email-code-verify-form').hidden = false;
    $('email-code-code').focus();
  }, 'If an account has this verified address, a code is on its way.');
});

$('email-code-verify-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () =>
    signedIn(await api('POST', '/auth/email-code/verify', { email: codeEmail, code: formValues(event.target).code })),
  );
});

// Sign-in by email code is a per-deployment option: its form shows only where it is on.
api('GET', '/auth/email-code')
  .then(() => {
    $('email-code-card').hidden = false;
  })
  .catch(() => {});

/** The page a mailed link opened: its token, taken out of the address bar (and history) at once. */
const linkToken = new URLSearchParams(location.search).get('token');
const linkPath = location.pathname;
if (linkToken) history.replaceState(null, '', '/');

function showLinkCard(id) {
  $('from-link').hidden = false;
  $(id).hidden = false;
}

if (linkToken && linkPath === '/verify-email') {
  run(() => api('POST', '/auth/email/verify', { token: linkToken }), 'Your email address is confirmed.');
} else if (linkToken && linkPath === '/sign-in-by-email') {
  run(async () => signedIn(await api('POST', '/auth/email-code/verify', { token: linkToken })));
} else if (linkToken && linkPath === '/reset-password') {
  showLinkCard('reset-password-card');
  $('reset-password-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(async () => {
      await api('POST', '/auth/password/reset', { token: linkToken, password: formValues(event.target).password });
      $('from-link').hidden = true;
    }, 'Your password was changed. You can sign in with it now.');
  });
} else if (linkToken && linkPath === '/recover-totp') {
  showLinkCard('recover-totp-card');
  $('recover-totp-confirm').addEventListener('click', () =>
    run(async () => {
      await api('POST', '/auth/totp/email-recovery/confirm', { token: linkToken });
      $('from-link').hidden = true;
    }, 'The authenticator app was removed. Sign in with your password.'),
  );
  $('recover-totp-cancel').addEventListener('click', () =>
    run(async () => {
      await api('POST', '/auth/totp/email-recovery/cancel', { token: linkToken });
      $('from-link').hidden = true;
    }, 'The request was cancelled. Change your password if you did not make it.'),
  );
}

api('GET', '/auth/oidc/providers')
  .then(({ providers }) => {
    $('oidc-providers').replaceChildren(
      ...providers.map((name) => {
        const link = document.createElement('a');
        link.href = `/auth/oidc/${encodeURIComponent(name)}/start`;
        link.textContent = `Sign in with ${name}`;
        return link;
      }),
    );
  })
  .catch(() => {});

// An OIDC sign-in for a user with TOTP comes back with its mfaToken in the fragment (never sent to a server).
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.has('mfa_token')) {
  history.replaceState(null, '', location.pathname);
  signedIn({ mfaRequired: true, mfaToken: fragment.get('mfa_token') });
}

refresh();
