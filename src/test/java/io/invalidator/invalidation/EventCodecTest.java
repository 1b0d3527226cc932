package io.invalidator.invalidation;

import io.invalidator.invalidation.EventCodec.InvalidEventException;
import io.invalidator.invalidation.InvalidationEvent.NotificationCreated;
import io.invalidator.invalidation.InvalidationEvent.Resync;
import io.invalidator.invalidation.InvalidationEvent.StatsUpdated;
import io.invalidator.invalidation.InvalidationEvent.TodoCompleted;
import io.invalidator.invalidation.InvalidationEvent.TodoCreated;
import io.invalidator.invalidation.InvalidationEvent.TodoDeleted;
import io.invalidator.invalidation.InvalidationEvent.TodoUpdated;
import io.invalidator.invalidation.InvalidationEvent.UserAssigned;
import io.invalidator.invalidation.InvalidationEvent.UserCreated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pure logic: no Quarkus boot needed to check the wire format and its validation. */
class EventCodecTest {

    private final EventCodec codec = new EventCodec(4096);

    static Stream<InvalidationEvent> everyEventType() {
        return Stream.of(new TodoCreated(1), new TodoUpdated(2), new TodoCompleted(42), new TodoDeleted(3),
                new UserCreated(7), new UserAssigned(7, 42), new StatsUpdated(), new NotificationCreated(7), new Resync());
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    void shouldRoundTripEveryEventType(InvalidationEvent event) {
        InvalidationMessage message = codec.message("1700000000000-0", event);

        InvalidationMessage decoded = codec.decode(message.json());

        assertEquals(event, decoded.event());
        assertEquals("1700000000000-0", decoded.id());
        assertEquals(message.json(), decoded.json());
    }

    @Test
    void shouldWriteTheDocumentedWireFormat() {
        assertEquals("{\"id\":\"5-0\",\"type\":\"todo.completed\",\"todoId\":42}",
                codec.message("5-0", new TodoCompleted(42)).json());
        assertEquals("{\"id\":\"6-0\",\"type\":\"user.assigned\",\"userId\":7,\"todoId\":42}",
                codec.message("6-0", new UserAssigned(7, 42)).json());
        assertEquals("{\"id\":\"7-0\",\"type\":\"stats.updated\"}", codec.message("7-0", new StatsUpdated()).json());
    }

    @Test
    void shouldTolerateUnknownExtraFieldsAndCanonicalizeThem() {
        InvalidationMessage decoded = codec.decode("{\"id\":\"1-0\",\"type\":\"todo.deleted\",\"todoId\":9,\"ts\":1}");

        assertEquals(new TodoDeleted(9), decoded.event());
        assertEquals("{\"id\":\"1-0\",\"type\":\"todo.deleted\",\"todoId\":9}", decoded.json());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "not json", "[1,2]", "42", "null", "{}",
            "{\"type\":\"todo.completed\",\"todoId\":42}",                       // no id
            "{\"id\":\"1-0\",\"todoId\":42}",                                   // no type
            "{\"id\":\"1-0\",\"type\":\"todo.exploded\",\"todoId\":42}",          // unknown type
            "{\"id\":\"1-0\",\"type\":\"todo.completed\"}",                      // missing field
            "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":null}",       // null field
            "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":\"42\"}",     // mistyped field
            "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":4.2}",        // mistyped field
            "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":-1}",         // not an id
            "{\"id\":\"1-0\",\"type\":\"user.assigned\",\"todoId\":1}",           // missing userId
            "{\"id\":17,\"type\":\"todo.completed\",\"todoId\":42}",              // mistyped id
            "{\"id\":\"a\\nb\",\"type\":\"todo.completed\",\"todoId\":42}",       // id would break the SSE frame
            "{\"id\":\"1-0\",\"type\":42}",
            "{\"id\":\"1-0\",\"type\":\"todo.completed\",\"todoId\":42",         // truncated
    })
    void shouldRejectInvalidMessages(String payload) {
        assertThrows(InvalidEventException.class, () -> codec.decode(payload));
    }

    @Test
    void shouldRejectOversizedMessagesBeforeParsing() {
        String huge = "{\"id\":\"1-0\",\"type\":\"stats.updated\",\"pad\":\"" + "x".repeat(5000) + "\"}";

        InvalidEventException e = assertThrows(InvalidEventException.class, () -> codec.decode(huge));
        assertEquals(true, e.getMessage().startsWith("message of"));
    }

    @Test
    void shouldNeverThrowAnythingButInvalidEventOnRandomInput() {
        Random random = new Random(20261203);
        String alphabet = "{}[]\":,0123456789-.abcdefghijklmnopqrstuvwxyz_ \\ntodoidtype";
        String valid = codec.message("1-0", new UserAssigned(3, 4)).json();
        for (int i = 0; i < 5_000; i++) {
            String payload;
            if (i % 2 == 0) {
                StringBuilder sb = new StringBuilder();
                int length = random.nextInt(80);
                for (int j = 0; j < length; j++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                payload = sb.toString();
            } else {
                // mutate one character of a valid message
                char[] chars = valid.toCharArray();
                chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
                payload = new String(chars);
            }
            try {
                InvalidationMessage decoded = codec.decode(payload);
                // whatever got through is a well-formed event again
                assertEquals(decoded.json(), codec.decode(decoded.json()).json());
            } catch (InvalidEventException expected) {
                // dropped, as it should be
            }
        }
    }
}
