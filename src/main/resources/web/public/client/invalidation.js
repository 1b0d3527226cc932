/**
 * invalidator's browser client: one EventSource per page turns invalidation events into TanStack Query
 * invalidations. Served as-is at /client/invalidation.js; no dependencies (it only calls
 * queryClient.invalidateQueries, so any @tanstack/query-core v5 QueryClient works).
 *
 *   import { createInvalidationClient } from '/client/invalidation.js';
 *   const invalidations = createInvalidationClient({ queryClient });
 *   invalidations.onStateChange(state => badge.textContent = state); // connecting | live | reconnecting | closed
 *
 * The stream only says what changed; the data is always refetched through the REST API by the queries themselves.
 */

/** The query keys the default mapping invalidates. Lists and details live under separate prefixes. */
export const queryKeys = Object.freeze({
  todoList: () => ['todos', 'list'],
  todo: (id) => ['todos', 'detail', id],
  userList: () => ['users', 'list'],
  user: (id) => ['users', 'detail', id],
  notifications: (userId) => ['notifications', userId],
  stats: () => ['stats'],
});

/** What the client invalidates on resync and on every (re)connect, unless told otherwise. */
export const defaultWatched = Object.freeze([['todos'], ['users'], ['stats']]);

/**
 * Event type → the query keys to invalidate. Data: spread it into your own object to extend it, or pass a
 * different object to replace it. A value is an array of query keys, or a function (event, { watched }) returning
 * one. Types that are not in the map are ignored.
 */
export const defaultEventMap = Object.freeze({
  'todo.created': () => [queryKeys.todoList(), queryKeys.stats()],
  'todo.updated': (e) => [queryKeys.todo(e.todoId), queryKeys.todoList(), queryKeys.stats()],
  'todo.completed': (e) => [queryKeys.todoList(), queryKeys.todo(e.todoId), queryKeys.stats()],
  'todo.deleted': () => [queryKeys.todoList(), queryKeys.stats()],
  'user.created': () => [queryKeys.userList()],
  'user.assigned': (e) => [queryKeys.user(e.userId), queryKeys.todo(e.todoId), queryKeys.todoList()],
  'stats.updated': () => [queryKeys.stats()],
  'notification.created': (e) => [queryKeys.notifications(e.userId)],
  resync: (e, { watched }) => watched,
});

/**
 * Creates the page's invalidation client and opens its stream.
 *
 * @param {object} options
 * @param {{invalidateQueries: Function}} options.queryClient the page's QueryClient
 * @param {string} [options.url] the stream, default '/api/invalidations' (same origin)
 * @param {object} [options.eventMap] event type → query keys, default {@link defaultEventMap}
 * @param {Array<Array>} [options.watched] query key prefixes invalidated on (re)connect and on resync
 * @param {(url: string) => EventSource} [options.createEventSource] for tests or polyfills
 * @param {number} [options.minReconnectDelay] ms before reopening a stream the browser gave up on (doubles, max 30 s)
 * @param {(event: object) => void} [options.onUnknownEvent] called for types the map does not know
 */
