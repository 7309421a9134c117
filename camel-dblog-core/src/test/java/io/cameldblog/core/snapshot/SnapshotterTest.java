package io.cameldblog.core.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.consumer.ChangeEventSink;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watermark algorithm against a model database whose writer commits between every step of the reader: the table
 * rebuilt from what is delivered equals the real one, whatever the interleaving, across restarts from stored
 * progress. The real servers are tested per source; this covers interleavings they produce only by chance.
 */
class SnapshotterTest {

    /** Log position: the number of transactions before it. */
    record Seq(long n) implements LogPosition {
        @Override
        public String text() {
            return "seq:" + n;
        }

        @Override
        public Map<String, Object> toMap() {
            return Map.of("seq", n);
        }
    }

    /** A one-table database: its rows, and its log (one change per transaction). */
    static final class Model {
        final TreeMap<Long, Long> rows = new TreeMap<>();
        final List<ChangeEvent> log = new ArrayList<>();
        final Random random;
        long chunksRead;
        /** Whether the writer commits between a chunk's rows and its watermark (a busy server). */
        boolean busy = true;

        Model(long seed, int initialRows) {
            random = new Random(seed);
            for (long k = 1; k <= initialRows; k++) {
                rows.put(k, k * 10);
            }
        }

        void write() {
            long key = 1 + random.nextInt((int) (rows.size() * 1.2) + 5);
            Long old = rows.get(key);
            int choice = random.nextInt(3);
            if (old == null) {
                long value = random.nextInt(1_000_000);
                rows.put(key, value);
                log.add(event(Operation.INSERT, null, row(key, value)));
            } else if (choice == 0) {
                rows.remove(key);
                log.add(event(Operation.DELETE, row(key, old), null));
            } else {
                long value = random.nextInt(1_000_000);
                rows.put(key, value);
                log.add(event(Operation.UPDATE, row(key, old), row(key, value)));
            }
        }

