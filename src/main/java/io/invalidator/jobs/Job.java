package io.invalidator.jobs;

/**
 * A kind of background job: a record whose components are its payload, run by the {@link JobHandler} registered for
 * its type. Validate the payload in the record's compact constructor: a wrong payload then fails where the job is
 * made, not later on a scheduler thread.
 * <p>
 * Not sealed on purpose: the kinds are the {@link JobHandler} beans (tests add their own kinds as test-scope beans).
 * {@link Jobs#enqueue} accepts only {@code Job}s and rejects one without a registered handler.
 */
public interface Job {
}
