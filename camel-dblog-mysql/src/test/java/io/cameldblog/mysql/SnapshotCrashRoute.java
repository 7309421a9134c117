package io.cameldblog.mysql;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.resume.FileResumeStrategy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The resumable route {@link MysqlBinlogSnapshotCrashTest} runs in a child JVM and kills with {@code kill -9}: every
 * event is appended to a file as "run TAB op TAB id TAB snapshot-flag TAB row-text TAB ." (one write per event; the
 * final dot tells a whole line from one the kill tore).
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
                    String line = run + "\t" + event.op().code() + "\t" + event.key().get("id") + "\t"
                                  + event.source().extra().getOrDefault("snapshot", "-") + "\t"
                                  + (event.after() == null ? "-" : RebuiltTable.text(event.after())) + "\t.\n";
                    out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                });
            }
        });
        context.start();
        System.out.println("snapshot crash route started");
        new CountDownLatch(1).await();
    }
}
