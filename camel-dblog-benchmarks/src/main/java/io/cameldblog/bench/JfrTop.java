package io.cameldblog.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a recorded reader spends its CPU on the streaming thread: the execution samples of a JFR file whose stack
 * holds {@value #STREAM_FRAME} (start-up excluded), counted by the method on top of the stack (self), by the
 * nearest caller in the project, Camel or a client library (owner: where the JDK work is asked for), and by
 * every method on the stack (total, once per sample), as shares of those samples.
 * <p>
 * With {@code --all-threads} every thread's samples count (the resumable route's position writer, Camel's and the
 * client's threads), with a line per thread.
 * <p>
 * With {@code --under=<class.method>} also what that method calls (the frame above it on the stack), as shares of
 * all samples: where its time goes.
 * <p>
 * {@code java -cp ... io.cameldblog.bench.JfrTop <file.jfr> [top] [--all-threads] [--under=<class.method>]}.
 */
public final class JfrTop {

    private static final String STREAM_FRAME = "io.cameldblog.core.consumer.ChangeStreamLoop.run";
    private static final List<String> OWNERS = List.of("io.cameldblog.", "org.apache.camel.",
            "com.github.shyiko.", "org.postgresql.", "com.fasterxml.");

    private JfrTop() {
    }

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 && args[1].matches("\\d+") ? Integer.parseInt(args[1]) : 25;
        boolean allThreads = List.of(args).contains("--all-threads");
        Map<String, Integer> threads = new HashMap<>();
        String under = List.of(args).stream().filter(a -> a.startsWith("--under=")).map(a -> a.substring(8))
                .findFirst().orElse(null);
        Map<String, Integer> callees = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> owner = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            RecordedStackTrace stack = event.getStackTrace();
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || stack == null
                || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (!allThreads && frames.stream().noneMatch(f -> name(f).equals(STREAM_FRAME))) {
                continue;
            }
            samples++;
            threads.merge(event.getThread("sampledThread") == null ? "?"
                    : event.getThread("sampledThread").getJavaName(), 1, Integer::sum);
            self.merge(name(frames.get(0)), 1, Integer::sum);
            frames.stream().map(JfrTop::name).filter(n -> OWNERS.stream().anyMatch(n::startsWith)).findFirst()
                    .ifPresent(n -> owner.merge(n, 1, Integer::sum));
            if (under != null) {
                // the outermost call of the method: what it calls, or itself when sampled in its own code
                for (int i = frames.size() - 1; i >= 0; i--) {
                    if (name(frames.get(i)).equals(under)) {
                        callees.merge(i == 0 ? "(self)" : name(frames.get(i - 1)), 1, Integer::sum);
                        break;
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                if (seen.add(name(frame))) {
                    total.merge(name(frame), 1, Integer::sum);
                }
            }
        }
        System.out.printf("%s: %d execution samples on %s%n", args[0], samples,
                allThreads ? "all threads" : "the streaming thread");
        if (allThreads) {
            print("thread", threads, samples, top);
        }
        print("self", self, samples, top);
        print("owner (nearest project / Camel / client frame)", owner, samples, top);
        print("total (on the stack)", total, samples, top);
        if (under != null) {
            print("called by " + under, callees, samples, top);
        }
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf("%n  %s%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                        e.getKey()));
    }
}
