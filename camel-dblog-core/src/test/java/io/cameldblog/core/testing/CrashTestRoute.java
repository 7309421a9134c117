package io.cameldblog.core.testing;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The route {@link CrashLoop} runs in a child JVM and kills with {@code kill -9}: the key field of every captured
 * row is appended to a file; positions are stored every {@code batchSize} processed rows.
 * <p>
 * Arguments: uri outFile offsetsDir batchSize keyField [zooKeeperConnectString]: positions in ZooKeeper when the
 * last is given, else in files.
 */
public final class CrashTestRoute {

    private CrashTestRoute() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        FileChannel out = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        BatchingResumeStrategy positions = args.length > 5 ? new ZooKeeperResumeStrategy(args[5])
                : new FileResumeStrategy(Path.of(args[2]));
        positions.setBatchSize(Integer.parseInt(args[3]));
        String keyField = args[4];
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> {
                    Object id = e.getMessage().getBody(ChangeEvent.class).after().get(keyField);
                    out.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
                });
            }
        });
        context.start();
        System.out.println("crash route started");
        new CountDownLatch(1).await();
    }
}
