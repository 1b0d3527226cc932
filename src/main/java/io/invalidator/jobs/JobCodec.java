package io.invalidator.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Job payloads as JSON (UTF-8 bytes in the job table's {@code task_data}), with the application's ObjectMapper made
 * strict: a missing or null field fails instead of becoming 0, so the record's own checks see it. Records only: no
 * reflection beyond what Jackson needs for them (native-friendly).
 */
@Singleton
public class JobCodec implements Serializer {

    private final ObjectMapper mapper;

    JobCodec(ObjectMapper mapper) {
        this.mapper = mapper.copy()
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** The payload's JSON; deterministic for a given record (components in declaration order). */
    public String json(Job job) {
        try {
            return mapper.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize job " + job.getClass().getSimpleName(), e);
        }
    }

    @Override
    public byte[] serialize(Object data) {
        return data == null ? null : json((Job) data).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T deserialize(Class<T> type, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return mapper.readValue(data, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("invalid " + type.getSimpleName() + " payload", e);
        }
    }
}
