package io.invalidator.invalidation;

/**
 * A Redis stream id, {@code <millis>-<seq>}, both unsigned 64-bit. Event ids are stream ids handed out by the publish
 * script's XADD, in the same order as its PUBLISH, so they order every event of the bus.
 */
record StreamId(long time, long seq) implements Comparable<StreamId> {

    /** The id, or null when {@code text} is not a stream id (nor one Redis could have handed out). */
    static StreamId parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.indexOf('-');
        if (dash < 1 || dash > 20 || dash == text.length() - 1 || text.length() - dash - 1 > 20) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (i != dash && (c < '0' || c > '9')) {
                return null;
            }
        }
        try {
            return new StreamId(Long.parseUnsignedLong(text.substring(0, dash)),
                    Long.parseUnsignedLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return null; // beyond 64 bits
        }
    }

    @Override
    public int compareTo(StreamId other) {
        int byTime = Long.compareUnsigned(time, other.time);
        return byTime != 0 ? byTime : Long.compareUnsigned(seq, other.seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(time) + "-" + Long.toUnsignedString(seq);
    }
}
