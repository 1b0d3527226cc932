package io.invalidator.invalidation;

/**
 * A local consumer of events (an SSE stream). Called on the subscriber's event-loop thread: must not block.
 */
public interface InvalidationListener {

    /** An event from one of the listener's channels; the same event may arrive once per channel it was sent to. */
    void onMessage(InvalidationMessage message);

    /** Continuity was lost (the subscriber connection dropped and is back): the listener may have missed events. */
    void onResync();
}
