package io.cameldblog.mongo;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The route {@link MongoSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every event, of any
 * operation, is appended to a file as one JSON line (run, op, _id, after, patch, removed, snapshot), one write per
 * event; positions in files with the given {@code maxUnstored}.
 * <p>
 * Arguments: uri outFile offsetsDir maxUnstored run.
 */
public final class SnapshotCrashRoute {

    private SnapshotCrashRoute() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        FileChannel out = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileResumeStrategy positions = new FileResumeStrategy(Path.of(args[2]));
        positions.setMaxUnstored(Integer.parseInt(args[3]));
        int run = Integer.parseInt(args[4]);
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> {
                    ChangeEvent event = e.getMessage().getBody(ChangeEvent.class);
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("run", run);
                    line.put("op", event.op().code());
                    line.put("id", event.key().get("_id"));
                    line.put("after", event.after());
                    line.put("patch", OplogEntryMapper.isPatch(event));
                    line.put("removed", event.source().extra().get("removed"));
                    line.put("snapshot", event.source().extra().get("snapshot"));
                    out.write(ByteBuffer.wrap((ChangeEventJson.write(line) + "\n").getBytes(StandardCharsets.UTF_8)));
                });
            }
        });
        context.start();
        System.out.println("snapshot crash route started");
        new CountDownLatch(1).await();
    }
}