        SnapshotSource<Seq> source() {
            return new SnapshotSource<>() {
                @Override
                public List<SnapshotTable> tables(List<String> tables, String where) {
                    return List.of(new SnapshotTable("db.t", where, List.of("id")));
                }

                @Override
                public SnapshotChunk<Seq> readChunk(SnapshotTable table, List<Object> afterKey, int limit, Seq current) {
                    chunksRead++;
                    long after = afterKey == null ? Long.MIN_VALUE : ((Number) afterKey.get(0)).longValue();
                    List<ChangeEvent> events = new ArrayList<>();
                    List<List<Object>> keys = new ArrayList<>();
                    var tail = rows.tailMap(after, false).entrySet().iterator();
                    while (tail.hasNext() && events.size() < limit) {
                        var e = tail.next();
                        events.add(event(Operation.READ, null, row(e.getKey(), e.getValue())));
                        keys.add(List.of(e.getKey()));
                    }
                    boolean last = !tail.hasNext();
                    // commits between the rows' snapshot and reading the log's end: the watermark is later than the
                    // rows, so log events before it may be newer than them
                    for (int i = busy ? random.nextInt(3) : 0; i > 0; i--) {
                        write();
                    }
                    return new SnapshotChunk<>(events, keys, last, new Seq(log.size()));
                }

                @Override
                public boolean reached(Seq current, Seq watermark) {
                    return current.n() >= watermark.n();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    static Map<String, Object> row(long id, long value) {
        return Map.of("id", id, "v", value);
    }

    static ChangeEvent event(Operation op, Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> image = after != null ? after : before;
        return ChangeEvent.builder().op(op).before(before).after(after).key(Map.of("id", image.get("id")))
                .source(SourceInfo.builder().connector("model").db("db").table("t").build()).build();
    }

    /** What a user's target holds, and what was stored: applies events, fails after {@code killAfter} of them. */
    static final class Target implements ChangeEventSink<Seq> {
        final TreeMap<Long, Long> rows = new TreeMap<>();
        Snapshotter<Seq> snapshotter;
        LogPosition stored;
        long delivered;
        long snapshotRows;
        long killAfter = Long.MAX_VALUE;

        @Override
        public void emit(ChangeEvent event) {
            if (delivered == killAfter) {
                throw new IllegalStateException("killed");
            }
            snapshotter.onLogEvent(event);
            delivered++;
            Map<String, Object> image = event.after() != null ? event.after() : event.before();
            long id = ((Number) image.get("id")).longValue();
            if (event.op() == Operation.DELETE) {
                rows.remove(id);
            } else {
                rows.put(id, ((Number) event.after().get("v")).longValue());
            }
            if (event.op() == Operation.READ) {
                snapshotRows++;
                assertThat(event.source().extra()).containsKey("snapshot");
            }
            stored = snapshotter.decorate((Seq) event.position());
        }

        @Override
        public void advance(Seq position) {
            stored = snapshotter.decorate(position);
        }
    }

    /** Reads the log from {@code from} to its end while the writer writes, then until the snapshot is done. */
    static void stream(Model db, Target target, long from, int writesPerStep) throws Exception {
        long n = from;
        target.snapshotter.betweenTransactions(new Seq(n), target);
        while (n < db.log.size() || target.snapshotter.isActive()) {
            for (int i = 0; i < writesPerStep && db.log.size() < 20_000; i++) {
                db.write();
            }
            if (n < db.log.size()) {
                target.emit(db.log.get((int) n).toBuilder().position(new Seq(n + 1)).build());
                n++;
            }
            target.snapshotter.betweenTransactions(new Seq(n), target);
        }
    }

    static Snapshotter<Seq> snapshotter(Model db, SnapshotProgress progress, int chunk) {
        return new Snapshotter<>("model:t", progress, chunk, db::source, t -> true, () -> {
        });
    }

    static SnapshotProgress initial() {
        return SnapshotProgress.none().with(List.of(new SnapshotProgress.Step(null, null, true)));
    }

    @Test
    void theTableRebuiltFromTheEventsEqualsTheRealOneWhateverTheWriterDoes() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Model db = new Model(seed, 2_000);
            Target target = new Target();
            target.snapshotter = snapshotter(db, initial(), 1 + (int) (seed % 7) * 50);
            stream(db, target, 0, (int) (seed % 4));
            assertThat(target.rows).as("seed %d", seed).isEqualTo(db.rows);
            assertThat(target.snapshotter.progress().isDone()).isTrue();
        }
    }

    @Test
    void anIdleLogDeliversEveryChunkAtOnce() throws Exception {
        Model db = new Model(7, 5_000);
        db.busy = false;
        Target target = new Target();
        target.snapshotter = snapshotter(db, initial(), 1024);
        target.snapshotter.betweenTransactions(new Seq(0), target);
        assertThat(target.rows).isEqualTo(db.rows);
        assertThat(target.snapshotRows).isEqualTo(5_000);
        assertThat(db.chunksRead).isEqualTo(5);
    }

    @Test
    void aRestartContinuesAfterTheLastStoredRowAndReadsNoChunkTwiceBeyondTheOneInFlight() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Model db = new Model(seed, 3_000);
            Target target = new Target();
            target.snapshotter = snapshotter(db, initial(), 100);
            long chunksPerRun = 0;
            int kills = 0;
            long from = 0;
            for (long killAt : new long[] { 700 + seed * 13, 1_900 + seed * 7 }) {
                target.killAfter = killAt;
                try {
                    stream(db, target, from, 1);
                } catch (IllegalStateException killed) {
                    kills++;
                }
                // the kill loses what was not stored; the restart continues from the stored position and progress
                SnapshotPosition stored = (SnapshotPosition) target.stored;
                from = ((Seq) stored.log()).n();
                long readBefore = db.chunksRead;
                Target restarted = new Target();
                restarted.rows.putAll(target.rows);
                restarted.snapshotRows = target.snapshotRows;
                restarted.delivered = target.delivered;
                restarted.snapshotter = snapshotter(db, stored.progress(), 100);
                target = restarted;
                chunksPerRun = Math.max(chunksPerRun, db.chunksRead - readBefore);
            }
            target.killAfter = Long.MAX_VALUE;
            stream(db, target, from, 1);
            assertThat(kills).isEqualTo(2);
            assertThat(target.rows).as("seed %d", seed).isEqualTo(db.rows);
            // 3 000 rows in chunks of 100, plus a re-read chunk per kill and the empty chunk at each table end
            assertThat(target.snapshotRows).as("seed %d", seed).isLessThanOrEqualTo(db.rows.size() + 2 * 100 + 600);
        }
    }
}
