package io.cameldblog.postgres;

import java.util.HashSet;
import java.util.Set;

/**
 * The ids of the last transactions the reader passed (delivered or filtered), so that a snapshot chunk can tell
 * whether its database snapshot misses one of them. PostgreSQL writes a commit record before the transaction
 * leaves the process array: for that short moment (longer while a synchronous standby is awaited) the log
 * already carries the transaction while a new snapshot still sees it as running. A chunk read then would show
 * the rows as before a change the reader has already delivered; {@link PgSnapshotSource} reads it again.
 * <p>
 * Bounded: only the newest {@link #CAPACITY} ids are kept, far more than can commit during that moment.
 */
final class DeliveredTransactions {

    static final int CAPACITY = 4096;

    private final long[] xids = new long[CAPACITY];
    private int next;
    private int size;

    /** @param xid the 32-bit transaction id the decoding plugin reports */
    synchronized void add(long xid) {
        xids[next] = xid & 0xFFFF_FFFFL;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /**
     * One of the kept transactions that the snapshot {@code xmin:xmax:xip,...} (the text of
     * {@code txid_current_snapshot()}, 64-bit ids with epoch) does not see, or -1 when it sees them all.
     */
    synchronized long invisibleIn(String snapshot) {
        String[] parts = snapshot.split(":", -1);
        long xmin = Long.parseLong(parts[0]);
        long xmax = Long.parseLong(parts[1]);
        Set<Long> running = new HashSet<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                running.add(Long.parseLong(x));
            }
        }
        for (int i = 0; i < size; i++) {
            long full = widen(xids[i], xmax);
            if (full >= xmin && (full >= xmax || running.contains(full))) {
                return xids[i];
            }
        }
        return -1;
    }

    /** The 64-bit id of a 32-bit one that lies within 2^31 of {@code near} (xids wrap around every 2^32). */
    static long widen(long xid32, long near) {
        long full = (near & ~0xFFFF_FFFFL) | xid32;
        if (full > near + (1L << 31)) {
            full -= 1L << 32;
        } else if (full < near - (1L << 31)) {
            full += 1L << 32;
        }
        return full;
    }
}
