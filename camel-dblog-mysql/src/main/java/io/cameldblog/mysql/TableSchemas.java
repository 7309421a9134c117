package io.cameldblog.mysql;

import java.sql.SQLException;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;

/** Where row events get their table's columns from, and whom a DDL statement tells that a table changed. */
interface TableSchemas {

    TableSchema resolve(TableMapEventData map) throws SQLException;

    /** Forgets one table, or every table of {@code db} when {@code table} is null, or everything. */
    void invalidate(String db, String table);

    /** The catalogue-backed schemas of a running reader. */
    static TableSchemas of(TableSchemaResolver resolver, TableCatalog catalog) {
        return new TableSchemas() {
            @Override
            public TableSchema resolve(TableMapEventData map) throws SQLException {
                return resolver.resolve(map);
            }

            @Override
            public void invalidate(String db, String table) {
                catalog.invalidate(db, table);
            }
        };
    }
}
