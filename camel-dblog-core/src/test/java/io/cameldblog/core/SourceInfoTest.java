package io.cameldblog.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceInfoTest {

    @Test
    void extraFieldsKeepTheirOrderLeaveOutNullsAndCannotBeChanged() {
        SourceInfo source = SourceInfo.builder().connector("mysql").name("orders").db("shop").table("orders")
                .tsMs(1_000).position("mysql-bin.000003:1993")
                .extra("file", "mysql-bin.000003").extra("pos", 1993L).extra("row", 2).extra("gtid", null)
                .extra("server_id", 1L).extra("pos", 2000L).extra("a", 1).extra("b", 2).extra("c", 3)
                .build();

        assertThat(source.extra()).containsExactly(Map.entry("file", "mysql-bin.000003"), Map.entry("pos", 2000L),
                Map.entry("row", 2), Map.entry("server_id", 1L), Map.entry("a", 1), Map.entry("b", 2),
                Map.entry("c", 3));
        assertThat(source.extra().get("gtid")).isNull();
        assertThat(source.extra().containsKey("gtid")).isFalse();
        assertThatThrownBy(() -> source.extra().put("gtid", "0-1-5")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> source.extra().clear()).isInstanceOf(UnsupportedOperationException.class);

        Map<String, Object> same = new LinkedHashMap<>(source.extra());
        assertThat(source.extra()).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(source.toBuilder().build()).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(source.toMap()).containsEntry("pos", 2000L).containsEntry("position", "mysql-bin.000003:1993");
        assertThat(SourceInfo.builder().connector("postgres").table("t").build().extra()).isEmpty();
    }
}
