package io.cameldblog.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Contender} in its own JVM, started with this JVM's class path. Its output goes to
 * {@code <logDir>/<label>.log}; the {@code RESULT} line comes back as a map, with the launch time so the time from
 * JVM start to the first event can be computed across the two processes (same machine, same clock).
 */
final class ChildJvm {

    private final String label;
    private final Process process;
    private final long launchEpochMillis;
    private final Path log;
    private final CountDownLatch live = new CountDownLatch(1);
    private final CompletableFuture<Map<String, String>> result = new CompletableFuture<>();

    private ChildJvm(String label, Process process, long launchEpochMillis, Path log) {
        this.label = label;
        this.process = process;
        this.launchEpochMillis = launchEpochMillis;
        this.log = log;
    }

    static ChildJvm start(String label, Map<String, String> args, List<String> jvmOptions, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(label + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Contender.class.getName());
        args.forEach((k, v) -> command.add(k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        long launch = System.currentTimeMillis();
        ChildJvm child = new ChildJvm(label, builder.start(), launch, log);
        Thread reader = new Thread(child::readOutput, "out-" + label);
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private void readOutput() {
        Path out = log.resolveSibling(label + ".out");
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter copy = new PrintWriter(Files.newBufferedWriter(out))) {
            String line;
            while ((line = in.readLine()) != null) {
                copy.println(line);
                if (line.equals("LIVE")) {
                    live.countDown();
                } else if (line.startsWith("RESULT")) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (String pair : line.substring("RESULT".length()).trim().split(" ")) {
                        int eq = pair.indexOf('=');
                        values.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    result.complete(values);
                }
            }
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
        result.completeExceptionally(new IllegalStateException(
                label + " exited without a result; see " + log));
    }

    long launchEpochMillis() {
        return launchEpochMillis;
    }

    /** True once the reader saw its first probe row; false after {@code millis} or when the process is gone. */
    boolean awaitLive(long millis) throws InterruptedException {
        if (!process.isAlive() && live.getCount() > 0) {
            throw new IllegalStateException(label + " exited before it read anything; see " + log);
        }
        return live.await(millis, TimeUnit.MILLISECONDS);
    }

    Map<String, String> awaitResult(long seconds) throws Exception {
        try {
            return result.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(label + " gave no result within " + seconds + " s; see " + log, e);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
