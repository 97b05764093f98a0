// The page's copy of the orders, fed from sources that can overtake each other: pages of the list
// (GET /api/orders), catch-up loads after a reset (?changedSince=) and the event stream. Merging by id, and never
// letting an older status replace a newer one, makes the order in which they arrive irrelevant.
//
// The list is shown a page at a time, newest first by id (ids are time-ordered). While older pages remain, the page
// shows only orders at or after the oldest one it has loaded: a change to an older order waits for "Load older",
// which brings it in its current state. A status filter applies to the list and to what the stream brings alike.

// Status only moves forward (new -> paid -> shipped, new|paid -> cancelled), so its rank tells which copy is newer.
const rank = { new: 0, paid: 1, shipped: 2, cancelled: 2 };

export const statuses = ['new', 'paid', 'shipped', 'cancelled'];

export const transitions = { new: ['paid', 'cancelled'], paid: ['shipped', 'cancelled'], shipped: [], cancelled: [] };

/**
 * Whether the page shows the order to the user. The service already sends a customer only their own orders; the page
 * holds to the same rule, so an event it should not have had is never put on screen.
 */
export function isShownTo(user, order) {
  return user.isStaff || order.customerId === user.userId;
}

/** What the user may do to an order: staff every allowed change, a customer only cancel their own new order. */
export function changesFor(user, order) {
  if (user.isStaff) return transitions[order.status] ?? [];
  return order.status === 'new' && order.customerId === user.userId ? ['cancelled'] : [];
}

function isNewer(current, incoming) {
  if (current === undefined) return true;
  const byRank = (rank[incoming.status] ?? 0) - (rank[current.status] ?? 0);
  if (byRank !== 0) return byRank > 0;
  return typeof incoming.updatedAt === 'string' && typeof current.updatedAt === 'string' && incoming.updatedAt > current.updatedAt;
}

const newestFirst = (a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class OrderStore extends EventTarget {
  // Every order the page knows, in its newest known state, shown or not (filtered out, or older than the pages).
  #orders = new Map();
  // While a first page is loading: what the stream brought meanwhile, to be laid over the page when it lands.
  #sinceLoadStarted = null;
  // The id of the oldest order loaded while older pages remain; null when the list is complete.
  #oldestLoaded = null;

  /** The status shown, or '' for every status. */
  filter = '';

  /** The cursor of the next (older) page, or null when every page is loaded. */
  next = null;

  /** Whether a first page has loaded since the store was last emptied; until then the stream cannot make it whole. */
  loaded = false;

  /** Grows each time the store is emptied, so an answer to a request made before is not laid over it. */
  generation = 0;

  matches(order) {
    return !this.filter || order.status === this.filter;
  }

  #shown(order) {
    return this.matches(order) && (this.#oldestLoaded === null || order.id >= this.#oldestLoaded);
  }

  /** The orders shown, newest first, as the service lists them. */
  sorted() {
    return [...this.#orders.values()].filter((order) => this.#shown(order)).sort(newestFirst);
  }

  /** Forgets every order (a new filter, a reset without a point to catch up from). */
  clear() {
    this.#orders.clear();
    this.#oldestLoaded = null;
    this.next = null;
    this.loaded = false;
    this.generation += 1;
    this.#changed([]);
  }

  setFilter(status) {
    this.filter = status;
    this.clear();
  }

  /** One order from the stream or from an answer of the service. */
  apply(order, fresh) {
    this.#sinceLoadStarted?.set(order.id, order);
    const wasShown = this.#isShownNow(order.id);
    if (!this.#merge(order)) return;
    if (wasShown || this.#isShownNow(order.id)) this.#changed(fresh ? [order.id] : []);
  }

  beginLoad() {
    this.#sinceLoadStarted = new Map();
  }

  abortLoad() {
    this.#sinceLoadStarted = null;
  }

  /**
   * Lays the first page over what the page has, keeping what arrived while it loaded. The first page of an empty
   * store sets where the shown list ends; later ones (reconnections) do not cut off older pages already loaded.
   */
  finishFirstPage({ orders, next }) {
    const recent = this.#sinceLoadStarted ?? new Map();
    this.#sinceLoadStarted = null;
    if (!this.loaded) this.#setEnd(orders, next);
    this.loaded = true;
    for (const order of orders) this.#merge(order);
    for (const order of recent.values()) this.#merge(order);
    this.#changed([]);
  }

  /** Adds a page of older orders and moves the end of the shown list to its last one. */
  addOlderPage({ orders, next }) {
    for (const order of orders) this.#merge(order);
    this.#setEnd(orders, next);
    this.#changed([]);
  }

  /** Lays what changed while the stream could not tell (a reset's catch-up) over what the page has. */
  addChanges(orders) {
    for (const order of orders) this.#merge(order);
    this.#changed([]);
  }

  #setEnd(orders, next) {
    this.next = next ?? null;
    if (this.next === null) this.#oldestLoaded = null;
    else if (orders.length > 0) this.#oldestLoaded = orders.at(-1).id;
  }

  #isShownNow(id) {
    const order = this.#orders.get(id);
    return order !== undefined && this.#shown(order);
  }

  #merge(order) {
    if (!order || typeof order.id !== 'string') return false;
    if (!isNewer(this.#orders.get(order.id), order)) return false;
    this.#orders.set(order.id, order);
    return true;
  }

  #changed(freshIds) {
    this.dispatchEvent(new CustomEvent('change', { detail: { freshIds } }));
  }
}

/**
 * Runs fn at most once at a time: calls made while it runs are folded into one more run after it, so a burst of
 * reconnects or events costs at most two requests.
 */
export function folded(fn) {
  let running = null;
  let again = false;
  const run = async () => {
    do {
      again = false;
      await fn();
    } while (again);
  };
  return function call() {
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => { running = null; });
    return running;
  };
}

/** Runs fn once, `delay` ms after the last of a burst of calls. */
export function debounced(fn, delay) {
  let timer = 0;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, delay);
  };
}
