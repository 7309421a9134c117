package io.cameldblog.mysql;

import java.util.List;

/**
 * How to read the rows of one table map: the table's name and its columns in binlog order, and which of them
 * form the primary key.
 */
record TableSchema(String db, String table, List<ColumnSpec> columns, List<Integer> keyColumns) {
}
