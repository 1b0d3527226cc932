package io.invalidator.invalidation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.UUID;

/**
 * Encodes events for the wire and validates everything read back from Redis.
 * <p>
 * Its own strict mapper (not the application's): no coercion of {@code "42"} or {@code 4.2} into ids, missing fields
 * fail. Unknown extra fields are tolerated so that newer publishers do not break older subscribers.
 */
public final class EventCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final int maxMessageChars;

    public EventCodec(int maxMessageChars) {
        this.maxMessageChars = maxMessageChars;
    }

    /** The event's JSON without id: {@code {"type":"todo.completed","todoId":42}}. */
    public String encodeBody(InvalidationEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    /** Prepends the id to a body from {@link #encodeBody}; the same splice the publish script does in Redis. */
    public static String withId(String id, String body) {
        return "{\"id\":\"" + id + "\"," + body.substring(1);
    }

    public InvalidationMessage message(String id, InvalidationEvent event) {
        return new InvalidationMessage(id, event, withId(id, encodeBody(event)), false);
    }

    /** A control event made on this instance: never published, so its id is local and never used for resuming. */
    public InvalidationMessage local(InvalidationEvent event) {
        String id = "local-" + UUID.randomUUID();
        return new InvalidationMessage(id, event, withId(id, encodeBody(event)), true);
    }

    /**
     * Validates a message read from Redis and returns it in canonical form.
     *
     * @throws InvalidEventException with a short reason (safe to log: no payload echoed)
     */
    public InvalidationMessage decode(String payload) {
        if (payload == null || payload.isEmpty()) {
            throw new InvalidEventException("empty message");
        }
        if (payload.length() > maxMessageChars) {
            throw new InvalidEventException("message of " + payload.length() + " chars exceeds " + maxMessageChars);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidEventException("not a JSON object");
        }
        JsonNode id = tree.get("id");
        if (id == null || !id.isTextual() || id.textValue().isBlank() || id.textValue().length() > 64
                || !id.textValue().chars().allMatch(EventCodec::isIdChar)) {
            throw new InvalidEventException("missing or malformed id");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidEventException("missing type");
        }
        InvalidationEvent event;
        try {
            event = mapper.treeToValue(tree, InvalidationEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidEventException("invalid " + type.textValue() + " event");
        }
        return message(id.textValue(), event);
    }

    private static boolean isIdChar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    }

    /** A message from Redis that is not a valid event. */
    public static final class InvalidEventException extends RuntimeException {
        public InvalidEventException(String reason) {
            super(reason, null, false, false);
        }
    }
}
