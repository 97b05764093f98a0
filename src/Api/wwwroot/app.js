// The dashboard: a live view of the orders, fed by the service's event stream through the browser's EventSource.
// The stream is opened first and the list is loaded when its "connected" message arrives, both merged by id, so no
// order falls between the two. A stream that resumes after an event id needs no reload: the service replays what
// was missed, or sends a reset when it cannot, and then the list is loaded again.

import { drawChart } from './chart.js';
import { setUpOrderForm } from './form.js';
import { OrderStore, createLoader } from './orders.js';
import { openStream } from './stream.js';
import { OrdersTable, renderCounters } from './view.js';

const $ = (id) => document.getElementById(id);
const connection = $('connection');
const announcer = $('announcer');

const store = new OrderStore();
const table = new OrdersTable($('orders'), $('empty'), changeStatus);

function announce(message) {
  announcer.textContent = message;
}

function render(freshIds = []) {
  const sorted = store.sorted();
  table.render(sorted, freshIds);
  renderCounters(sorted, $('order-count'), $('revenue'));
  drawChart($('chart'), $('chart-summary'), sorted);
}

store.addEventListener('change', (event) => render(event.detail.freshIds));
render();
// The current minute moves on even when no order comes in, and the chart is redrawn at its new size.
const redrawChart = () => drawChart($('chart'), $('chart-summary'), store.sorted());
setInterval(redrawChart, 15_000);
new ResizeObserver(redrawChart).observe($('chart'));

const load = createLoader(store, async () => {
  const response = await fetch('/api/orders', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/orders answered ${response.status}`);
  return (await response.json()).orders ?? [];
});

async function changeStatus(order, next, actions) {
  // aria-disabled rather than disabled: a disabled button drops the keyboard focus of whoever just pressed it.
  if (actions.getAttribute('aria-busy') === 'true') return;
  const buttons = actions.querySelectorAll('button');
  actions.setAttribute('aria-busy', 'true');
  buttons.forEach((button) => button.setAttribute('aria-disabled', 'true'));
  try {
    const response = await fetch(`/api/orders/${encodeURIComponent(order.id)}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ status: next }),
    });
    if (response.ok) {
      store.apply(await response.json(), false);
      announce(`Order of ${order.customer} is now ${next}.`);
      return;
    }
    const problem = await response.json().catch(() => ({}));
    announce(`${problem.title ?? 'The change was refused'}: ${problem.detail ?? `status ${response.status}`}`);
    if (response.status === 409) load(); // someone else changed it first: fetch the current state
  } catch {
    announce('The service could not be reached; the status was not changed.');
  } finally {
    actions.removeAttribute('aria-busy');
    buttons.forEach((button) => button.removeAttribute('aria-disabled'));
  }
}

setUpOrderForm($('order-form'), { onCreated: (order) => store.apply(order, true), announce });

function setConnection(state) {
  if (connection.dataset.state === state) return;
  connection.dataset.state = state;
  connection.textContent = state;
}

openStream('/api/events', {
  onState: setConnection,
  onConnected: (resumed) => { if (!resumed || !store.loaded) load(); },
  onReset: () => load({ replace: true }),
  onOrder: (order, type) => store.apply(order, type === 'new-order'),
});
