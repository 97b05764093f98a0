// The dashboard: a live view of the orders, fed by the service's event stream. The browser holds one stream for all
// its tabs (stream-hub.js); this tab subscribes to it first and loads its list when the stream has started, both
// merged by id, so no order falls between the two. A stream that resumes after an event id needs no reload: the
// service replays what was missed, or sends a reset, and then the page catches up from the point the reset names.
//
// It shows only to a signed-in user (the sign-in cookie, which the stream's requests send too). A 401 from any
// request, the stream's included, means the session has ended: the stream ends in every tab and the sign-in form
// comes back. What fails to load, and every change the service refuses, is shown on the page with the service's
// own words, and announced.

import { demoEmail, setUpSignInForm, signOut, whoIsSignedIn } from './auth.js';
import { drawChart } from './chart.js';
import { setUpOrderForm } from './form.js';
import { OrderStore, changesFor, debounced, folded, isShownTo } from './orders.js';
import { connectStream } from './stream-hub.js';
import { OrdersTable, renderCounters } from './view.js';

const $ = (id) => document.getElementById(id);
const connection = $('connection');
const announcer = $('announcer');
const counters = { count: $('order-count'), revenue: $('revenue'), byStatus: $('by-status') };
const allOrdersEmpty = $('empty').textContent;

/** What belongs to one signed-in user: their copy of the orders, its table, the stream. Null while signed out. */
let current = null;

function announce(message) {
  announcer.textContent = message;
}

function setConnection(state) {
  if (connection.dataset.state === state) return;
  connection.dataset.state = state;
  connection.textContent = state;
}

/** The stream's state as this tab shows it: a tab without network is offline, whatever the stream last said. */
function showConnection() {
  if (current) setConnection(navigator.onLine === false ? 'offline' : current.streamState);
}

/** An answer the service refused, with its problem details' title and detail. */
class ProblemError extends Error {
  constructor(status, problem) {
    const words = [problem.title, problem.detail].filter((text) => typeof text === 'string' && text !== '');
    super(words.length > 0 ? words.join(': ') : `The service answered ${status}.`);
    this.status = status;
  }
}

/** fetch, except that a 401 ends the session on the page too. */
async function send(url, options) {
  const response = await fetch(url, options);
  if (response.status === 401) endSession('Your session has ended. Sign in again to see the orders.');
  return response;
}

