package io.cameldblog.postgres;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The route {@link PgWalSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every event of a table
 * {@code (id, v, payload)} is appended to a file as "run TAB op TAB id TAB v|payload TAB snapshot-flag" (one write
 * per event, so a kill tears at most the last line), positions in files.
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
        String run = args[4];
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> {
                    ChangeEvent event = e.getMessage().getBody(ChangeEvent.class);
                    Map<String, Object> row = event.op() == Operation.DELETE ? event.before() : event.after();
                    String value = event.op() == Operation.DELETE ? "" : row.get("v") + "|" + row.get("payload");
                    Object snapshot = event.source().extra().get("snapshot");
                    String line = run + "\t" + event.op().code() + "\t" + row.get("id") + "\t" + value + "\t"
                                  + (snapshot == null ? "" : snapshot) + "\tend\n";
                    out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                });
            }
        });
        context.start();
        System.out.println("snapshot crash route started");
        new CountDownLatch(1).await();
    }
}
