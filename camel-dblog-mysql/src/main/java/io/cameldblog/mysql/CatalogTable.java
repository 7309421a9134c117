package io.cameldblog.mysql;

import java.util.List;
import java.util.Set;

/**
 * A table as {@code information_schema} describes it now: what the binlog's table map may lack (column names
 * when {@code binlog_row_metadata} is not FULL, MariaDB's JSON columns, the primary key).
 */
record CatalogTable(List<CatalogColumn> columns, List<String> primaryKey, Set<String> jsonColumns) {

    /** The column of this name (MySQL compares column names case-insensitively), or {@code null}. */
    CatalogColumn column(String name) {
        for (CatalogColumn c : columns) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * One column's row of {@code information_schema.COLUMNS}; the sizes are {@code null} where the type has
     * none.
     */
    record CatalogColumn(String name, String dataType, String columnType, String charsetName, Long octetLength,
            Integer numericPrecision, Integer numericScale, Integer datetimePrecision) {

        boolean unsigned() {
            return columnType != null && columnType.toLowerCase().contains("unsigned");
        }

        /** The labels of an ENUM('a','b') or SET('a','b') column type, unquoted. */
        List<String> labels() {
            String t = columnType;
            int open = t.indexOf('(');
            int close = t.lastIndexOf(')');
            if (open < 0 || close < open) {
                return List.of();
            }
            List<String> labels = new java.util.ArrayList<>();
            String body = t.substring(open + 1, close);
            StringBuilder cur = new StringBuilder();
            boolean inQuote = false;
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (inQuote) {
                    if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                        cur.append('\'');
                        i++;
                    } else if (c == '\'') {
                        inQuote = false;
                        labels.add(cur.toString());
                        cur.setLength(0);
                    } else {
                        cur.append(c);
                    }
                } else if (c == '\'') {
                    inQuote = true;
                }
            }
            return labels;
        }
    }
}
