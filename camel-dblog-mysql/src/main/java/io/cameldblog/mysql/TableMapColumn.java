package io.cameldblog.mysql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;

/**
 * One column as a table map event describes it: the real type (ENUM, SET, CHAR and BINARY unpacked from the
 * STRING type), the type's metadata (lengths, precision, fractional digits), and what the optional metadata
 * block says about it. Each optional fact is {@code null} when the server did not log it: names and ENUM/SET
 * labels need {@code binlog_row_metadata=FULL}; signedness and charsets come with MINIMAL too.
 */
record TableMapColumn(int index, ColumnType type, int meta, String name, Boolean unsigned, Integer collation,
        List<String> labels) {

    /** The columns of a table map in binlog order. */
    static List<TableMapColumn> read(TableMapEventData map) {
        byte[] types = map.getColumnTypes();
        int[] metas = map.getColumnMetadata();
        TableMapEventMetadata md = map.getEventMetadata();
        List<String> names = md != null && md.getColumnNames() != null
                && md.getColumnNames().size() == types.length ? md.getColumnNames() : null;
        // the metadata lists hold one entry per column of a kind, in column order: each is consumed as such a
        // column goes by
        Collations characterCollations = md == null ? new Collations(null, null)
                : new Collations(md.getDefaultCharset(), md.getColumnCharsets());
        Collations enumAndSetCollations = md == null ? new Collations(null, null)
                : new Collations(md.getEnumAndSetDefaultCharset(), md.getEnumAndSetColumnCharsets());
        Iterator<String[]> enumLabels = iterator(md == null ? null : md.getEnumStrValues());
        Iterator<String[]> setLabels = iterator(md == null ? null : md.getSetStrValues());

        List<TableMapColumn> columns = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            int meta = metas[i];
            ColumnType type = ColumnSpec.realType(ColumnType.byCode(types[i] & 0xFF), meta);
            Boolean unsigned = null;
            Integer collation = null;
            List<String> labels = null;
            if (ColumnSpec.isNumeric(type) && md != null && md.getSignedness() != null) {
                // the client lays the signedness bits out by column index, not by numeric-column index
                unsigned = md.getSignedness().get(i);
            } else if (ColumnSpec.isCharacter(type)) {
                collation = characterCollations.next();
            } else if (type == ColumnType.ENUM || type == ColumnType.SET) {
                collation = enumAndSetCollations.next();
                Iterator<String[]> source = type == ColumnType.ENUM ? enumLabels : setLabels;
                labels = source.hasNext() ? List.copyOf(Arrays.asList(source.next())) : null;
            }
            columns.add(new TableMapColumn(i, type, meta, names == null ? null : names.get(i), unsigned, collation,
                    labels));
        }
        return List.copyOf(columns);
    }

    private static Iterator<String[]> iterator(List<String[]> list) {
        return list == null ? List.<String[]> of().iterator() : list.iterator();
    }

    /**
     * The collations of the columns of one kind, in column order, from whichever of the two forms the server
     * wrote: one per column, or a default with exceptions keyed by the column's number among that kind.
     */
    private static final class Collations {

        private final TableMapEventMetadata.DefaultCharset defaults;
        private final List<Integer> perColumn;
        private int next;

        Collations(TableMapEventMetadata.DefaultCharset defaults, List<Integer> perColumn) {
            this.defaults = defaults;
            this.perColumn = perColumn == null || perColumn.isEmpty() ? null : perColumn;
        }

        /** The next column's collation, or {@code null} when the table map does not say. */
        Integer next() {
            int ordinal = next++;
            if (perColumn != null) {
                return ordinal < perColumn.size() ? perColumn.get(ordinal) : null;
            }
            if (defaults == null) {
                return null;
            }
            Map<Integer, Integer> exceptions = defaults.getCharsetCollations();
            Integer exception = exceptions == null ? null : exceptions.get(ordinal);
            return exception != null ? exception : defaults.getDefaultCharsetCollation();
        }
    }
}
