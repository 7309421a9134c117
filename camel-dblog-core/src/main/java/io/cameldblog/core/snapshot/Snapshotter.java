package io.cameldblog.core.snapshot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConfigurationException;
import io.cameldblog.core.LogPosition;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.consumer.ChangeEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads existing rows while the log streams, with the watermark algorithm of Netflix's DBLog: between two
 * transactions of the log, read the next chunk of a table in key order (no lock, no long transaction) and note the
 * log's position after it (the watermark); keep streaming, and drop from the chunk every row a log event before
 * the watermark touches (that event is newer than, or as new as, what the chunk read); once the reader has passed
 * the watermark, deliver what is left of the chunk as {@code op = r} rows. Every row a user sees is then either the
 * row as the chunk read it, with no change to it in the log between the chunk and its delivery, or a change event:
 * nothing is stale and nothing is lost, whatever is written meanwhile.
 * <p>
 * Progress (tables still to read, the key of the last row delivered) travels with every position stored while a
 * snapshot runs ({@link SnapshotPosition}), so a restart continues the snapshot after the last delivered row. All
 * methods but {@link #request} run on the reader's thread.
 */
public final class Snapshotter<P extends LogPosition> {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

    private final String uri;
    private final int chunkSize;
    private final Supplier<SnapshotSource<P>> sources;
    /** Which captured tables a request for "every captured table" reads (snapshotTables, less the signal table). */
    private final Predicate<String> snapshotTables;
    private final Runnable initialSnapshotDone;
    private final ConcurrentLinkedQueue<List<SnapshotProgress.Step>> requests = new ConcurrentLinkedQueue<>();

    private volatile SnapshotProgress progress;
    private SnapshotSource<P> source;
    private SnapshotTable table;
    private long tableRows;

    /** The chunk whose window is open: rows by normalised key, in key order; null when no window is open. */
    private Map<List<String>, Row> window;
    private P watermark;
    private boolean windowLast;
    private List<Object> windowLastKey;

    private record Row(ChangeEvent event, List<Object> key) {
    }

    /** Keys of window rows a partial log event touched: read again when the window is delivered. */
    private final Set<List<String>> readAgain = new HashSet<>();

    /**
     * @param progress            where a stored position left a snapshot ({@link SnapshotProgress#none()} if none)
     * @param initialSnapshotDone called (on the reader's thread) once the last step of the initial snapshot is
     *                            delivered
     */
    public Snapshotter(String uri, SnapshotProgress progress, int chunkSize, Supplier<SnapshotSource<P>> sources,
                       Predicate<String> snapshotTables, Runnable initialSnapshotDone) {
        this.uri = uri;
        this.progress = progress;
        this.chunkSize = Math.max(1, chunkSize);
        this.sources = sources;
        this.snapshotTables = snapshotTables;
        this.initialSnapshotDone = initialSnapshotDone;
    }

    public SnapshotProgress progress() {
        return progress;
    }

    /**
     * Whether a snapshot is under way or asked for: then stored positions carry its progress, and
     * {@link #betweenTransactions} has work (an open chunk belongs to a snapshot under way).
     */
    public boolean isActive() {
        return !progress.isDone() || !requests.isEmpty();
    }

    /**
     * Asks for a snapshot of {@code tables} (every captured table when null or empty), optionally only the rows
     * matching {@code where}; taken up by the reader between two transactions. From any thread.
     */
    public void request(List<String> tables, String where) {
        List<SnapshotProgress.Step> steps = new ArrayList<>();
        if (tables == null || tables.isEmpty()) {
            steps.add(new SnapshotProgress.Step(null, where, false));
        } else {
            for (String t : tables) {
                steps.add(new SnapshotProgress.Step(t.trim(), where, false));
            }
        }
        requests.add(steps);
    }

    /** A request read from the log (the signal table), on the reader's thread: part of the next position stored. */
    public void signal(List<String> tables, String where) {
        request(tables, where);
        takeRequests();
    }

    /** The position to store for {@code position}: with the snapshot's progress while one is under way. */
    public LogPosition decorate(P position) {
        SnapshotProgress p = progress;
        return p.isDone() ? position : new SnapshotPosition(position, p);
    }

    /** A log event is about to be delivered: the chunk rows it touches are stale and are not delivered. */
    public void onLogEvent(ChangeEvent event) {
        Map<List<String>, Row> w = window;
        if (w == null || !table.name().equals(filterName(event.source()))) {
            return;
        }
        if (event.op() == Operation.TRUNCATE) {
            // every row the chunk read is gone; rows written after the truncate come as their own events
            w.clear();
            readAgain.clear();
            return;
        }
        if (source.isPartial(event)) {
            // dropping the row would leave a consumer with the patch alone: the row is read again on delivery
            for (List<String> key : Arrays.asList(normalise(event.key(), table.keyColumns()),
                    normalise(event.after(), table.keyColumns()))) {
                if (key != null && w.containsKey(key)) {
                    readAgain.add(key);
                }
            }
            return;
        }
        w.remove(normalise(event.key(), table.keyColumns()));
        w.remove(normalise(event.before(), table.keyColumns()));
        w.remove(normalise(event.after(), table.keyColumns()));
    }

    /**
     * The reader is between two transactions at {@code position} and has delivered everything before it: deliver
     * the open chunk if its watermark is passed, and read the next chunks while their watermark is passed at once.
     */
    public void betweenTransactions(P position, ChangeEventSink<P> sink) throws Exception {
        if (!isActive()) {
            // no snapshot: called after every transaction, so it must cost nothing
            return;
        }
        takeRequests();
        if (window != null) {
            if (!source.reached(position, watermark)) {
                return;
            }
            deliver(position, sink);
        }
        boolean initialPending = progress.initialPending();
        while (!progress.isDone() && window == null) {
            readChunk(position, sink);
        }
        if (initialPending && !progress.initialPending()) {
            initialSnapshotDone.run();
        }
    }

    /** The reader lost its connection: it continues from the last delivered position, so the open chunk is read again. */
    public void connectionLost() {
        window = null;
        readAgain.clear();
        watermark = null;
        closeSource();
    }

    public void close() {
        connectionLost();
    }

    private void takeRequests() {
        List<SnapshotProgress.Step> steps;
        while ((steps = requests.poll()) != null) {
            progress = progress.with(steps);
            LOG.info("{}: snapshot requested: {}", uri, describe(steps));
        }
    }

    private void readChunk(P position, ChangeEventSink<P> sink) throws Exception {
        if (source == null) {
            source = sources.get();
        }
        SnapshotProgress.Step step = progress.current();
        if (step.table() == null) {
            List<SnapshotTable> resolved = tablesOrSkip(step, position, sink);
            if (resolved == null) {
                return;
            }
            List<SnapshotProgress.Step> tables = new ArrayList<>();
            for (SnapshotTable t : resolved) {
                if (snapshotTables.test(t.name())) {
                    tables.add(new SnapshotProgress.Step(t.name(), step.where(), step.initial()));
                }
            }
            LOG.info("{}: snapshot of {} table(s): {}", uri, tables.size(),
                    tables.stream().map(SnapshotProgress.Step::table).toList());
            progress = progress.resolved(tables);
            table = null;
            sink.advance(position);
            return;
        }
        if (table == null || !table.name().equals(step.table()) || !Objects.equals(table.where(), step.where())) {
            List<SnapshotTable> resolved = tablesOrSkip(step, position, sink);
            if (resolved == null) {
                return;
            }
            table = resolved.get(0);
            tableRows = 0;
            LOG.info("{}: snapshot of {} {}", uri, table.name(),
                    progress.afterKey() == null ? "from its first row" : "continues after key " + progress.afterKey());
        }
        SnapshotChunk<P> chunk = source.readChunk(table, progress.afterKey(), chunkSize, position);
        if (chunk.rows().isEmpty()) {
            finishTable(position, sink);
            return;
        }
        Map<List<String>, Row> rows = new LinkedHashMap<>();
        for (int i = 0; i < chunk.rows().size(); i++) {
            ChangeEvent row = chunk.rows().get(i);
            rows.put(normalise(row.after(), table.keyColumns()), new Row(row, chunk.keys().get(i)));
        }
        window = rows;
        watermark = chunk.watermark();
        windowLast = chunk.last();
        windowLastKey = chunk.keys().get(chunk.keys().size() - 1);
        if (source.reached(position, watermark)) {
            deliver(position, sink);
        }
    }

    /**
     * The tables of {@code step} (every captured one when it names none). A step a signal asked for that the source
     * refuses (a missing table, a bad condition, no primary key) is skipped, returning null, since the request is
     * stored with the position and would otherwise stop the stream on every restart; the initial snapshot's fail.
     */
    private List<SnapshotTable> tablesOrSkip(SnapshotProgress.Step step, P position, ChangeEventSink<P> sink)
            throws Exception {
        try {
            return source.tables(step.table() == null ? null : List.of(step.table()), step.where());
        } catch (DbLogConfigurationException e) {
            if (step.initial()) {
                throw e;
            }
            skip(step, e, position, sink);
            return null;
        }
    }

    private void skip(SnapshotProgress.Step step, DbLogConfigurationException e, P position, ChangeEventSink<P> sink) {
        LOG.warn("{}: the requested snapshot of {} is skipped: {}", uri,
                step.table() == null ? "every captured table" : step.table(), e.getMessage());
        progress = progress.nextTable();
        table = null;
        if (progress.isDone()) {
            closeSource();
        }
        sink.advance(position);
    }

    private void deliver(P position, ChangeEventSink<P> sink) throws Exception {
        Map<List<String>, Row> rows = window;
        window = null;
        watermark = null;
        if (!readAgain.isEmpty()) {
            rows = withRowsReadAgain(rows);
        }
        Iterator<Row> it = rows.values().iterator();
        while (it.hasNext()) {
            Row row = it.next();
            boolean last = windowLast && !it.hasNext();
            ChangeEvent e = row.event();
            SourceInfo s = e.source().toBuilder().position(position.text()).extra("snapshot", last ? "last" : true)
                    .build();
            progress = progress.after(row.key());
            tableRows++;
            sink.emit(e.toBuilder().source(s).position(position).build());
        }
        progress = progress.after(windowLastKey);
        if (windowLast) {
            finishTable(position, sink);
        } else {
            // stores the progress past rows the log replaced (none may follow before a kill)
            sink.advance(position);
        }
    }

    /** The window's rows, those a partial event touched replaced by the row as it is now (or left out if gone). */
    private Map<List<String>, Row> withRowsReadAgain(Map<List<String>, Row> rows) throws Exception {
        Set<List<String>> again = new HashSet<>(readAgain);
        readAgain.clear();
        again.retainAll(rows.keySet());
        List<List<Object>> keys = new ArrayList<>();
        for (List<String> key : again) {
            keys.add(rows.get(key).key());
        }
        Map<List<String>, ChangeEvent> now = new HashMap<>();
        for (ChangeEvent e : source.readAgain(table, keys)) {
            now.put(normalise(e.after(), table.keyColumns()), e);
        }
        Map<List<String>, Row> result = new LinkedHashMap<>();
        for (Map.Entry<List<String>, Row> e : rows.entrySet()) {
            if (!again.contains(e.getKey())) {
                result.put(e.getKey(), e.getValue());
            } else if (now.containsKey(e.getKey())) {
                result.put(e.getKey(), new Row(now.get(e.getKey()), e.getValue().key()));
            }
        }
        return result;
    }

    private void finishTable(P position, ChangeEventSink<P> sink) {
        if (table != null) {
            LOG.info("{}: snapshot of {} complete ({} rows delivered by the snapshot)", uri, table.name(), tableRows);
        }
        progress = progress.nextTable();
        table = null;
        tableRows = 0;
        if (progress.isDone()) {
            LOG.info("{}: snapshot complete", uri);
            closeSource();
        }
        sink.advance(position);
    }

    private void closeSource() {
        SnapshotSource<P> s = source;
        source = null;
        table = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the snapshot connection failed", e);
            }
        }
    }

    /** The name the table filters use: {@code schema.table} (PostgreSQL), else {@code db.table}. */
    public static String filterName(SourceInfo s) {
        return (s.schema() != null ? s.schema() : s.db()) + "." + s.table();
    }

    /**
     * A key comparable between a chunk row and a log event: the key columns' values in text form, so that the
     * same value read by a query and decoded from the log (an Integer and a Long, 1.50 and 1.5) are equal. Null
     * when the row is null or lacks a key column.
     */
    static List<String> normalise(Map<String, Object> row, List<String> keyColumns) {
        if (row == null) {
            return null;
        }
        List<String> key = new ArrayList<>(keyColumns.size());
        for (String column : keyColumns) {
            if (!row.containsKey(column)) {
                return null;
            }
            key.add(text(row.get(column)));
        }
        return key;
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? new BigDecimal(d).toPlainString()
                    : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Number || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof byte[] b) {
            return Arrays.toString(b);
        }
        return v.toString();
    }

    private static String describe(List<SnapshotProgress.Step> steps) {
        Function<SnapshotProgress.Step, String> one = s -> (s.table() == null ? "every captured table" : s.table())
                                                           + (s.where() == null ? "" : " where " + s.where());
        return String.join(", ", steps.stream().map(one).toList());
    }
}
