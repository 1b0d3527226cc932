package io.invalidator.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response.Status;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A request announcing a body larger than {@code quarkus.http.limits.max-body-size} gets a 413 problem. Quarkus
 * enforces the same limit just after this route, but with an empty body. (A chunked body has no length to check up
 * front: past the limit it still ends with Quarkus' bare 413.)
 */
@ApplicationScoped
class BodyLimit {

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
            ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> {
            String problem = encode(Problem.of(Status.REQUEST_ENTITY_TOO_LARGE,
                    "The request body exceeds the limit of " + max.asLongValue() + " bytes"));
            router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                    .handler(context -> check(context, max.asLongValue(), problem));
        });
    }

    private static void check(RoutingContext context, long max, String problem) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || parse(length) <= max) {
            context.next();
            return;
        }
        // the unread body makes the connection unusable for a next request: close it, as Quarkus does
        context.response().endHandler(ended -> context.request().connection().close());
        context.response().setStatusCode(Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(problem);
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return 0; // not ours to judge: the HTTP codec rejects a malformed length
        }
    }

    private String encode(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
