package io.cameldblog.mysql;

import java.util.List;
import java.util.Set;

import io.cameldblog.core.snapshot.SnapshotTable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The chunk query's text: quoting, the spelled-out key condition the range optimizer uses, the where filter. */
class ChunkQueryTest {

    private static CatalogTable.CatalogColumn column(String name, String type) {
        return new CatalogTable.CatalogColumn(name, type, type, type.contains("char") ? "utf8mb4" : null, null, null,
                null, null);
    }

    private static final CatalogTable TABLE = new CatalogTable(List.of(column("a", "int"), column("b`x", "varchar"),
            column("f", "float"), column("ts", "timestamp")), List.of("a", "b`x"), Set.of());

    @Test
    void firstChunkHasNoKeyCondition() {
        ChunkQuery q = ChunkQuery.of("shop", "or`ders", TABLE, new SnapshotTable("shop.or`ders", null,
                List.of("a", "b`x")), false);
        assertThat(q.sql()).isEqualTo("SELECT `a`, `b``x`, (`f` + 0e0), CAST(`ts` AS CHAR) FROM `shop`.`or``ders`"
                                      + " ORDER BY `a`, `b``x` LIMIT ?");
    }

    @Test
    void laterChunksStartAfterTheKeyWithTheRangeTheOptimizerUses() {
        ChunkQuery q = ChunkQuery.of("shop", "t", TABLE, new SnapshotTable("shop.t", "qty > 1", List.of("a", "b`x")),
                true);
        assertThat(q.sql()).isEqualTo("SELECT `a`, `b``x`, (`f` + 0e0), CAST(`ts` AS CHAR) FROM `shop`.`t`"
                                      + " WHERE (`a` > ? OR (`a` = ? AND `b``x` > ?)) AND (qty > 1)"
                                      + " ORDER BY `a`, `b``x` LIMIT ?");
    }

    @Test
    void temporalTextParsesByTheBinlogRules() {
        assertThat(SnapshotColumn.dateTimeMicros("1970-01-01 00:00:01.5")).isEqualTo(1_500_000L);
        assertThat(SnapshotColumn.dateTimeMicros("0000-00-00 00:00:00")).isNull();
        assertThat(SnapshotColumn.dateTimeMicros("2024-02-31")).isNull();
        assertThat(SnapshotColumn.timestampMicros("1970-01-01 00:00:00")).isNull();
        assertThat(SnapshotColumn.timeMicros("-838:59:59")).isEqualTo(-3_020_399_000_000L);
        assertThat(SnapshotColumn.timeMicros("-00:00:01.5")).isEqualTo(-1_500_000L);
    }
}
