// The orders table and the counters. Everything that comes from the service is set with textContent or as an
// attribute value, never parsed as HTML: customer names and notes are whatever someone typed.

import { statuses, transitions } from './orders.js';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const actionLabels = { paid: 'Mark paid', shipped: 'Mark shipped', cancelled: 'Cancel' };

export function formatMoney(amount) {
  return money.format(amount);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function cell(label, ...children) {
  const td = document.createElement('td');
  td.dataset.label = label;
  td.append(...children.filter((child) => child !== ''));
  return td;
}

export class OrdersTable {
  #tbody;
  #onChangeStatus;
  #allowedChanges;
  #rows = new Map(); // id -> { order, tr }

  /**
   * Takes over the (emptied) table body. allowedChanges(order) names the statuses the signed-in user may move the
   * order to, one button each: the service refuses the others anyway, so offering them would only lead to errors.
   */
  constructor(tbody, onChangeStatus, allowedChanges = (order) => transitions[order.status] ?? []) {
    this.#tbody = tbody;
    this.#onChangeStatus = onChangeStatus;
    this.#allowedChanges = allowedChanges;
    tbody.replaceChildren();
  }

  /** Brings the table in line with the sorted orders, touching only rows that changed so focus stays put. */
  render(sorted, freshIds = []) {
    const keep = new Set();
    sorted.forEach((order, index) => {
      keep.add(order.id);
      let entry = this.#rows.get(order.id);
      if (!entry) {
        entry = { order, tr: document.createElement('tr') };
        entry.tr.dataset.orderId = order.id;
        this.#fill(entry.tr, order);
        this.#rows.set(order.id, entry);
      } else if (entry.order !== order) {
        const hadFocus = entry.tr.contains(document.activeElement);
        entry.order = order;
        this.#fill(entry.tr, order);
        if (hadFocus) (entry.tr.querySelector('button') ?? entry.tr.querySelector('.badge')).focus();
      }
      if (freshIds.includes(order.id)) {
        entry.tr.classList.remove('fresh');
        void entry.tr.offsetWidth; // restart the highlight
        entry.tr.classList.add('fresh');
      }
      const at = this.#tbody.children[index];
      if (at !== entry.tr) this.#tbody.insertBefore(entry.tr, at ?? null);
    });

    for (const [id, entry] of this.#rows) {
      if (!keep.has(id)) {
        entry.tr.remove();
        this.#rows.delete(id);
      }
    }
  }

  #fill(tr, order) {
    const created = element('time', time.format(new Date(order.createdAt)));
    created.dateTime = order.createdAt;
    const items = element('ul', undefined, 'items');
    for (const item of order.items ?? []) {
      items.append(element('li', `${item.quantity} × ${item.sku}`));
    }
    const badge = element('span', order.status, 'badge');
    badge.dataset.status = order.status;
    badge.tabIndex = -1;

    const actions = element('div', undefined, 'row-actions');
    for (const next of this.#allowedChanges(order)) {
      const button = element('button', actionLabels[next] ?? next, next === 'cancelled' ? 'secondary danger' : 'secondary');
      button.type = 'button';
      button.dataset.next = next;
      button.setAttribute('aria-label', `${actionLabels[next] ?? next}: order of ${order.customer}`);
      button.addEventListener('click', () => this.#onChangeStatus(order, next, actions));
      actions.append(button);
    }

    tr.replaceChildren(
      cell('Created', created),
      cell('Customer', element('span', order.customer, 'customer')),
      cell('Items', items),
      cell('Note', order.note ?? ''),
      cell('Total', formatMoney(order.total)),
      cell('Status', badge),
      cell('Actions', actions));
    tr.cells[4].className = 'num';
    tr.dataset.status = order.status;
  }
}

/** The counters, from the service's stats over every order the user may see; null shows that they are not known. */
export function renderCounters(stats, { count, revenue, byStatus }) {
  count.textContent = stats ? String(stats.count) : '–';
  revenue.textContent = stats ? formatMoney(Number(stats.revenue)) : '–';
  byStatus.textContent = stats
    ? statuses.map((status) => `${stats.byStatus?.[status] ?? 0} ${status}`).join(' · ')
    : '';
}
