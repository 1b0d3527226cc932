package io.invalidator.invalidation;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The bus' plain helpers as beans, configured once. */
class BusProducers {

    @Produces
    @Singleton
    Channels channels(InvalidationConfig config) {
        return new Channels(config.env());
    }

    @Produces
    @Singleton
    EventCodec codec(InvalidationConfig config) {
        return new EventCodec(config.maxMessageChars());
    }
}
