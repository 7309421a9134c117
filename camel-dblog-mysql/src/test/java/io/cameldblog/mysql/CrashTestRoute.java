package io.cameldblog.mysql;

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
 * The route {@link MysqlBinlogCrashTest} runs in a child JVM and kills with {@code kill -9}: every captured row's
 * id is appended to a file, positions are stored in files every {@code batchSize} processed rows.
 * <p>
 * Arguments: host port outFile offsetsDir batchSize table [zooKeeperConnectString]: positions in ZooKeeper when the
 * last is given, else in files.
 */
public final class CrashTestRoute {

    private CrashTestRoute() {
    }

    public static void main(String[] args) throws Exception {
        String uri = "mysqlbinlog:crash_" + args[5] + "?host=" + args[0] + "&port=" + args[1] + "&username=dblog&password=dblog-secret"
                     + "&includeTables=shop\\." + args[5] + "&startPosition=earliest&reconnectDelay=100";
        FileChannel out = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        BatchingResumeStrategy positions = args.length > 6 ? new ZooKeeperResumeStrategy(args[6])
                : new FileResumeStrategy(Path.of(args[3]));
        positions.setBatchSize(Integer.parseInt(args[4]));
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> {
                    Object id = e.getMessage().getBody(ChangeEvent.class).after().get("id");
                    out.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
                });
            }
        });
        context.start();
        System.out.println("crash route started");
        new CountDownLatch(1).await();
    }
}
