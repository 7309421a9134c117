package io.cameldblog.bench;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

/** A database in its sandbox with the benchmark's tables, and what each reader needs to read it. */
interface BenchSource extends AutoCloseable {

    String title();

    /**
     * {@code batchRows} inserts in transactions of 1 000 (part {@code batch}), then {@code singleRows} one-row
     * transactions (part {@code single}); remembers where the second part starts in the log. {@code runs} names
     * each backlog run that will read both parts (a reader, and a round when the benchmark repeats).
     */
    void writeBacklog(int batchRows, int singleRows, List<String> runs) throws Exception;

    /**
     * Arguments for {@code reader} reading one part of the backlog ({@code batch} or {@code single}) from its start,
     * as backlog run {@code run} (one of {@link #writeBacklog}'s).
     */
    Map<String, String> backlogArgs(String reader, String run, String part) throws Exception;

    /** Arguments for a reader of table {@code lat} from now on; {@code run} names what the run needs of its own. */
    Map<String, String> latencyArgs(String reader, String run) throws Exception;

    /** A connection for the steady writer of table {@code lat}. */
    Connection latencyConnection() throws Exception;

    /** The SQL name of table {@code lat} for that connection. */
    String latencyTable();

    /**
     * Table {@code snap} with {@code rows} rows written before any snapshot reader starts (key 1..rows in a
     * {@code bigint} primary key, a {@code varchar}, an {@code int}, a {@code decimal}, a timestamp), then an idle
     * log: a snapshot reader has nothing to stream but the rows that exist.
     */
    void loadSnapshotTable(int rows) throws Exception;

    /** Arguments for a reader of an initial snapshot of table {@code snap}; {@code run} names what it needs of its own. */
    Map<String, String> snapshotArgs(String reader, String run) throws Exception;

    @Override
    void close();
}
