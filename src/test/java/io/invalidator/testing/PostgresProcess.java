package io.invalidator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster (initdb into a temp dir) on a free loopback port, for tests that stop and restart the
 * database. Runs as the {@code postgres} OS user when the tests run as root (PostgreSQL refuses root).
 */
public final class PostgresProcess implements AutoCloseable {

    private final int port;
    private final Path dir;

    private PostgresProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static PostgresProcess start() {
        try {
            Path dir = Files.createTempDirectory("pg-");
            PostgresProcess pg = new PostgresProcess(AppProcess.freePort(), dir);
            pg.run("chown", "-R", "postgres", dir.toString());
            pg.runAsPostgres(bin("initdb"), "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust",
                    "--no-sync");
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public void startServer() {
        runAsPostgres(bin("pg_ctl"), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "start");
    }

    /** Stops at once (immediate mode): every connection breaks, as in a crash. */
    public void stopServer() {
        runAsPostgres(bin("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    @Override
    public void close() {
        if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
            stopServer();
        }
    }

    private void runAsPostgres(String... command) {
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + dir.resolve("commands.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String bin(String name) {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.sorted().map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                    .reduce((a, b) -> b).orElseThrow().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
