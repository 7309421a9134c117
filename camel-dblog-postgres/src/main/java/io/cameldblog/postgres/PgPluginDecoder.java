package io.cameldblog.postgres;

import java.nio.ByteBuffer;

/** Reads one message of a logical decoding output plugin. */
interface PgPluginDecoder {

    /**
     * @param  receiveLsn the WAL position the server sent with the message (0 for some plugin messages)
     * @return            the message, or null when it only updated the decoder's own state
     */
    PgMessage decode(ByteBuffer message, long receiveLsn);
}