/** GETs JSON; a refusal throws a ProblemError, an unreachable service a TypeError. */
async function getJson(url) {
  const response = await send(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new ProblemError(response.status, await response.json().catch(() => ({})));
  return response.json();
}

function reasonOf(error) {
  return error instanceof ProblemError ? error.message : 'The service could not be reached.';
}

function listUrl(parameters) {
  const query = new URLSearchParams(Object.entries(parameters).filter(([, value]) => value));
  const text = query.toString();
  return text ? `/api/orders?${text}` : '/api/orders';
}

const pageOf = (answer) => ({ orders: answer?.orders ?? [], next: answer?.next ?? null });

/** The problems the page has now (a failed load, failed counters), each shown until what failed works again. */
function showProblems(problems) {
  $('load-error-text').textContent = [...problems.values()].join(' ');
  $('load-error').hidden = problems.size === 0;
}

function redrawChart() {
  drawChart($('chart'), $('chart-summary'), current?.stats?.perMinute ?? []);
}

function startSession(user, { focus = false } = {}) {
  const store = new OrderStore();
  const table = new OrdersTable($('orders'), changeStatus, (order) => changesFor(user, order));
  const problems = new Map();
  const session = { user, store, hub: null, stats: null, streamState: 'connecting', problems };
  current = session;
  $('status-filter').value = '';

  const live = () => current === session;
  const problem = (key, text) => {
    if (!live()) return;
    if (text) problems.set(key, text);
    else problems.delete(key);
    showProblems(problems);
  };

  const render = (freshIds = []) => {
    const sorted = store.sorted();
    table.render(sorted, freshIds);
    // "No orders" only when the list did load: a failed load says so in the banner instead.
    $('empty').hidden = !store.loaded || sorted.length > 0;
    $('empty').textContent = store.filter ? `No ${store.filter} orders.` : allOrdersEmpty;
    $('load-older').hidden = !store.loaded || store.next === null;
    // Says when the list has loaded at least once, for whoever watches the page (the browser tests).
    document.documentElement.dataset.ordersLoaded = String(store.loaded);
  };
  store.addEventListener('change', (event) => render(event.detail.freshIds));

  session.loadFirstPage = folded(async () => {
    if (!live()) return;
    const generation = store.generation;
    store.beginLoad();
    try {
      const answer = await getJson(listUrl({ status: store.filter }));
      if (!live() || store.generation !== generation) {
        store.abortLoad();
        return;
      }
      store.finishFirstPage(pageOf(answer));
      problem('orders', '');
    } catch (error) {
      store.abortLoad();
      problem('orders', `The orders could not be loaded. ${reasonOf(error)}`);
      render();
    }
  });

  session.loadOlder = async () => {
    const button = $('load-older');
    const cursor = store.next;
    if (!cursor || button.getAttribute('aria-disabled') === 'true') return;
    const generation = store.generation;
    button.setAttribute('aria-disabled', 'true');
    try {
      const answer = await getJson(listUrl({ status: store.filter, after: cursor }));
      if (!live() || store.generation !== generation || store.next !== cursor) return;
      const page = pageOf(answer);
      store.addOlderPage(page);
      problem('older', '');
      announce(`${page.orders.length} older order${page.orders.length === 1 ? '' : 's'} loaded.`);
    } catch (error) {
      problem('older', `Older orders could not be loaded. ${reasonOf(error)}`);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  };

  // After a reset: every order changed since the point the service names, walking the pages; the filter is the
  // page's, not the query's, so an order that left the filtered status leaves the list too.
  const catchUp = async (changedSince) => {
    const generation = store.generation;
    try {
      let after = null;
      do {
        const page = pageOf(await getJson(listUrl({ changedSince, after, limit: 200 })));
        if (!live() || store.generation !== generation) return;
        store.addChanges(page.orders);
        after = page.next;
      } while (after);
      problem('orders', '');
    } catch (error) {
      if (!live() || store.generation !== generation) return;
      // Without the changes the page would show a stale list: it starts again from the first page, now or, if that
      // fails too, when the stream next starts.
      problem('orders', `The changes missed while disconnected could not be loaded. ${reasonOf(error)}`);
      store.clear();
      session.loadFirstPage();
    }
  };

  const statsNow = folded(async () => {
    if (!live()) return;
    try {
      const stats = await getJson('/api/orders/stats');
      if (!live()) return;
      session.stats = stats;
      renderCounters(stats, counters);
      redrawChart();
      problem('stats', '');
    } catch (error) {
      problem('stats', `The counters could not be loaded. ${reasonOf(error)}`);
    }
  });
  session.refreshStats = debounced(statsNow, 250);
  session.statsNow = statsNow;

  render();
  renderCounters(null, counters);
  redrawChart();
  showProblems(problems);
  showSignedIn(user);
  if (focus) $('order-form').elements.customer.focus();

  setConnection('connecting');
  session.hub = connectStream({
    onState(state) {
      session.streamState = state;
      if (live()) showConnection();
    },
    onConnected(resumed) {
      if (!live()) return;
      if (!resumed || !store.loaded) {
        session.loadFirstPage();
        statsNow();
      } else {
        session.refreshStats();
      }
    },
    onReset(data) {
      if (!live()) return;
      statsNow();
      if (data?.changedSince && store.loaded) {
        catchUp(data.changedSince);
      } else {
        store.clear();
        session.loadFirstPage();
      }
    },
    onOrder(order, type) {
      if (!live()) return;
      if (isShownTo(user, order)) store.apply(order, type === 'new-order');
      session.refreshStats();
    },
    onRefused: checkSession,
    onEnded: (notice) => endSession(notice, { here: true }),
  });
  document.documentElement.dataset.streamMode = session.hub.mode;
}

/**
 * Ends the session on the page and shows the sign-in form, with why when the user did not ask for it. The other tabs
 * share the cookie, so the stream ends for all of them too, unless the end came from one of them (`here`).
 */
function endSession(notice, { here = false } = {}) {
  if (!current) return;
  const session = current;
  current = null;
  if (!here) session.hub?.end(notice);
  // Nothing of the last user's orders stays in the page for the next one to find.
  $('orders').replaceChildren();
  $('empty').hidden = true;
  $('load-older').hidden = true;
  $('change-error').textContent = '';
  showProblems(new Map());
  renderCounters(null, counters);
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

function showRefusal(message) {
  $('change-error').textContent = message;
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
      showRefusal('');
      announce(`Order of ${order.customer} is now ${next}.`);
      session.refreshStats();
      return;
    }
    const refusal = new ProblemError(response.status, await response.json().catch(() => ({})));
    showRefusal(`The order of ${order.customer} was not changed to ${next}. ${refusal.message}`);
    // Someone else changed it first: show its current state.
    if (response.status === 409 || response.status === 412) refreshOrder(session, order.id);
  } catch {
    if (session === current) showRefusal(`The order of ${order.customer} was not changed: the service could not be reached.`);
  } finally {
    actions.removeAttribute('aria-busy');
    buttons.forEach((button) => button.removeAttribute('aria-disabled'));
  }
}

async function refreshOrder(session, id) {
  try {
    const order = await getJson(`/api/orders/${encodeURIComponent(id)}`);
    if (session === current) session.store.apply(order, false);
  } catch {
    // The stream brings the change anyway.
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

$('status-filter').addEventListener('change', (event) => {
  if (!current) return;
  current.store.setFilter(event.target.value);
  current.loadFirstPage();
});

$('load-older').addEventListener('click', () => current?.loadOlder());

$('retry').addEventListener('click', () => {
  if (!current) return;
  if (current.problems.has('orders')) current.loadFirstPage();
  if (current.problems.has('older')) current.loadOlder();
  current.statsNow();
});

setUpOrderForm($('order-form'), {
  onCreated: (order) => {
    current?.store.apply(order, true);
    current?.refreshStats();
  },
  announce,
  send,
});

window.addEventListener('offline', showConnection);
window.addEventListener('online', () => {
  showConnection();
  current?.hub?.online();
});
// A closing tab leaves the browser's stream to the others; one restored from the back-forward cache starts afresh.
window.addEventListener('pagehide', () => current?.hub?.leave());
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
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
