package io.invalidator.invalidation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "invalidation")
public interface InvalidationConfig {

    /** Channel namespace: channels are {@code <env>_invalidate:…}. dev/test/prod by profile. */
    String env();

    /** Interval of the SSE heartbeat comment; keeps proxies from closing idle streams and reveals vanished peers. */
    @WithDefault("15s")
    Duration heartbeat();

    /** Reconnect delay suggested to EventSource clients ({@code retry:}). */
    @WithDefault("2s")
    Duration retry();

    /**
     * How far a stream may fall behind, in frames. A client that stops reading is closed after this many frames were
     * written to its full connection (it reconnects and resumes); an event loop that falls this many messages behind
     * sends its streams one {@code resync} instead of the backlog. Also bounds the events held while a stream starts,
     * so keep it above {@link #maxReplay()}.
     */
    @WithDefault("1024")
    int streamBuffer();

    /** How long a new stream waits for its Redis subscriptions before giving up with 503. */
    @WithDefault("5s")
    Duration subscribeTimeout();

    /** Longest message accepted from Redis; anything larger is dropped. */
    @WithDefault("4096")
    int maxMessageChars();

    /** Approximate number of recent events kept in the Redis history stream. */
    @WithDefault("10000")
    long historySize();

    /** Most events replayed to a client resuming with Last-Event-ID; a longer gap gets {@code resync} instead. */
    @WithDefault("500")
    int maxReplay();

    /** Most concurrent streams on this instance; beyond it new streams get 503 with Retry-After. */
    @WithDefault("20000")
    int maxStreams();

    /** Most events waiting to be (re)published while Redis is unreachable; beyond it streams get {@code resync}. */
    @WithDefault("10000")
    int maxPendingPublishes();

    /** First and last delay between attempts to reconnect the subscriber connection. */
    @WithDefault("100ms")
    Duration reconnectMinDelay();

    @WithDefault("5s")
    Duration reconnectMaxDelay();
}
