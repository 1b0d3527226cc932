package io.invalidator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}) as a child process on a free loopback port, running the deployment's own
 * configuration ({@code docker/nginx/}) in front of instances on this machine. Everything it writes (logs, pid,
 * temp files) stays in its own temporary directory.
 * <p>
 * Of {@code invalidator.conf} only the {@code listen} line and the {@code proxy_read_timeout} line are replaced; of
 * {@code upstream.conf} only the {@code server} addresses. Each must match exactly as often as expected, so a change
 * in those files that this class would silently miss fails the test instead.
 */
public final class NginxProcess implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Path CONFIG_DIR = Path.of("docker", "nginx");

    private final Process process;
    private final int port;
    private final Path dir;

    private NginxProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean isInstalled() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts nginx in front of the given upstream ports (one per {@code server} line of upstream.conf, in order) and
     * waits until it accepts connections.
     */
    public static NginxProcess start(List<Integer> upstreamPorts, Duration streamReadTimeout) {
        int port = AppProcess.freePort();
        try {
            Path dir = Files.createTempDirectory("invalidator-nginx-");
            String server = Files.readString(CONFIG_DIR.resolve("invalidator.conf"));
            server = replaceOnce(server, "(?m)^(\\s*)listen\\s+[^;]+;", "$1listen 127.0.0.1:" + port + ";");
            server = replaceOnce(server, "(?m)^(\\s*)proxy_read_timeout\\s+[^;]+;",
                    "$1proxy_read_timeout " + streamReadTimeout.toMillis() + "ms;");
            Files.writeString(dir.resolve("invalidator.conf"), server);
            Files.writeString(dir.resolve("upstream.conf"),
                    withServers(Files.readString(CONFIG_DIR.resolve("upstream.conf")), upstreamPorts));
            Files.writeString(dir.resolve("nginx.conf"), mainConfig(dir));

            Process process = new ProcessBuilder(BINARY.toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf")
                    .toString(), "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            NginxProcess nginx = new NginxProcess(process, port, dir);
            nginx.awaitListening(Duration.ofSeconds(10));
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public String errorLog() {
        try {
            return Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no error log: " + e + ")";
        }
    }

    /** SIGTERM to the master process (nginx's fast shutdown), SIGKILL if it is still there after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited (" + process.exitValue() + "): " + errorLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Top level and http block: every path inside {@code dir}, nothing under /var/log, /var/lib/nginx or /run. */
    private static String mainConfig(Path dir) {
        // As root, workers would otherwise run as nobody, who may not enter the private temp directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user + """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events {
                    worker_connections 256;
                }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/upstream.conf;
                    include %1$s/invalidator.conf;
                }
                """.formatted(dir);
    }

    /** The upstream block of upstream.conf with its server addresses (in order) replaced by loopback ports. */
    private static String withServers(String upstream, List<Integer> ports) {
        Matcher m = Pattern.compile("(?m)^(\\s*server\\s+)\\S+").matcher(upstream);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            if (i >= ports.size()) {
                throw new IllegalStateException("upstream.conf has more servers than the " + ports.size() + " given");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + "127.0.0.1:" + ports.get(i++)));
        }
        m.appendTail(out);
        if (i != ports.size()) {
            throw new IllegalStateException("upstream.conf has " + i + " servers, the test gave " + ports.size());
        }
        return out.toString();
    }

    private static String replaceOnce(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        if (count != 1) {
            throw new IllegalStateException("expected exactly one match of " + regex + ", found " + count);
        }
        return m.reset().replaceFirst(replacement);
    }
}
