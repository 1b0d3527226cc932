package io.invalidator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The packaged application ({@code target/quarkus-app}) started as a separate process on a free port: a real second
 * instance, for tests that need several of them. Uses the shared PostgreSQL test database and Redis unless told
 * otherwise.
 */
public final class AppProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final String name;
    private final Map<String, String> extraProperties;
    private final int port;
    private final Path log;

    private AppProcess(Process process, String name, Map<String, String> extraProperties, int port, Path log) {
        this.process = process;
        this.name = name;
        this.extraProperties = extraProperties;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts an instance in channel namespace and schema {@code <INVALIDATOR_TEST_ENV or test><name>} and waits until
     * it is ready.
     */
    public static AppProcess start(String name, Map<String, String> extraProperties) {
        return start(name, extraProperties, freePort());
    }

    private static AppProcess start(String name, Map<String, String> extraProperties, int port) {
        String env = namespace(name);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dinvalidation.env=" + env);
        command.add("-Dinvalidator.schema=invalidator_" + env);
        command.add("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/test");
        extraProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        try {
            Path log = Files.createTempFile("invalidator-" + env + "-" + port + "-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            AppProcess app = new AppProcess(process, name, Map.copyOf(extraProperties), port, log);
            try {
                app.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException | Error e) {
                app.close(); // never leave an instance running behind a failed start
                throw e;
            }
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AppProcess start(String name) {
        return start(name, Map.of());
    }

    /** The channel namespace an instance started with {@code name} uses. */
    public static String namespace(String name) {
        return System.getenv().getOrDefault("INVALIDATOR_TEST_ENV", "test") + name;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void awaitReady(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance exited during start; see " + log);
            }
            return readyStatus() == 200;
        });
    }

    /** HTTP status of {@code /q/health/ready}, or -1 when the instance does not answer. */
    public int readyStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Graceful stop (SIGTERM); returns how long the process took to exit. */
    public Duration stop() {
        long start = System.nanoTime();
        process.destroy();
        waitFor();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Stops this instance gracefully if it still runs, then starts a new one with the same settings on the same port,
     * so that clients holding its URL (a browser page, an EventSource) can come back to it.
     */
    public AppProcess restart() {
        if (process.isAlive()) {
            stop();
        }
        return start(name, extraProperties, port);
    }

    /** SIGKILL: the instance vanishes without a goodbye. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
