package io.cameldblog.mysql;

import java.io.IOException;

import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

/**
 * A {@code PARTIAL_UPDATE_ROWS} event (MySQL 8.0.3+ with {@code binlog_row_value_options=PARTIAL_JSON}) as far as
 * the reader needs it: the table it changes. The client has no deserializer for it and would hand it over
 * empty, so that its rows were silently lost; the rows are not decoded here either (the after image holds only
 * JSON diffs), the reader refuses the event for a captured table.
 */
record PartialUpdateRowsEventData(long tableId) implements EventData {

    /** Reads the post-header's 6-byte table id and leaves the rest of the event unread. */
    static final class Deserializer implements EventDataDeserializer<PartialUpdateRowsEventData> {
        @Override
        public PartialUpdateRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            return new PartialUpdateRowsEventData(in.readLong(6));
        }
    }
}
