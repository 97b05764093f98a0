// How a tab gets the service's events: through the browser's one stream, whatever the number of tabs.
//
// - A SharedWorker (stream-worker.js) holds the only EventSource and passes its events to every tab.
// - Where there is no SharedWorker, the tabs elect one of them with a Web Lock: the holder of the lock opens the
//   EventSource and passes what it hears to the others on a BroadcastChannel. When the holder goes, the lock passes to
//   another tab, which resumes the stream after the last event id it heard, so nothing is missed.
// - Where there is neither, the tab opens its own EventSource.
//
// Every tab gets the same calls: onState, onConnected(resumed), onReset(data), onOrder(order, type), onRefused(), and
// onEnded(notice) when another tab has ended the session (signed out, or found it expired): the tabs share the cookie,
// so the session ends in all of them at once.

import { openStream } from './stream.js';

const streamUrl = '/api/events';
const channelName = 'cleansse-stream';

function dispatch(handlers, message) {
  switch (message?.kind) {
    case 'state': handlers.onState(message.state); break;
    case 'connected': handlers.onConnected(message.resumed === true); break;
    case 'order': handlers.onOrder(message.order, message.type); break;
    case 'reset': handlers.onReset(message.data ?? null); break;
    case 'refused': handlers.onRefused(); break;
    default: break;
  }
}

function viaSharedWorker(handlers, onBroken) {
  const worker = new SharedWorker(new URL('./stream-worker.js', import.meta.url), { type: 'module', name: channelName });
  const port = worker.port;
  let done = false;
  worker.addEventListener('error', () => {
    if (done) return;
    done = true;
    onBroken();
  });
  port.addEventListener('message', ({ data }) => {
    if (done) return;
    if (data?.kind === 'ended') {
      done = true;
      handlers.onEnded(data.notice ?? '');
      return;
    }
    dispatch(handlers, data);
  });
  port.start();
  port.postMessage({ kind: 'subscribe' });

  return {
    mode: 'shared-worker',
    holdsStream: () => false,
    leave() {
      if (done) return;
      done = true;
      port.postMessage({ kind: 'leave' });
    },
    end(notice) {
      if (done) return;
      done = true;
      port.postMessage({ kind: 'end', notice });
    },
    online() {
      if (!done) port.postMessage({ kind: 'online' });
    },
  };
}

function viaElectedTab(handlers) {
  const me = crypto.randomUUID();
  const channel = new BroadcastChannel(channelName);
  const quit = new AbortController();
  let lastEventId = '';
  let holder = null; // { stream, release, state, started } while this tab holds the stream
  let done = false;

  function receive(message) {
    if (message.id) lastEventId = message.id;
    dispatch(handlers, message);
  }

  function publish(message) {
    if (done) return;
    channel.postMessage(message);
    receive(message);
  }

  function stop() {
    if (done) return;
    done = true;
    quit.abort();
    if (holder) {
      holder.stream?.close();
      holder.release();
      holder = null;
      delete document.documentElement.dataset.streamHolder;
    }
    channel.close();
  }

  channel.addEventListener('message', ({ data }) => {
    if (done || (data?.to && data.to !== me)) return;
    switch (data?.kind) {
      case 'hello':
        // A tab that just joined learns the stream's state, and loads its list at once if the stream has started.
        if (!holder) return;
        channel.postMessage({ kind: 'state', state: holder.state, to: data.from });
        if (holder.started) channel.postMessage({ kind: 'connected', resumed: false, to: data.from });
        return;
      case 'ended':
        stop();
        handlers.onEnded(data.notice ?? '');
        return;
      case 'online':
        holder?.stream?.retryNow();
        return;
      default:
        receive(data);
    }
  });

  function hold(release) {
    if (done) {
      release();
      return;
    }
    const held = { release, state: 'connecting', started: false, stream: null };
    holder = held;
    document.documentElement.dataset.streamHolder = 'true';
    const mine = (work) => (...args) => { if (holder === held) work(...args); };
    held.stream = openStream(streamUrl, {
      onState: mine((state) => {
        held.state = state;
        if (state !== 'live') held.started = false;
        publish({ kind: 'state', state });
      }),
      onConnected: mine((resumed) => {
        held.started = true;
        publish({ kind: 'connected', resumed });
      }),
      onReset: mine((data, id) => publish({ kind: 'reset', data, id })),
      onOrder: mine((order, type, id) => publish({ kind: 'order', type, order, id })),
      onRefused: mine(() => publish({ kind: 'refused' })),
    }, { lastEventId });
  }

  // The lock is held for as long as the promise is pending: until this tab stops, or closes (the browser releases a
  // closed tab's locks, and the next tab in line is elected).
  navigator.locks.request(channelName, { signal: quit.signal }, () => new Promise((release) => {
    // What the last holder sent just before it went may still be on its way to this tab: let it land first, so the
    // stream resumes after the last event this tab has.
    setTimeout(() => hold(release), 100);
  })).catch(() => {
    // Aborted: the tab left, or the session ended, before it was elected.
  });
  channel.postMessage({ kind: 'hello', from: me });

  return {
    mode: 'elected',
    holdsStream: () => holder !== null,
    leave: stop,
    end(notice) {
      if (done) return;
      channel.postMessage({ kind: 'ended', notice });
      stop();
    },
    online() {
      if (holder) holder.stream?.retryNow();
      else if (!done) channel.postMessage({ kind: 'online' });
    },
  };
}

function ownStream(handlers) {
  const stream = openStream(streamUrl, {
    onState: handlers.onState,
    onConnected: handlers.onConnected,
    onReset: (data) => handlers.onReset(data),
    onOrder: (order, type) => handlers.onOrder(order, type),
    onRefused: handlers.onRefused,
  });
  return {
    mode: 'own',
    holdsStream: () => true,
    leave: () => stream.close(),
    end: () => stream.close(),
    online: () => stream.retryNow(),
  };
}

function elected(handlers) {
  return globalThis.BroadcastChannel && navigator.locks ? viaElectedTab(handlers) : ownStream(handlers);
}

/**
 * Subscribes this tab to the browser's stream. leave() unsubscribes it (the tab is closing); end(notice) ends the
 * stream for every tab, each of which then gets onEnded(notice); online() asks for a reconnection now.
 */
export function connectStream(handlers) {
  if (typeof globalThis.SharedWorker !== 'function') return elected(handlers);
  let hub = null;
  try {
    // The worker could not start (blocked, or its script failed to load): elect a tab instead.
    hub = viaSharedWorker(handlers, () => { hub = elected(handlers); });
  } catch {
    return elected(handlers);
  }
  return {
    get mode() { return hub.mode; },
    holdsStream: () => hub.holdsStream(),
    leave: () => hub.leave(),
    end: (notice) => hub.end(notice),
    online: () => hub.online(),
  };
}
