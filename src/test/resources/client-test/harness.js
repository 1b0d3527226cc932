// Test page support for InvalidationClientTest: the real client module with a fake EventSource and a recording
// QueryClient, so that any frame, including ones the server would never send, can be fed to it.
export * from '/client/invalidation.js';
import { createInvalidationClient } from '/client/invalidation.js';

/** Uncaught errors and unhandled rejections on the page: the client must cause none. */
export const pageErrors = [];
window.addEventListener('error', (e) => pageErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => pageErrors.push('unhandled rejection: ' + e.reason));

export class FakeEventSource {
  constructor(url) {
    this.url = url;
    this.readyState = 0; // CONNECTING
    this.closed = false;
    this.onmessage = null;
    this.onerror = null;
  }

  /** Delivers one frame; objects are sent as JSON, strings as they are. */
  emit(data) {
    this.readyState = 1; // OPEN
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  /** The connection failed; readyState 0 means the browser retries by itself, 2 that it gave up. */
  fail(readyState) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }

  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

/** A client on fakes; take() returns and clears the query keys invalidated so far, as JSON strings. */
export function setup(options = {}) {
  const sources = [];
  const invalidated = [];
  const queryClient = {
    invalidateQueries({ queryKey }) {
      invalidated.push(JSON.stringify(queryKey));
      return Promise.resolve();
    },
  };
  const client = createInvalidationClient({
    queryClient,
    createEventSource: (url) => {
      const source = new FakeEventSource(url);
      sources.push(source);
      return source;
    },
    ...options,
  });
  return {
    client,
    sources,
    current: () => sources[sources.length - 1],
    openSources: () => sources.filter((s) => !s.closed).length,
    take: () => invalidated.splice(0),
  };
}

/** Resolves once condition() holds; rejects after the deadline. */
export async function until(condition, deadlineMs = 3000) {
  const end = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > end) {
      throw new Error('condition not met within ' + deadlineMs + ' ms: ' + condition);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
