package io.cameldblog.postgres;

import java.nio.ByteBuffer;

/** Reads one message of a logical decoding output plugin. */
interface PgPluginDecoder {

    /**
     * @param  receiveLsn the WAL position the server sent with the message (0 for some plugin messages)
     * @return            the message, or null when it only updated the decoder's own state
     */
    PgMessage decode(ByteBuffer message, long receiveLsn);

    /**
     * Between transactions, the reader stored {@code lsn} as its position (heartbeat): a stream started there
     * continues with the next transaction, which a decoder that names transactions by where the previous one
     * ended must now name by {@code lsn}.
     */
    default void passed(long lsn) {
    }
}
