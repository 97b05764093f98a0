// The dashboard: a live view of the orders, fed by the service's event stream through the browser's EventSource.
// The stream is opened first and the list is loaded when its "connected" message arrives, both merged by id, so no
// order falls between the two. A stream that resumes after an event id needs no reload: the service replays what
// was missed, or sends a reset when it cannot, and then the list is loaded again.
//
// It shows only to a signed-in user (the sign-in cookie, which the EventSource sends too). A 401 from any request, the
// stream's included, means the session has ended: the stream is closed and the sign-in form comes back.

import { demoEmail, setUpSignInForm, signOut, whoIsSignedIn } from './auth.js';
import { drawChart } from './chart.js';
import { setUpOrderForm } from './form.js';
import { OrderStore, changesFor, createLoader, isShownTo } from './orders.js';
import { openStream } from './stream.js';
import { OrdersTable, renderCounters } from './view.js';

const $ = (id) => document.getElementById(id);
const connection = $('connection');
const announcer = $('announcer');

/** What belongs to one signed-in user: their copy of the orders, its table, its stream. Null while signed out. */
let current = null;

function announce(message) {
  announcer.textContent = message;
}

function setConnection(state) {
  if (connection.dataset.state === state) return;
  connection.dataset.state = state;
  connection.textContent = state;
}

/** fetch, except that a 401 ends the session on the page too. */
async function send(url, options) {
  const response = await fetch(url, options);
  if (response.status === 401) endSession('Your session has ended. Sign in again to see the orders.');
  return response;
}

function redrawChart() {
  const orders = current?.store.sorted() ?? [];
  drawChart($('chart'), $('chart-summary'), orders);
}

function startSession(user, { focus = false } = {}) {
  const store = new OrderStore();
  const table = new OrdersTable($('orders'), $('empty'), changeStatus, (order) => changesFor(user, order));
  const render = (freshIds = []) => {
    const sorted = store.sorted();
    table.render(sorted, freshIds);
    renderCounters(sorted, $('order-count'), $('revenue'));
    drawChart($('chart'), $('chart-summary'), sorted);
  };
  store.addEventListener('change', (event) => render(event.detail.freshIds));

  const load = createLoader(store, async () => {
    const response = await send('/api/orders', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET /api/orders answered ${response.status}`);
    return (await response.json()).orders ?? [];
  });

  current = { user, store, load, stream: null };
  render();
  showSignedIn(user);
  if (focus) $('order-form').elements.customer.focus();

  setConnection('connecting');
  current.stream = openStream('/api/events', {
    onState: setConnection,
    onConnected: (resumed) => { if (!resumed || !store.loaded) load(); },
    onReset: () => load({ replace: true }),
    onOrder: (order, type) => { if (isShownTo(user, order)) store.apply(order, type === 'new-order'); },
    onRefused: checkSession,
  });
}

/** Closes the stream and shows the sign-in form, with why when the user did not ask for it. */
function endSession(notice) {
  if (!current) return;
  current.stream?.close();
  current = null;
  // Nothing of the last user's orders stays in the page for the next one to find.
  $('orders').replaceChildren();
  renderCounters([], $('order-count'), $('revenue'));
  redrawChart();
  setConnection('signed out');
  showSignIn(notice);
}

async function checkSession() {
  const session = current;
  try {
    if (session && current === session && (await whoIsSignedIn()) === null && current === session) {
      endSession('Your session has ended. Sign in again to see the orders.');
    }
  } catch {
    // The service is unreachable: the stream keeps trying, and says so.
  }
}

async function changeStatus(order, next, actions) {
  // aria-disabled rather than disabled: a disabled button drops the keyboard focus of whoever just pressed it.
  if (actions.getAttribute('aria-busy') === 'true') return;
  const session = current;
  const buttons = actions.querySelectorAll('button');
  actions.setAttribute('aria-busy', 'true');
  buttons.forEach((button) => button.setAttribute('aria-disabled', 'true'));
  try {
    const response = await send(`/api/orders/${encodeURIComponent(order.id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ status: next }),
    });
    if (response.status === 401 || session !== current) return;
    if (response.ok) {
      session.store.apply(await response.json(), false);
      announce(`Order of ${order.customer} is now ${next}.`);
      return;
    }
    const problem = await response.json().catch(() => ({}));
    announce(`${problem.title ?? 'The change was refused'}: ${problem.detail ?? `status ${response.status}`}`);
    if (response.status === 409) session.load(); // someone else changed it first: fetch the current state
  } catch {
    announce('The service could not be reached; the status was not changed.');
  } finally {
    actions.removeAttribute('aria-busy');
    buttons.forEach((button) => button.removeAttribute('aria-disabled'));
  }
}

const signIn = setUpSignInForm($('sign-in-form'), { onSignedIn: (user) => startSession(user, { focus: true }) });

function showSignedIn(user) {
  $('who-email').textContent = user.email;
  $('who-role').textContent = user.isStaff ? '(staff)' : '(customer)';
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('dashboard').hidden = false;
}

function showSignIn(notice = '') {
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('dashboard').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-notice').textContent = notice;
  signIn.reset();
  const email = $('sign-in-form').elements.email;
  (email.value ? $('sign-in-form').elements.password : email).focus();
}

$('sign-out').addEventListener('click', async () => {
  try {
    await signOut();
  } catch {
    // Signed out on this page all the same; the cookie ends with its session.
  }
  endSession('You have signed out.');
});

setUpOrderForm($('order-form'), {
  onCreated: (order) => current?.store.apply(order, true),
  announce,
  send,
});

// The current minute moves on even when no order comes in, and the chart is redrawn at its new size.
setInterval(redrawChart, 15_000);
new ResizeObserver(redrawChart).observe($('chart'));

async function start() {
  let user = null;
  try {
    user = await whoIsSignedIn();
  } catch {
    setConnection('offline');
    setTimeout(start, 3000); // the service is not reachable yet
    return;
  }
  if (user) {
    startSession(user);
    return;
  }
  setConnection('signed out');
  signIn.reset(await demoEmail());
  showSignIn();
}

start();
