package io.cameldblog.postgres;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameldblog.core.Operation;

/**
 * What a logical decoding plugin's output means to a reader, whichever plugin wrote it.
 */
sealed interface PgMessage {

    /** @param commitLsn LSN of the transaction's commit record: the same for all of its rows */
    record Begin(long commitLsn, long commitTimeMicros, long xid) implements PgMessage {
    }

    /** @param endLsn the end of the commit record: replication started there continues after this transaction */
    record Commit(long commitLsn, long endLsn, long commitTimeMicros) implements PgMessage {
    }

    /**
     * One changed row.
     *
     * @param before    the old row as far as the replica identity logs it, or null
     * @param after     the new row without {@code unchanged} columns, or null for deletes
     * @param unchanged columns whose TOASTed value did not change and was not sent
     * @param lsn       the WAL position of the change record (0 when the plugin does not say)
     */
    record Row(PgRelation relation, Operation op, Map<String, Object> before, Map<String, Object> after,
            Set<String> unchanged, long lsn) implements PgMessage {
    }

    record Truncate(List<PgRelation> relations, boolean cascade, boolean restartIdentity) implements PgMessage {
    }

    /** A message written with {@code pg_logical_emit_message}. */
    record LogicalMessage(boolean transactional, long lsn, String prefix, byte[] content) implements PgMessage {
    }

    /** How text plugins write a commit time: {@code 2026-11-24 10:15:30.123456+00}. */
    java.time.format.DateTimeFormatter TEXT_TIMESTAMPTZ = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendPattern("x")
            .toFormatter();

    /** A text plugin's commit time as PostgreSQL microseconds since 2000-01-01 UTC. */
    static long pgMicros(String textTimestamptz) {
        java.time.OffsetDateTime t = java.time.OffsetDateTime.parse(textTimestamptz, TEXT_TIMESTAMPTZ);
        return t.toEpochSecond() * 1_000_000L + t.getNano() / 1000 - 946_684_800_000_000L;
    }

    /** Epoch milliseconds of a PostgreSQL timestamp (microseconds since 2000-01-01 UTC). */
    static long epochMillis(long pgMicros) {
        return Math.floorDiv(pgMicros, 1000L) + 946_684_800_000L;
    }
}
