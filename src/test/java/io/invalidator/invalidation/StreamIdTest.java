package io.invalidator.invalidation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and ordering of event ids (Redis stream ids): pure logic, no Quarkus boot needed. */
class StreamIdTest {

    @Test
    void shouldOrderByTimeThenSequenceAsUnsignedNumbers() {
        assertTrue(StreamId.parse("1700000000000-5").compareTo(StreamId.parse("1700000000001-0")) < 0);
        assertTrue(StreamId.parse("1700000000000-10").compareTo(StreamId.parse("1700000000000-9")) > 0);
        assertEquals(0, StreamId.parse("7-7").compareTo(StreamId.parse("7-7")));
        // Redis ids are unsigned 64-bit: the largest one is past Long.MAX_VALUE and still the largest
        assertTrue(StreamId.parse("18446744073709551615-0").compareTo(StreamId.parse("9223372036854775807-0")) > 0);
        assertEquals("18446744073709551615-3", StreamId.parse("18446744073709551615-3").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "1-", "-1", "1", "a-1", "1-a", "+1-2", "1-+2", "1--2", "1-2-3", " 1-2",
            "18446744073709551616-0", "0-18446744073709551616", "123456789012345678901-0", "local-abc"})
    void shouldRejectWhatRedisCouldNotHaveHandedOut(String text) {
        assertNull(StreamId.parse(text));
    }
}
