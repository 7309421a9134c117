package io.cameldblog.routes;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.json.ChangeEventJson;

/**
 * The packaged application ({@code target/camel-dblog.jar}) started as a user starts it: a separate JVM in a
 * working directory of its own, its console in a log file, configured by environment variables.
 */
final class AppProcess implements AutoCloseable {

    final Process process;
    final Path log;
    final int httpPort;

    private AppProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts the jar in {@code workDir} with the module's YAML routes, {@code args} and {@code env}. */
    static AppProcess start(Path workDir, Path log, Map<String, String> env, String... args) throws IOException {
        Path routesModule = Path.of("").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", routesModule.resolve("target/camel-dblog.jar").toString(),
                "--routes", routesModule.resolve("src/main/resources/routes").toString()));
        command.addAll(List.of(args));
        int httpPort = env.containsKey("DBLOG_HTTP_PORT") ? Integer.parseInt(env.get("DBLOG_HTTP_PORT")) : freePort();
        ProcessBuilder builder = new ProcessBuilder(command);
        Files.createDirectories(workDir);
        builder.directory(workDir.toFile());
        // nothing of the machine's own configuration leaks into the run
        builder.environment().keySet().removeIf(k -> k.startsWith("DBLOG_") || k.startsWith("MYSQL_")
                                                      || k.startsWith("PG_") || k.startsWith("MONGO_"));
        builder.environment().put("DBLOG_HTTP_PORT", String.valueOf(httpPort));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new AppProcess(builder.start(), log, httpPort);
    }

    /** GET on the management port; the body, or null while it does not answer. */
    String get(String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The first group of {@code pattern} in the console so far, or null. */
    String logMatch(Pattern pattern) throws IOException {
        Matcher m = pattern.matcher(logText());
        return m.find() ? m.group(1) : null;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, as a power loss or {@code kill -9}. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as Ctrl-C or an orchestrator's stop; true when it ended within {@code seconds}. */
    boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ids of the rows inserted into {@code table}, in the order of the JSON lines in {@code jsonl}. */
    @SuppressWarnings("unchecked")
    static List<Long> insertedIds(Path jsonl, String table) throws IOException {
        List<Long> ids = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return ids;
        }
        for (String line : Files.readAllLines(jsonl)) {
            if (line.isBlank() || !line.endsWith("}")) {
                continue; // a line still being written, or cut by a kill
            }
            Map<String, Object> event = ChangeEventJson.parseObject(line);
            Map<String, Object> source = (Map<String, Object>) event.get("source");
            if ("c".equals(event.get("op")) && table.equals(source.get("table"))) {
                Map<String, Object> after = (Map<String, Object>) event.get("after");
                ids.add(((Number) after.getOrDefault("id", after.get("_id"))).longValue());
            }
        }
        return ids;
    }
}
