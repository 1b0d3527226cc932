package io.invalidator.invalidation;

import io.vertx.core.Context;

/**
 * A local consumer of events (an SSE stream). Called on its {@link #context()}: must not block.
 */
public interface InvalidationListener {

    /**
     * The event loop that owns the listener's connection. Messages are handed to each event loop once (not once per
     * listener), and the listener's writes then need no hop to another thread.
     */
    Context context();

    /** An event from one of the listener's channels; the same event may arrive once per channel it was sent to. */
    void onMessage(InvalidationMessage message);

    /**
     * Continuity was lost (the subscriber connection dropped and is back): the listener may have missed events. One
     * {@code resync} message is shared by every listener told at once. May be called on any thread.
     */
    void onResync(InvalidationMessage resync);
}
