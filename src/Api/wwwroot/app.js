// The dashboard: a live view of the orders, fed by the service's event stream through the browser's EventSource.
const orders = new Map();
const tbody = document.getElementById('orders');
const connection = document.getElementById('connection');
const form = document.getElementById('order-form');
const formError = document.getElementById('form-error');
const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
const transitions = { new: ['paid', 'cancelled'], paid: ['shipped', 'cancelled'], shipped: [], cancelled: [] };

function setConnection(state) {
  connection.dataset.state = state;
  connection.textContent = state;
}

function upsert(order, fresh) {
  orders.set(order.id, order);
  render(fresh ? order.id : null);
}

function render(freshId) {
  const sorted = [...orders.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const rows = sorted.map((order) => row(order, order.id === freshId));
  tbody.replaceChildren(...rows);
  document.getElementById('order-count').textContent = String(orders.size);
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text; // never innerHTML: customer names are user input
  return td;
}

function row(order, fresh) {
  const tr = document.createElement('tr');
  tr.dataset.orderId = order.id;
  if (fresh) tr.className = 'fresh';
  tr.append(
    cell(new Date(order.createdAt).toLocaleTimeString()),
    cell(order.customer),
    cell(order.items.map((item) => `${item.quantity} × ${item.sku}`).join(', ')),
    cell(money.format(order.total)),
    cell(order.status));
  const actions = document.createElement('td');
  for (const next of transitions[order.status] ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = `Mark ${next}`;
    button.addEventListener('click', () => changeStatus(order.id, next));
    actions.append(button);
  }
  tr.append(actions);
  return tr;
}

async function loadOrders() {
  const response = await fetch('/api/orders');
  if (!response.ok) return;
  const body = await response.json();
  orders.clear();
  for (const order of body.orders) orders.set(order.id, order);
  render(null);
}

async function changeStatus(id, status) {
  const response = await fetch(`/api/orders/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (!response.ok) formError.textContent = (await response.json()).title ?? 'The change was refused.';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  formError.textContent = '';
  if (!form.reportValidity()) return;
  const data = new FormData(form);
  const note = String(data.get('note') ?? '').trim();
  const body = {
    customer: String(data.get('customer')).trim(),
    items: [{ sku: String(data.get('sku')).trim(), quantity: Number(data.get('quantity')), unitPrice: Number(data.get('unitPrice')) }],
    ...(note ? { note } : {}),
  };
  const response = await fetch('/api/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status === 201) {
    form.elements.customer.value = '';
    return; // the order arrives through the stream, like everyone else's
  }
  const problem = await response.json().catch(() => ({}));
  const messages = problem.errors ? Object.values(problem.errors).flat() : [problem.title ?? 'The order was refused.'];
  formError.textContent = messages.join(' ');
});

function connect() {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => setConnection('live'));
  source.addEventListener('error', () => setConnection(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'));
  source.addEventListener('message', (event) => {
    // The unnamed "connected" message starts every stream: load the list now, so nothing falls between the two.
    if (JSON.parse(event.data).type === 'connected' && orders.size === 0) loadOrders();
  });
  source.addEventListener('new-order', (event) => upsert(JSON.parse(event.data), true));
  source.addEventListener('order-updated', (event) => upsert(JSON.parse(event.data), false));
  source.addEventListener('reset', () => loadOrders());
}

connect();
