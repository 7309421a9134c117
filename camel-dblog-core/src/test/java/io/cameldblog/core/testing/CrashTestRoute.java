package io.cameldblog.core.testing;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

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
 * <p>
 * Crash tests that need another line per event (deletes, snapshot flags) have a {@code main} of their own that
 * calls {@link #run}.
 */
public final class CrashTestRoute {

    private CrashTestRoute() {
    }

    public static void main(String[] args) throws Exception {
        BatchingResumeStrategy positions = args.length > 6 ? new ZooKeeperResumeStrategy(args[6])
                : new FileResumeStrategy(Path.of(args[2]));
        positions.setMaxUnstored(Integer.parseInt(args[3]));
        String keyField = args[4];
        String run = args[5];
        run(args[0], Path.of(args[1]), positions, event -> {
            Map<String, Object> after = event.after();
            return run + "\t" + after.get(keyField) + "\t" + ChangeEventJson.write(new TreeMap<>(after)) + "\n";
        });
    }

    /** Positions in files under {@code offsetsDir}, at most {@code maxUnstored} of them waiting to be written. */
    public static FileResumeStrategy files(String offsetsDir, String maxUnstored) {
        FileResumeStrategy positions = new FileResumeStrategy(Path.of(offsetsDir));
        positions.setMaxUnstored(Integer.parseInt(maxUnstored));
        return positions;
    }

    /**
     * Starts a resumable route from {@code uri} that appends {@code line} of each event to {@code out} (one write
     * per event, so a kill tears at most the last line), and waits to be killed.
     */
    public static void run(String uri, Path out, BatchingResumeStrategy positions, Function<ChangeEvent, String> line)
            throws Exception {
        FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).resumable(positions).process(e -> file.write(ByteBuffer.wrap(
                        line.apply(e.getMessage().getBody(ChangeEvent.class)).getBytes(StandardCharsets.UTF_8))));
            }
        });
        context.start();
        System.out.println("crash route started");
        new CountDownLatch(1).await();
    }
}
