// The one event stream of this browser, shared by every dashboard tab of the origin. Browsers allow six HTTP/1.1
// connections per origin, and an EventSource per tab would use one each: a seventh tab could not even load. This
// shared worker holds the only EventSource and passes what it hears to every subscribed tab, so tabs come and go
// without the stream noticing. The sign-in cookie goes with the worker's requests as with the page's.
//
// To a tab:   { kind: 'state', state } | { kind: 'connected', resumed } | { kind: 'order', type, order, id }
//             | { kind: 'reset', data, id } | { kind: 'refused' } | { kind: 'ended', notice }
// From a tab: { kind: 'subscribe' } | { kind: 'leave' } | { kind: 'end', notice } | { kind: 'online' }

import { openStream } from './stream.js';

const subscribers = new Set();
let stream = null;
let state = 'connecting';
// Whether the current stream has started ("connected") since it last opened: a tab that joins a started stream
// loads its list at once instead of waiting for a start that has already happened.
let started = false;

function broadcast(message, except = null) {
  for (const port of subscribers) {
    if (port !== except) port.postMessage(message);
  }
}

function open() {
  state = 'connecting';
  started = false;
  stream = openStream('/api/events', {
    onState(next) {
      state = next;
      if (next !== 'live') started = false;
      broadcast({ kind: 'state', state: next });
    },
    onConnected(resumed) {
      started = true;
      broadcast({ kind: 'connected', resumed });
    },
    onReset: (data, id) => broadcast({ kind: 'reset', data, id }),
    onOrder: (order, type, id) => broadcast({ kind: 'order', type, order, id }),
    onRefused: () => broadcast({ kind: 'refused' }),
  });
}

function close() {
  stream?.close();
  stream = null;
  started = false;
  state = 'connecting';
}

function onMessage(port, message) {
  switch (message?.kind) {
    case 'subscribe':
      subscribers.add(port);
      if (!stream) open();
      port.postMessage({ kind: 'state', state });
      if (started) port.postMessage({ kind: 'connected', resumed: false });
      break;
    case 'leave':
      subscribers.delete(port);
      if (subscribers.size === 0) close();
      break;
    case 'end':
      // Signing out, or a session found to have ended, ends it for every tab: they share the cookie.
      close();
      broadcast({ kind: 'ended', notice: message.notice ?? '' }, port);
      subscribers.clear();
      break;
    case 'online':
      stream?.retryNow();
      break;
    default:
      break;
  }
}

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  port.addEventListener('message', (message) => onMessage(port, message.data));
  port.start();
});
