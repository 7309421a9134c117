package io.cameldblog.mysql;

import java.nio.charset.Charset;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cameldblog.core.DbLogConfigurationException;

/**
 * Turns a table map event into the {@link TableSchema} its rows are decoded with.
 * <p>
 * What the table map says ({@link TableMapColumn}: types always; with {@code binlog_row_metadata=FULL} also
 * names, signedness, charsets, ENUM/SET labels and the primary key) describes the table as it was when the row
 * was written, so it wins. The catalogue describes the table as it is now: it fills in what the table map lacks,
 * and when the table map has no names, its columns are matched by position, which holds only if the table has
 * not changed since. That is checked column by column ({@link ColumnTypeMatch}); a mismatch stops the stream
 * rather than attach values to the wrong columns.
 */
final class TableSchemaResolver {

    private final ServerConnection server;
    private final TableCatalog catalog;

    TableSchemaResolver(ServerConnection server, TableCatalog catalog) {
        this.server = server;
        this.catalog = catalog;
    }

    TableSchema resolve(TableMapEventData map) throws SQLException {
        String table = map.getDatabase() + "." + map.getTable();
        List<TableMapColumn> logged = TableMapColumn.read(map);
        CatalogTable now = catalog.table(map.getDatabase(), map.getTable());
        boolean named = !logged.isEmpty() && logged.get(0).name() != null;
        if (!named) {
            checkSameShape(table, logged, now);
        }

        List<ColumnSpec> columns = new ArrayList<>(logged.size());
        for (TableMapColumn column : logged) {
            CatalogTable.CatalogColumn described = named ? now.column(column.name())
                    : now.columns().get(column.index());
            columns.add(spec(column, described, now));
        }
        List<String> names = columns.stream().map(ColumnSpec::name).toList();
        return new TableSchema(map.getDatabase(), map.getTable(), List.copyOf(columns),
                keyColumns(map.getEventMetadata(), names, now));
    }

    /**
     * Without names in the table map, its columns are the catalogue's columns by position: only when the count and
     * each column's type agree.
     */
    private static void checkSameShape(String table, List<TableMapColumn> logged, CatalogTable now) {
        String fix = "set binlog_row_metadata=FULL on the server (SET GLOBAL binlog_row_metadata='FULL' and in"
                     + " my.cnf; MySQL 8.0.1+, MariaDB 10.5+) so that row events carry their column names. Events"
                     + " written before this change cannot be matched to today's columns: start from a position"
                     + " after the ALTER TABLE (remove the stored position and set startPosition) and re-sync the"
                     + " target for the rows in between, or restore the table's old definition while they are read.";
        if (now.columns().isEmpty()) {
            throw new DbLogConfigurationException(
                    "Table " + table + " has rows in the binlog but no longer exists (information_schema lists no"
                                                  + " columns for it), and the binlog does not name its columns"
                                                  + " (binlog_row_metadata is not FULL).",
                    fix);
        }
        if (logged.size() != now.columns().size()) {
            throw new DbLogConfigurationException(
                    "Table " + table + " has " + logged.size() + " columns in the binlog's table map but "
                                                  + now.columns().size() + " in information_schema now, and the binlog"
                                                  + " does not name them (binlog_row_metadata is not FULL): the table"
                                                  + " changed after this event was written.",
                    fix);
        }
        for (TableMapColumn column : logged) {
            CatalogTable.CatalogColumn current = now.columns().get(column.index());
            if (!ColumnTypeMatch.matches(column, current)) {
                throw new DbLogConfigurationException(
                        "Table " + table + ", column " + (column.index() + 1) + " (`" + current.name()
                                                      + "` in information_schema): the binlog's table map has "
                                                      + ColumnTypeMatch.describe(column)
                                                      + " but information_schema has " + current.columnType()
                                                      + " now, and the binlog does not name its columns"
                                                      + " (binlog_row_metadata is not FULL): the table changed after"
                                                      + " this event was written, so its values cannot be attached to"
                                                      + " names.",
                        fix);
            }
        }
    }

    /** What decoding the column needs: the table map's facts first, the catalogue's where the map is silent. */
    private ColumnSpec spec(TableMapColumn column, CatalogTable.CatalogColumn described, CatalogTable now) {
        String name = column.name() != null ? column.name() : described.name();
        boolean unsigned = column.unsigned() != null ? column.unsigned()
                : described != null && described.unsigned();
        Charset charset = null;
        if (column.collation() != null) {
            charset = server.charsetOf(column.collation());
        } else if (described != null && (ColumnSpec.isCharacter(column.type()) || isEnumOrSet(column.type()))) {
            charset = ServerConnection.javaCharset(described.charsetName());
        }
        List<String> labels = List.of();
        if (isEnumOrSet(column.type())) {
            labels = column.labels() != null ? column.labels() : described != null ? described.labels() : List.of();
        }
        boolean json = column.type() == ColumnType.JSON || now.jsonColumns().contains(name);
        return new ColumnSpec(name, column.type(), column.meta(), unsigned, charset, labels, json);
    }

    private static boolean isEnumOrSet(ColumnType type) {
        return type == ColumnType.ENUM || type == ColumnType.SET;
    }

    /** Positions of the primary key's columns: from the table map when it lists them, else by name. */
    private static List<Integer> keyColumns(TableMapEventMetadata md, List<String> names, CatalogTable now) {
        if (md != null && md.getSimplePrimaryKeys() != null && !md.getSimplePrimaryKeys().isEmpty()) {
            return List.copyOf(md.getSimplePrimaryKeys());
        }
        if (md != null && md.getPrimaryKeysWithPrefix() != null && !md.getPrimaryKeysWithPrefix().isEmpty()) {
            return List.copyOf(md.getPrimaryKeysWithPrefix().keySet());
        }
        List<Integer> key = new ArrayList<>();
        for (String column : now.primaryKey()) {
            int i = names.indexOf(column);
            if (i >= 0) {
                key.add(i);
            }
        }
        return List.copyOf(key);
    }
}
