package io.invalidator.invalidation;

import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.invalidator.invalidation.InvalidationEvent.TodoCompleted;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-event-loop fan-out on a real Vert.x event loop, with recording listeners: no Quarkus boot needed, and the
 * loop's task order makes slicing and backlog collapse deterministic.
 */
class LoopFanoutTest {

    private static final EventCodec CODEC = new EventCodec(4096);
    private static Vertx vertx;
    private static Context loop;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void shouldGiveEveryListenerEveryMessageInOrderAcrossSlices() {
        Set<InvalidationListener> listeners = listeners(LoopFanout.SLICE * 3 + 7);
        LoopFanout fanout = new LoopFanout(loop, 1024, () -> CODEC.local(new Resync()), () -> {
        });
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            InvalidationMessage message = CODEC.message(i + "-0", new TodoCompleted(i));
            sent.add(message.id());
            fanout.submit(message, listeners); // from a thread that is not the loop's, as the subscriber does
        }

        await().until(() -> listeners.stream().allMatch(l -> ((Recorder) l).ids.size() == 20));
        listeners.forEach(l -> assertEquals(sent, ((Recorder) l).ids));
    }

    @Test
    void shouldLetWhatIsQueuedOnTheLoopRunBetweenSlices() {
        Set<InvalidationListener> listeners = listeners(LoopFanout.SLICE * 4);
        LoopFanout fanout = new LoopFanout(loop, 1024, () -> CODEC.local(new Resync()), () -> {
        });
        AtomicInteger reachedBeforeOtherTask = new AtomicInteger(-1);
        loop.runOnContext(v -> {
            fanout.submit(CODEC.message("1-0", new TodoCompleted(1)), listeners);
            // queued after the fan-out's first task: stands for a mutation's HTTP response on the same loop
            loop.runOnContext(w -> reachedBeforeOtherTask.set(received(listeners)));
        });

        await().until(() -> received(listeners) == listeners.size());
        assertEquals(LoopFanout.SLICE, reachedBeforeOtherTask.get(), "listeners served before the other task ran");
    }

    @Test
    void shouldReplaceABacklogByOneResyncAndCarryOn() {
        Set<InvalidationListener> listeners = listeners(LoopFanout.SLICE + 44);
        AtomicInteger collapses = new AtomicInteger();
        LoopFanout fanout = new LoopFanout(loop, 5, () -> CODEC.local(new Resync()), collapses::incrementAndGet);
        loop.runOnContext(v -> {
            // all queued behind the first slice: the loop falls behind by more than 5 messages
            for (int i = 1; i <= 20; i++) {
                fanout.submit(CODEC.message(i + "-0", new TodoCompleted(i)), listeners);
            }
        });

        await().until(() -> listeners.stream().allMatch(l -> "20-0".equals(((Recorder) l).last())));
        assertTrue(collapses.get() >= 1, "the backlog was collapsed");
        for (InvalidationListener l : listeners) {
            List<String> ids = ((Recorder) l).ids;
            assertTrue(ids.stream().anyMatch(id -> id.startsWith("local-")), "got a resync: " + ids);
            assertTrue(ids.size() < 20, "skipped the backlog: " + ids);
            List<Integer> events = ids.stream().filter(id -> !id.startsWith("local-"))
                    .map(id -> Integer.parseInt(id.substring(0, id.indexOf('-')))).toList();
            assertEquals(events.stream().sorted().toList(), events, "in order: " + ids);
            assertEquals(ids.size(), ids.stream().distinct().count(), "each resync once: " + ids);
        }
    }

    private static Set<InvalidationListener> listeners(int count) {
        Set<InvalidationListener> set = ConcurrentHashMap.newKeySet();
        IntStream.range(0, count).forEach(i -> set.add(new Recorder()));
        return set;
    }

    private static int received(Set<InvalidationListener> listeners) {
        return (int) listeners.stream().filter(l -> !((Recorder) l).ids.isEmpty()).count();
    }

    private static final class Recorder implements InvalidationListener {
        final List<String> ids = new CopyOnWriteArrayList<>();

        @Override
        public Context context() {
            return loop;
        }

        @Override
        public void onMessage(InvalidationMessage message) {
            ids.add(message.id());
        }

        @Override
        public void onResync(InvalidationMessage resync) {
            ids.add(resync.id());
        }

        String last() {
            return ids.isEmpty() ? null : ids.get(ids.size() - 1);
        }
    }
}
