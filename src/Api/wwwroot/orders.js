// The page's copy of the orders, fed from two sources that can overtake each other: the list (GET /api/orders) and
// the event stream. Merging by id, and never letting an older status replace a newer one, makes the order in which
// they arrive irrelevant.

// Status only moves forward (new -> paid -> shipped, new|paid -> cancelled), so its rank tells which copy is newer.
const rank = { new: 0, paid: 1, shipped: 2, cancelled: 2 };

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
  return current === undefined || (rank[incoming.status] ?? 0) > (rank[current.status] ?? 0);
}

export class OrderStore extends EventTarget {
  #orders = new Map();
  // While a list is loading: what the stream brought meanwhile, to be laid over the list when it lands.
  #sinceLoadStarted = null;

  /** Whether a list has ever been loaded; until then the stream alone cannot make the page whole. */
  loaded = false;

  get size() { return this.#orders.size; }

  /** Newest first, as the service lists them: by creation time, then by id (time-ordered too). */
  sorted() {
    return [...this.#orders.values()].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : (a.createdAt < b.createdAt ? 1 : -1));
  }

  /** One order from the stream or from an answer of the service. */
  apply(order, fresh) {
    this.#sinceLoadStarted?.set(order.id, order);
    if (this.#merge(order)) this.#changed(fresh ? [order.id] : []);
  }

  beginLoad() {
    this.#sinceLoadStarted = new Map();
  }

  /** Lays the list over what the page has (or, after a reset, replaces it), keeping what arrived while it loaded. */
  finishLoad(list, replace) {
    const recent = this.#sinceLoadStarted ?? new Map();
    this.#sinceLoadStarted = null;
    this.loaded = true;
    if (replace) this.#orders.clear();
    for (const order of list) this.#merge(order);
    for (const order of recent.values()) this.#merge(order);
    this.#changed([]);
  }

  abortLoad() {
    this.#sinceLoadStarted = null;
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
 * Loads the list into the store. Calls made while a load runs are folded into one more load after it, so a burst of
 * reconnects costs at most two requests; a failed replacing load leaves the replace pending for the next one.
 */
export function createLoader(store, fetchList) {
  let running = null;
  let again = false;
  let replacePending = false;

  async function run() {
    do {
      again = false;
      const replace = replacePending;
      replacePending = false;
      store.beginLoad();
      try {
        store.finishLoad(await fetchList(), replace);
      } catch {
        store.abortLoad();
        replacePending ||= replace;
        return; // the next (re)connection loads again
      }
    } while (again);
  }

  return function load({ replace = false } = {}) {
    replacePending ||= replace;
    if (running) {
      again = true;
      return running;
    }
    running = run().finally(() => { running = null; });
    return running;
  };
}
