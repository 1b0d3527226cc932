import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the CPU went in a recording, as shares of all execution samples: per thread group, inclusive per method
 * (a method counts once per sample that has it anywhere on the stack; {@code jfr view hot-methods} only shows the top
 * frame, which is flat for a framework-heavy path), self per method, and allocation pressure by top frame.
 * {@code java bench/JfrSummary.java rec.jfr [from-epoch-ms to-epoch-ms [method-regex]]}: only events in the window.
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        long from = args.length > 2 ? Long.parseLong(args[1]) : Long.MIN_VALUE;
        long to = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        Pattern filter = Pattern.compile(args.length > 3 ? args[3]
                : "io\\.invalidator|SseUtil|Serialisers|PublisherResponseHandler|Http1xServerResponse\\.write"
                + "|MultiEmitter\\.emit|writeAndFlush|RESPParser\\.handle$|TodoResource|TodoService|ArcContainer"
                + "|TransactionImple|Hibernate.*flush|Socket.*write|EpollEventLoop\\.run|NioEventLoop\\.run");
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> eachThread = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Long> allocation = new HashMap<>();
        Map<String, double[]> cpu = new HashMap<>(); // thread -> {sum of user+system, count}
        long allocTotal = 0;
        int samples = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                long at = e.getStartTime().toEpochMilli();
                if (at < from || at > to) {
                    continue;
                }
                String type = e.getEventType().getName();
                RecordedStackTrace st = e.getStackTrace();
                if (type.equals("jdk.ExecutionSample") && st != null) {
                    samples++;
                    String thread = e.getThread("sampledThread") == null ? "?"
                            : e.getThread("sampledThread").getJavaName();
                    threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "#"), 1, Integer::sum);
                    eachThread.merge(String.valueOf(thread), 1, Integer::sum);
                    Set<String> seen = new HashSet<>();
                    boolean top = true;
                    for (RecordedFrame f : st.getFrames()) {
                        String m = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                        if (top) {
                            self.merge(m, 1, Integer::sum);
                            top = false;
                        }
                        if (seen.add(m)) {
                            inclusive.merge(m, 1, Integer::sum);
                        }
                    }
                } else if (type.equals("jdk.ThreadCPULoad") && e.getThread("eventThread") != null) {
                    double[] acc = cpu.computeIfAbsent(String.valueOf(e.getThread("eventThread").getJavaName()),
                            k -> new double[2]);
                    acc[0] += e.getFloat("user") + e.getFloat("system");
                    acc[1]++;
                } else if (type.equals("jdk.ObjectAllocationSample") && st != null && !st.getFrames().isEmpty()) {
                    long w = e.getLong("weight");
                    allocTotal += w;
                    RecordedFrame f = st.getFrames().getFirst();
                    String cls = e.getClass("objectClass").getName();
                    allocation.merge(cls + " at " + f.getMethod().getType().getName() + "." + f.getMethod().getName(),
                            w, Long::sum);
                }
            }
        }
        int n = Math.max(1, samples);
        System.out.println("execution samples: " + samples + (from == Long.MIN_VALUE ? " (whole recording)"
                : " between " + java.time.Instant.ofEpochMilli(from) + " and " + java.time.Instant.ofEpochMilli(to)));
        System.out.println("\n-- samples per thread (digits folded)");
        print(threads, n, 12, null);
        System.out.println("\n-- samples per thread, top 6");
        print(eachThread, n, 6, null);
        System.out.println("\n-- CPU per thread (jdk.ThreadCPULoad, mean user+system, 100% = one core), top 8");
        cpu.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0] / b.getValue()[1],
                a.getValue()[0] / a.getValue()[1])).limit(8).forEach(en -> System.out.printf(Locale.ROOT,
                "%5.1f%%  %s%n", 100 * en.getValue()[0] / en.getValue()[1], en.getKey()));
        System.out.println("\n-- inclusive: share of samples with the method on the stack (filtered: " + filter + ")");
        print(inclusive, n, 60, filter);
        System.out.println("\n-- self: share of samples with the method on top");
        print(self, n, 25, null);
        System.out.println("\n-- allocation pressure (sampled weight) by class and allocating method");
        long total = Math.max(1, allocTotal);
        allocation.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(20)
                .forEach(en -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", en.getValue() * 100.0 / total,
                        en.getKey()));
    }

    static void print(Map<String, Integer> counts, int n, int limit, Pattern filter) {
        counts.entrySet().stream().filter(en -> filter == null || filter.matcher(en.getKey()).find())
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(en -> System.out.printf(Locale.ROOT, "%5.1f%%  %s%n", en.getValue() * 100.0 / n,
                        en.getKey()));
    }
}
