package io.invalidator.invalidation;

import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/api/invalidations")
public class InvalidationResource {

    private final InvalidationStreams streams;
    private final RedisSubscriber subscriber;
    private final Channels channels;

    InvalidationResource(InvalidationStreams streams, RedisSubscriber subscriber, Channels channels) {
        this.streams = streams;
        this.subscriber = subscriber;
        this.channels = channels;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ResponseHeader(name = "Cache-Control", value = "no-cache")
    @ResponseHeader(name = "X-Accel-Buffering", value = "no")
    @Operation(summary = "Stream of invalidation events: global, plus the given todo's and user's channels")
    public Multi<OutboundSseEvent> stream(@RestQuery @Positive Long todoId, @RestQuery @Positive Long userId,
            @RestHeader("Last-Event-ID") String lastEventId, @Context Sse sse, HttpServerRequest request,
            HttpServerResponse response) {
        if (request.method() == HttpMethod.HEAD) {
            // Headers only: a stream here would live as long as the client keeps the connection, sending nothing.
            return Multi.createFrom().item(sse.newEventBuilder().comment("head").build());
        }
        if (!subscriber.isConnected() || !streams.acceptsStreams()) {
            // Better a fast 503 (the client retries, maybe elsewhere) than a stream that would silently miss events.
            throw new ServiceUnavailableException("This instance cannot deliver events right now; retry", 2L);
        }
        return streams.open(channels.forStream(todoId, userId), lastEventId, response);
    }
}
