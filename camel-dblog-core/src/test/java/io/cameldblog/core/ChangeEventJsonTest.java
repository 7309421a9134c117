package io.cameldblog.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameldblog.core.json.ChangeEventJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventJsonTest {

    private static ChangeEvent orderInsert(Map<String, Object> after) {
        return ChangeEvent.builder()
                .op(Operation.INSERT)
                .after(after)
                .key(Map.of("id", 7))
                .tsMs(1732400000123L)
                .source(SourceInfo.builder().connector("mysql").name("shop").db("shop").table("orders")
                        .tsMs(1732400000000L).position("mysql-bin.000003:1234").extra("row", 0).build())
                .build();
    }

    @Test
    void envelopeHasDebeziumFieldNamesInOrder() {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 7);
        after.put("sku", "A-7");
        after.put("price", new BigDecimal("12.50"));

        String json = ChangeEventJson.toJson(orderInsert(after));

        assertThat(json).isEqualTo("{\"op\":\"c\",\"before\":null,\"after\":{\"id\":7,\"sku\":\"A-7\",\"price\":12.50},"
                                   + "\"source\":{\"connector\":\"mysql\",\"name\":\"shop\",\"db\":\"shop\",\"table\":\"orders\","
                                   + "\"ts_ms\":1732400000000,\"position\":\"mysql-bin.000003:1234\",\"row\":0},"
                                   + "\"ts_ms\":1732400000123}");
    }

    @Test
    void valuesKeepTheirMeaningInJson() {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("big", new BigDecimal("123456789012345678901234567890.000000001"));
        after.put("tiny", new BigDecimal("1E-10"));
        after.put("unsigned", new BigInteger("18446744073709551615"));
        after.put("at", LocalDateTime.of(2026, 11, 24, 10, 15, 30, 123456000));
        after.put("zoned", OffsetDateTime.of(2026, 11, 24, 10, 15, 30, 5000, ZoneOffset.UTC));
        after.put("day", LocalDate.of(2026, 2, 28));
        after.put("bytes", new byte[] { 0, 1, (byte) 0xff });
        after.put("doc", Map.of("a", List.of(1, 2)));

        Map<String, Object> parsed = ChangeEventJson.parseObject(ChangeEventJson.toJson(orderInsert(after)));
        @SuppressWarnings("unchecked")
        Map<String, Object> a = (Map<String, Object>) parsed.get("after");

        assertThat(a.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890.000000001"));
        assertThat(ChangeEventJson.toJson(orderInsert(after))).contains("\"tiny\":0.0000000001,");
        assertThat(a.get("unsigned")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(a.get("at")).isEqualTo("2026-11-24T10:15:30.123456");
        assertThat(a.get("zoned")).isEqualTo("2026-11-24T10:15:30.000005Z");
        assertThat(a.get("day")).isEqualTo("2026-02-28");
        assertThat(a.get("bytes")).isEqualTo("AAH/");
        assertThat(a.get("doc")).isEqualTo(Map.of("a", List.of(1, 2)));
    }

    @Test
    void unchangedColumnsAreNamedNotFilledWithAPlaceholder() {
        ChangeEvent event = orderInsert(Map.of("id", 7)).toBuilder().op(Operation.UPDATE)
                .unchangedColumn("description").build();

        Map<String, Object> parsed = ChangeEventJson.parseObject(ChangeEventJson.toJson(event));

        assertThat(parsed.get("unchanged")).isEqualTo(List.of("description"));
        assertThat(parsed.get("after")).isEqualTo(Map.of("id", 7));
    }

    @Test
    void postgresTablesAreSchemaQualified() {
        SourceInfo pg = SourceInfo.builder().connector("postgres").db("billing").schema("public").table("invoices")
                .build();
        ChangeEvent event = ChangeEvent.builder().op(Operation.DELETE).before(Map.of("id", 1)).source(pg).build();

        assertThat(pg.qualifiedTable()).isEqualTo("public.invoices");
        assertThat(event.qualifiedTable()).isEqualTo("billing.public.invoices");
        assertThat(event.toMap()).containsEntry("op", "d").containsEntry("after", null);
    }
}
