// The service's event stream through the browser's own EventSource. It runs where the stream is held: in the shared
// worker (stream-worker.js), in the tab elected to hold it (stream-hub.js), or in a tab on its own.
//
// EventSource already reconnects by itself after a network error or after the server ends the stream (using the
// server's retry: delay) and sends Last-Event-ID, so the service replays what was missed. It gives up for good only
// when an answer is not a 200 event stream (a 503 from an instance that is shutting down, a 429, a proxy's error
// page); then this module opens a new one after a back-off, passing the last id in the query string, because a new
// EventSource cannot set the header on its first request. A refusal may also mean the session has ended (a 401):
// onRefused lets the page find out and close the stream instead of retrying without end.

const orderEvents = ['new-order', 'order-updated'];

/**
 * Opens the stream and keeps it open until close() is called, resuming after `lastEventId` when one is given (a new
 * holder taking over from the last). onConnected gets `resumed`: true when the stream resumes after an event id (the
 * service then replays what was missed, or sends a reset), false when it starts from "now" and the page may lag.
 * onRefused is called each time the service refuses the stream.
 *
 * @param {string} url
 * @param {{ onState(state: 'live'|'reconnecting'|'offline'): void, onConnected(resumed: boolean): void,
 *           onReset(data: object|null, id: string): void, onOrder(order: object, type: string, id: string): void,
 *           onRefused(): void }} handlers
 * @param {{ lastEventId?: string }} options
 * @returns {{ close(): void, retryNow(): void, readonly lastEventId: string }}
 */
export function openStream(url, handlers, { lastEventId: resumeAfter = '' } = {}) {
  let source = null;
  let lastEventId = resumeAfter;
  let failures = 0;
  let reopenTimer = 0;
  let closed = false;

  const state = () => (navigator.onLine === false ? 'offline' : 'reconnecting');

  function remember(event) {
    if (event.lastEventId) lastEventId = event.lastEventId;
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch {
      return null;
    }
  }

  function open() {
    clearTimeout(reopenTimer);
    reopenTimer = 0;
    const target = lastEventId ? `${url}?lastEventId=${encodeURIComponent(lastEventId)}` : url;
    const current = new EventSource(target);
    source = current;

    current.addEventListener('open', () => {
      failures = 0;
      handlers.onState('live');
    });
    current.addEventListener('error', () => {
      if (closed) return;
      if (current.readyState === EventSource.CLOSED) {
        reopenLater();
        handlers.onRefused();
      }
      handlers.onState(state());
    });
    // The unnamed message that starts every stream; the browser resumed it after lastEventId, if there is one.
    current.addEventListener('message', (event) => {
      if (parse(event)?.type === 'connected') handlers.onConnected(lastEventId !== '');
    });
    current.addEventListener('reset', (event) => {
      remember(event);
      handlers.onReset(parse(event), event.lastEventId);
    });
    for (const type of orderEvents) {
      current.addEventListener(type, (event) => {
        remember(event);
        const order = parse(event);
        if (order) handlers.onOrder(order, type, event.lastEventId);
      });
    }
  }

  function reopenLater() {
    if (reopenTimer || closed) return;
    failures += 1;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)) * (0.75 + Math.random() / 2);
    reopenTimer = setTimeout(open, delay);
  }

  const offline = () => handlers.onState('offline');
  const online = () => {
    if (closed) return;
    if (source.readyState === EventSource.CLOSED) open();
    handlers.onState(source.readyState === EventSource.OPEN ? 'live' : 'reconnecting');
  };
  // A window and a worker both have these events; a worker may not see them, so the page can also call retryNow().
  globalThis.addEventListener('offline', offline);
  globalThis.addEventListener('online', online);

  open();

  return {
    get lastEventId() { return lastEventId; },
    retryNow: online,
    close() {
      closed = true;
      clearTimeout(reopenTimer);
      source.close();
      globalThis.removeEventListener('offline', offline);
      globalThis.removeEventListener('online', online);
    },
  };
}
