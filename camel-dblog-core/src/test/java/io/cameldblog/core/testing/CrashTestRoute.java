package io.cameldblog.core.testing;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.json.ChangeEventJson;
import io.cameldblog.core.resume.BatchingResumeStrategy;
import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The route {@link CrashLoop} runs in a child JVM and kills with {@code kill -9}: every captured row is appended to
 * a file as "run TAB key TAB row values as JSON" (one write per row); positions are stored by the strategy's default
 * writer with the given {@code maxUnstored}.
 * <p>
 * Arguments: uri outFile offsetsDir maxUnstored keyField run [zooKeeperConnectString]: positions in ZooKeeper when
 * the last is given, else in files.
 */
public final class CrashTestRoute {

    private CrashTestRoute() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        FileChannel out = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        BatchingResumeStrategy positions = args.length > 6 ? new ZooKeeperResumeStrategy(args[6])
                : new FileResumeStrategy(Path.of(args[2]));
        positions.setMaxUnstored(Integer.parseInt(args[3]));
        String keyField = args[4];
        String run = args[5];
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> {
                    Map<String, Object> after = e.getMessage().getBody(ChangeEvent.class).after();
                    String line = run + "\t" + after.get(keyField) + "\t" + ChangeEventJson.write(new TreeMap<>(after))
                                  + "\n";
                    out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                });
            }
        });
        context.start();
        System.out.println("crash route started");
        new CountDownLatch(1).await();
    }
}
