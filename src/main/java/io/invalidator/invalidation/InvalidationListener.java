package io.invalidator.invalidation;

import io.vertx.core.Context;

/**
 * A local consumer of events (an SSE stream). Called on its own {@link #context()}, or on the subscriber's event loop
 * when it has none: must not block.
 */
public interface InvalidationListener {

    /**
     * The event loop that owns the listener's connection: messages are handed to it once per event loop (not once per
     * listener), and its writes then need no thread hop. Null: called on the subscriber's thread.
     */
    default Context context() {
        return null;
    }

    /** An event from one of the listener's channels; the same event may arrive once per channel it was sent to. */
    void onMessage(InvalidationMessage message);

    /** Continuity was lost (the subscriber connection dropped and is back): the listener may have missed events. */
    void onResync();
}
