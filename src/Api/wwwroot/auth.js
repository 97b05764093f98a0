// Signing in and out with ASP.NET Core Identity's cookie. The cookie is HttpOnly, so the page never sees it: it asks
// the service who is signed in (GET /api/auth/me) and treats a 401 from any request as the end of the session.

const json = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** The signed-in user ({ email, userId, isStaff }), or null when nobody is; throws when the service is unreachable. */
export async function whoIsSignedIn() {
  const response = await fetch('/api/auth/me', { headers: { Accept: 'application/json' } });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`GET /api/auth/me answered ${response.status}`);
  return response.json();
}

/** The address the form starts with: the demo staff's, which the service tells only while developing. */
export async function demoEmail() {
  try {
    const response = await fetch('/api/auth/demo', { headers: { Accept: 'application/json' } });
    return response.ok ? ((await response.json()).email ?? '') : '';
  } catch {
    return '';
  }
}

export async function signOut() {
  await fetch('/api/auth/logout', { method: 'POST', headers: { Accept: 'application/json' } });
}

async function problemOf(response) {
  return response.json().catch(() => ({}));
}

/** Identity's validation messages ({ PasswordTooShort: [...], DuplicateUserName: [...] }) as one sentence each. */
function messages(problem) {
  return Object.values(problem.errors ?? {}).flat().join(' ');
}

export function setUpSignInForm(form, { onSignedIn }) {
  const email = form.elements.email;
  const password = form.elements.password;
  const register = form.querySelector('#register');
  const buttons = form.querySelectorAll('button');

  function show(errors) {
    for (const name of ['email', 'password', 'sign-in']) {
      form.querySelector(`[data-error-for="${name}"]`).textContent = errors[name] ?? '';
      const input = form.elements[name];
      if (input instanceof HTMLInputElement) {
        if (errors[name]) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    }
  }

  function check() {
    const errors = {};
    if (!email.value.trim()) errors.email = 'Enter your email.';
    else if (email.validity.typeMismatch) errors.email = 'Enter an email address.';
    if (!password.value) errors.password = 'Enter your password.';
    show(errors);
    if (errors.email) email.focus();
    else if (errors.password) password.focus();
    return Object.keys(errors).length === 0;
  }

  async function busy(work) {
    // aria-disabled rather than disabled, which would drop the focus of whoever pressed the button.
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    buttons.forEach((button) => button.setAttribute('aria-disabled', 'true'));
    try {
      await work();
    } catch {
      show({ 'sign-in': 'The service could not be reached. Try again in a moment.' });
    } finally {
      form.removeAttribute('aria-busy');
      buttons.forEach((button) => button.removeAttribute('aria-disabled'));
    }
  }

  const credentials = () => JSON.stringify({ email: email.value.trim(), password: password.value });

  async function signIn() {
    const response = await fetch('/api/auth/login?useCookies=true', { method: 'POST', headers: json, body: credentials() });
    if (!response.ok) {
      show({ 'sign-in': response.status === 401 ? 'That email and password do not match an account.' : `Signing in failed (${response.status}).` });
      password.focus();
      return;
    }
    const user = await whoIsSignedIn();
    if (!user) {
      show({ 'sign-in': 'The browser did not keep the sign-in cookie; allow cookies for this site.' });
      return;
    }
    password.value = '';
    show({});
    onSignedIn(user);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (check()) busy(signIn);
  });

  register.addEventListener('click', () => {
    if (!check()) return;
    busy(async () => {
      const response = await fetch('/api/auth/register', { method: 'POST', headers: json, body: credentials() });
      if (!response.ok) {
        const problem = await problemOf(response);
        show({ 'sign-in': messages(problem) || problem.title || `Creating the account failed (${response.status}).` });
        return;
      }
      await signIn();
    });
  });

  return {
    /** Shows the form, empty but for the given address, with a notice (why it is shown) when there is one. */
    reset(address) {
      show({});
      password.value = '';
      if (address !== undefined) email.value = address;
    },
  };
}
