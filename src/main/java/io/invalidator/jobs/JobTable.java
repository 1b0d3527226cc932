package io.invalidator.jobs;

import jakarta.inject.Singleton;

import java.util.regex.Pattern;

/** The job table's qualified name, {@code schema.table}; both parts checked to be plain identifiers (they go into SQL). */
@Singleton
public class JobTable {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String name;

    JobTable(JobsConfig config) {
        for (String part : new String[] { config.schema(), config.table() }) {
            if (!IDENTIFIER.matcher(part).matches()) {
                throw new IllegalArgumentException("jobs: '" + part + "' is not a plain lower-case SQL identifier");
            }
        }
        this.name = config.schema() + "." + config.table();
    }

    public String name() {
        return name;
    }
}
