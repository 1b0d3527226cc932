package io.invalidator.invalidation;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means able to deliver: the built-in Redis check pings the pool, not the subscriber connection.
 * Also DOWN once shutdown began, so the balancer stops sending new streams here.
 */
@Readiness
@ApplicationScoped
public class RedisSubscriberHealthCheck implements HealthCheck {

    private final RedisSubscriber subscriber;
    private final InvalidationStreams streams;

    RedisSubscriberHealthCheck(RedisSubscriber subscriber, InvalidationStreams streams) {
        this.subscriber = subscriber;
        this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("redis-subscriber")
                .status(subscriber.isConnected() && !streams.isShuttingDown())
                .withData("connected", subscriber.isConnected())
                .withData("shuttingDown", streams.isShuttingDown())
                .withData("channels", subscriber.subscribedChannels())
                .withData("openStreams", streams.openStreams())
                .build();
    }
}
