package io.invalidator.invalidation;

import io.quarkus.logging.Log;
import io.vertx.core.Context;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The fan-out on one event loop: hands each message to the loop's listeners, in arrival order, at most
 * {@value #SLICE} listeners per task. Between slices the loop runs whatever else was queued for it (a mutation's own
 * HTTP response, say), which then waits for a slice rather than for a whole fan-out to thousands of streams.
 * <p>
 * Each message reaches every listener before the next message starts, so a listener sees messages in the order the
 * subscriber received them. State is touched on the loop only.
 * <p>
 * The backlog is bounded: a loop that falls {@code maxQueued} messages behind (more events than its cores can write)
 * drops them and sends every listener it owed them to one {@code resync} instead. That is cheaper than catching up,
 * keeps memory flat, and leaves nobody silently stale.
 */
final class LoopFanout {

    static final int SLICE = 256;

    private final Context loop;
    private final int maxQueued;
    private final Supplier<InvalidationMessage> resync;
    private final Runnable onCollapse;
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private Iterator<InvalidationListener> current;
    private boolean draining;

    LoopFanout(Context loop, int maxQueued, Supplier<InvalidationMessage> resync, Runnable onCollapse) {
        this.loop = loop;
        this.maxQueued = maxQueued;
        this.resync = resync;
        this.onCollapse = onCollapse;
    }

    /** Called on the subscriber's thread; {@code listeners} must tolerate iteration while it changes. */
    void submit(InvalidationMessage message, Set<InvalidationListener> listeners) {
        loop.runOnContext(v -> {
            if (queue.size() >= maxQueued) {
                collapse();
            }
            queue.add(new Delivery(message, listeners));
            if (!draining) {
                drain();
            }
        });
    }

    private void drain() {
        draining = true;
        int budget = SLICE;
        while (budget > 0) {
            Delivery head = queue.peek();
            if (head == null) {
                draining = false;
                return;
            }
            if (current == null) {
                current = head.listeners().iterator();
            }
            while (budget > 0 && current.hasNext()) {
                InvalidationListener listener = current.next();
                try {
                    listener.onMessage(head.message());
                } catch (Throwable e) {
                    // one broken listener must not stall the loop's fan-out (draining would stay true for good)
                    Log.errorf(e, "listener failed on %s", head.message().id());
                }
                budget--;
            }
            if (!current.hasNext()) {
                queue.poll();
                current = null;
            }
        }
        loop.runOnContext(v -> drain()); // yield: the rest after what is queued meanwhile
    }

    /** Replaces the backlog by one resync to every listener it was for (each once: a resync has one id). */
    private void collapse() {
        Set<InvalidationListener> owed = new HashSet<>();
        Set<Set<InvalidationListener>> groups = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Delivery delivery : queue) {
            if (groups.add(delivery.listeners())) {
                owed.addAll(delivery.listeners());
            }
        }
        Log.warnf("fan-out fell %d messages behind on %s: %d stream(s) get a resync instead", queue.size(),
                Thread.currentThread().getName(), owed.size());
        queue.clear();
        current = null;
        queue.add(new Delivery(resync.get(), owed));
        onCollapse.run();
    }

    private record Delivery(InvalidationMessage message, Set<InvalidationListener> listeners) {
    }
}
