package io.cameldblog.mysql;

import java.nio.charset.Charset;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cameldblog.core.DbLogConfigurationException;

/**
 * Turns a table map event into the {@link TableSchema} its rows are decoded with. What the table map's optional
 * metadata has ({@code binlog_row_metadata=FULL}: names, signedness, charsets, ENUM/SET labels, primary key) is
 * taken from it, because it describes the table as it was when the row was written; the rest comes from the
 * catalogue.
 */
final class TableSchemaResolver {

    private final ServerConnection server;
    private final TableCatalog catalog;

    TableSchemaResolver(ServerConnection server, TableCatalog catalog) {
        this.server = server;
        this.catalog = catalog;
    }

    TableSchema resolve(TableMapEventData map) throws SQLException {
        byte[] types = map.getColumnTypes();
        int[] metas = map.getColumnMetadata();
        int n = types.length;
        TableMapEventMetadata md = map.getEventMetadata();
        CatalogTable cat = catalog.table(map.getDatabase(), map.getTable());

        List<String> names = md != null && md.getColumnNames() != null && md.getColumnNames().size() == n
                ? md.getColumnNames() : null;
        if (names == null) {
            if (cat.columns().size() != n) {
                throw new DbLogConfigurationException(
                        "Table " + map.getDatabase() + "." + map.getTable() + " has " + n + " columns in the binlog but "
                                                      + cat.columns().size()
                                                      + " in information_schema, and the binlog does not name them.",
                        "set binlog_row_metadata=FULL on the server (MySQL 8.0.1+, MariaDB 10.5+) so the binlog"
                                                                                                     + " carries column names, and restart from a position after the change.");
            }
            names = cat.columns().stream().map(CatalogTable.CatalogColumn::name).toList();
        }

        BitSet signedness = md == null ? null : md.getSignedness();
        List<Integer> charsets = md == null ? null : columnCharsets(md.getDefaultCharset(), md.getColumnCharsets());
        List<Integer> enumSetCharsets = md == null ? null
                : columnCharsets(md.getEnumAndSetDefaultCharset(), md.getEnumAndSetColumnCharsets());
        List<String[]> enumLabels = md == null ? null : md.getEnumStrValues();
        List<String[]> setLabels = md == null ? null : md.getSetStrValues();

        List<ColumnSpec> columns = new ArrayList<>(n);
        int character = 0;
        int enums = 0;
        int sets = 0;
        int enumOrSet = 0;
        for (int i = 0; i < n; i++) {
            int meta = metas[i];
            ColumnType type = ColumnSpec.realType(ColumnType.byCode(types[i] & 0xFF), meta);
            String name = names.get(i);
            CatalogTable.CatalogColumn catCol = catalogColumn(cat, name, i, n);

            boolean unsigned = false;
            if (ColumnSpec.isNumeric(type)) {
                // the client library lays the signedness bits out by column index, not by numeric-column index
                unsigned = signedness != null ? signedness.get(i) : catCol != null && catCol.unsigned();
            }
            Charset charset = null;
            if (ColumnSpec.isCharacter(type)) {
                if (charsets != null && character < charsets.size()) {
                    charset = server.charsetOf(charsets.get(character));
                } else if (catCol != null) {
                    charset = ServerConnection.javaCharset(catCol.charsetName());
                }
                character++;
            }
            List<String> labels = List.of();
            if (type == ColumnType.ENUM || type == ColumnType.SET) {
                String[] fromMeta = null;
                if (type == ColumnType.ENUM && enumLabels != null && enums < enumLabels.size()) {
                    fromMeta = enumLabels.get(enums);
                } else if (type == ColumnType.SET && setLabels != null && sets < setLabels.size()) {
                    fromMeta = setLabels.get(sets);
                }
                if (fromMeta != null) {
                    labels = Arrays.asList(fromMeta);
                } else if (catCol != null) {
                    labels = catCol.labels();
                }
                if (enumSetCharsets != null && enumOrSet < enumSetCharsets.size()) {
                    charset = server.charsetOf(enumSetCharsets.get(enumOrSet));
                }
                if (type == ColumnType.ENUM) {
                    enums++;
                } else {
                    sets++;
                }
                enumOrSet++;
            }
            boolean json = type == ColumnType.JSON || cat.jsonColumns().contains(name);
            columns.add(new ColumnSpec(name, type, meta, unsigned, charset, labels, json));
        }

        List<Integer> key = md != null && md.getSimplePrimaryKeys() != null && !md.getSimplePrimaryKeys().isEmpty()
                ? List.copyOf(md.getSimplePrimaryKeys())
                : keyFromPrefixes(md, names, cat);
        return new TableSchema(map.getDatabase(), map.getTable(), List.copyOf(columns), key);
    }

    /** The catalogue's column of this name, or at this index when the name is not (or no longer) known. */
    private static CatalogTable.CatalogColumn catalogColumn(CatalogTable cat, String name, int index, int n) {
        for (CatalogTable.CatalogColumn c : cat.columns()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return cat.columns().size() == n ? cat.columns().get(index) : null;
    }

    private static List<Integer> keyFromPrefixes(TableMapEventMetadata md, List<String> names, CatalogTable cat) {
        if (md != null && md.getPrimaryKeysWithPrefix() != null && !md.getPrimaryKeysWithPrefix().isEmpty()) {
            return List.copyOf(md.getPrimaryKeysWithPrefix().keySet());
        }
        List<Integer> key = new ArrayList<>();
        for (String pk : cat.primaryKey()) {
            int i = names.indexOf(pk);
            if (i >= 0) {
                key.add(i);
            }
        }
        return List.copyOf(key);
    }

    /** Per character column collation ids, from whichever of the two forms the server wrote. */
    private static List<Integer> columnCharsets(TableMapEventMetadata.DefaultCharset defaults, List<Integer> perColumn) {
        if (perColumn != null && !perColumn.isEmpty()) {
            return perColumn;
        }
        if (defaults == null) {
            return null;
        }
        Map<Integer, Integer> exceptions = defaults.getCharsetCollations();
        return new DefaultCharsetList(defaults.getDefaultCharsetCollation(), exceptions == null ? Map.of() : exceptions);
    }

    /** The default collation for every character column except the listed ones: an endless list. */
    private static final class DefaultCharsetList extends java.util.AbstractList<Integer> {
        private final int defaultCollation;
        private final Map<Integer, Integer> exceptions;

        DefaultCharsetList(int defaultCollation, Map<Integer, Integer> exceptions) {
            this.defaultCollation = defaultCollation;
            this.exceptions = exceptions;
        }

        @Override
        public Integer get(int index) {
            return exceptions.getOrDefault(index, defaultCollation);
        }

        @Override
        public int size() {
            return Integer.MAX_VALUE;
        }
    }
}