export function createInvalidationClient(options) {
  const queryClient = options && options.queryClient;
  if (!queryClient || typeof queryClient.invalidateQueries !== 'function') {
    throw new TypeError('createInvalidationClient needs { queryClient } with invalidateQueries()');
  }
  const baseUrl = options.url || '/api/invalidations';
  const eventMap = options.eventMap || defaultEventMap;
  const watched = (options.watched || defaultWatched).map((key) => [...key]);
  const createEventSource = options.createEventSource || ((url) => new EventSource(url));
  const minDelay = options.minReconnectDelay ?? 1000;
  const maxDelay = 30000;
  const onUnknownEvent = options.onUnknownEvent
    || ((event) => console.debug('invalidation: ignored event of unknown type', event.type));

  let state = 'connecting';
  let source = null;
  let sourceUrl = null;
  let liveOnSource = false; // has the current stream sent its first frame?
  let sawFrame = false; // has the current stream delivered a message yet?
  let retryTimer = null;
  let reopenQueued = false;
  let failures = 0;
  let nextSubscription = 0;
  const subscriptions = new Map();
  const stateListeners = new Set();

  function setState(next) {
    if (state === next) {
      return;
    }
    state = next;
    for (const listener of [...stateListeners]) {
      try {
        listener(next);
      } catch (error) {
        console.error('invalidation: state listener failed', error);
      }
    }
  }

  /** The stream URL for the current subscriptions; the server takes one todoId and one userId per stream. */
  function streamUrl() {
    const single = (field) => {
      const values = new Set([...subscriptions.values()].map((s) => s[field]).filter((v) => v != null));
      return values.size === 1 ? [...values][0] : null;
    };
    const params = new URLSearchParams();
    const todoId = single('todoId');
    const userId = single('userId');
    if (todoId != null) params.set('todoId', String(todoId));
    if (userId != null) params.set('userId', String(userId));
    const query = params.toString();
    return query ? baseUrl + (baseUrl.includes('?') ? '&' : '?') + query : baseUrl;
  }

  function open() {
    clearTimeout(retryTimer);
    retryTimer = null;
    closeSource();
    sourceUrl = streamUrl();
    liveOnSource = false;
    sawFrame = false;
    const es = createEventSource(sourceUrl);
    source = es;
    // The server sends the response headers only with the stream's first frame, once its subscriptions are live:
    // 'open' means live. A resumed stream (Last-Event-ID) may start with a comment, which fires no message.
    es.onopen = () => {
      if (es === source) {
        goLive();
      }
    };
    es.onmessage = (message) => {
      if (es === source) {
        onFrame(message.data);
      }
    };
    es.onerror = () => {
      if (es === source) {
        onStreamError(es);
      }
    };
  }

  function closeSource() {
    if (source) {
      source.onopen = null;
      source.onmessage = null;
      source.onerror = null;
      source.close();
      source = null;
    }
  }

  function onFrame(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      console.warn('invalidation: ignored a frame that is not JSON');
      return;
    }
    if (!event || typeof event !== 'object' || typeof event.type !== 'string') {
      console.warn('invalidation: ignored a frame without a type');
      return;
    }
    const first = !sawFrame;
    sawFrame = true;
    if ((goLive() || first) && event.type === 'resync') {
      return; // the first frame's resync asks for what going live already did
    }
    handle(event);
  }

  /** The stream is live from here: refetch whatever may have changed before. Once per stream. */
  function goLive() {
    if (liveOnSource) {
      return false;
    }
    liveOnSource = true;
    failures = 0;
    setState('live');
    invalidate(watched);
    return true;
  }

  function onStreamError(es) {
    liveOnSource = false;
    if (state === 'closed') {
      return;
    }
    setState('reconnecting');
    // CONNECTING: the browser retries by itself (after the server's retry: hint).
    // CLOSED: it gave up (for example a 503 while the instance starts): reopen after a backoff.
    if (es.readyState === 2 /* EventSource.CLOSED */ && !retryTimer) {
      const delay = Math.min(maxDelay, minDelay * 2 ** Math.min(failures, 5));
      failures++;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (state !== 'closed') {
          open();
        }
      }, delay / 2 + Math.random() * delay / 2);
    }
  }

  function invalidate(keys) {
    for (const queryKey of keys) {
      try {
        // Active queries refetch at once; a fetch already running is cancelled and restarted, since it may have
        // started before the change.
        Promise.resolve(queryClient.invalidateQueries({ queryKey }))
          .catch((error) => console.warn('invalidation: refetch failed', error));
      } catch (error) {
        console.warn('invalidation: invalidateQueries failed', error);
      }
    }
  }

  /**
   * Applies the map to one event and invalidates the resulting keys; returns them. Never throws: an unknown type,
   * a broken map entry or a malformed event is logged and ignored. Also useful after the page's own writes.
   */
  function handle(event) {
    if (!event || typeof event.type !== 'string') {
      return [];
    }
    if (!Object.prototype.hasOwnProperty.call(eventMap, event.type)) {
      try {
        onUnknownEvent(event);
      } catch (error) {
        console.error('invalidation: onUnknownEvent failed', error);
      }
      return [];
    }
    const entry = eventMap[event.type];
    let keys;
    try {
      keys = typeof entry === 'function' ? entry(event, { watched: watched.map((k) => [...k]) }) : entry;
    } catch (error) {
      console.error('invalidation: the mapping for ' + event.type + ' failed', error);
      return [];
    }
    if (!Array.isArray(keys)) {
      console.warn('invalidation: the mapping for ' + event.type + ' did not return an array of query keys');
      return [];
    }
    const valid = keys.filter((key) => Array.isArray(key));
    invalidate(valid);
    return valid;
  }

  function queueReopen() {
    if (reopenQueued || state === 'closed') {
      return;
    }
    reopenQueued = true;
    queueMicrotask(() => {
      reopenQueued = false;
      if (state !== 'closed' && streamUrl() !== sourceUrl) {
        setState('connecting');
        open();
      }
    });
  }

  open();

  return {
    /** connecting | live | reconnecting | closed */
    get state() {
      return state;
    },

    /** The URL of the one stream this client holds. */
    get url() {
      return sourceUrl;
    },

    /** Calls listener(state) now and on every change; returns a function that stops it. */
    onStateChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },

    /**
     * Adds a todo's or user's channel to the page's single stream (which always carries the global channel);
     * returns a function that removes it. The server takes one of each per stream: with several todos (or users)
     * subscribed, the client relies on the global channel, which every event is published to as well.
     */
    subscribe({ todoId, userId } = {}) {
      const id = nextSubscription++;
      subscriptions.set(id, { todoId: todoId ?? null, userId: userId ?? null });
      queueReopen();
      return () => {
        if (subscriptions.delete(id)) {
          queueReopen();
        }
      };
    },

    handle,

    /** Invalidates every watched key, as on (re)connect. */
    invalidateWatched() {
      invalidate(watched);
    },

    close() {
      clearTimeout(retryTimer);
      retryTimer = null;
      closeSource();
      setState('closed');
      stateListeners.clear();
    },
  };
}
