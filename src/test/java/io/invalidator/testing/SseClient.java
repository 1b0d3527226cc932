package io.invalidator.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A minimal SSE client for tests: collects every frame of one stream; {@link #close()} drops the connection as a
 * browser tab would.
 */
public final class SseClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");

    /** One SSE frame; fields absent from the frame are null. */
    public record Frame(String id, String data, String comment, String retry) {
        public String type() {
            if (data == null) {
                return null;
            }
            Matcher m = TYPE.matcher(data);
            return m.find() ? m.group(1) : null;
        }
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private volatile Flow.Subscription subscription;
    private volatile int status;
    private volatile HttpHeaders headers = HttpHeaders.of(Map.of(), (name, value) -> true);
    private volatile boolean ended;

    private SseClient() {
    }

    /** Opens {@code baseUrl + path}; returns once the response status is known. */
    public static SseClient open(String url) {
        return open(url, Map.of());
    }

    public static SseClient open(String url, Map<String, String> headers) {
        SseClient client = new SseClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HTTP.sendAsync(request.build(), info -> {
            client.status = info.statusCode();
            client.headers = info.headers();
            return HttpResponse.BodySubscribers.fromLineSubscriber(client.new Lines());
        });
        return client;
    }

    /** Waits for the stream's first frame, which the server sends once the stream is live. */
    public SseClient awaitLive() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !events().isEmpty());
        return this;
    }

    public int status() {
        return status;
    }

    /** Response headers; empty until the response status is known. */
    public HttpHeaders headers() {
        return headers;
    }

    public boolean ended() {
        return ended;
    }

    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Frames carrying data (events), in order. */
    public List<Frame> events() {
        return frames.stream().filter(f -> f.data() != null).toList();
    }

    public List<Frame> eventsOfType(String type) {
        return events().stream().filter(f -> type.equals(f.type())).toList();
    }

    public List<Frame> comments() {
        return frames.stream().filter(f -> f.comment() != null).toList();
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private final class Lines implements Flow.Subscriber<String> {
        private final List<String[]> fields = new ArrayList<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                flush();
                return;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            fields.add(new String[] { name, value });
        }

        private void flush() {
            if (fields.isEmpty()) {
                return;
            }
            String id = null, data = null, comment = null, retry = null;
            for (String[] f : fields) {
                switch (f[0]) {
                    case "" -> comment = f[1];
                    case "id" -> id = f[1];
                    case "data" -> data = data == null ? f[1] : data + "\n" + f[1];
                    case "retry" -> retry = f[1];
                    default -> {
                    }
                }
            }
            fields.clear();
            frames.add(new Frame(id, data, comment, retry));
        }

        @Override
        public void onError(Throwable throwable) {
            ended = true;
        }

        @Override
        public void onComplete() {
            flush();
            ended = true;
        }
    }
}
