package io.cameldblog.mongo;

import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oplog entries as a real MongoDB 6/7 replica set writes them (recorded shapes, in extended JSON), including
 * what the stand-in server never produces: {@code $v:2} diffs, {@code applyOps} transactions, no-ops.
 */
class OplogEntryMapperTest {

    private final OplogEntryMapper mapper = new OplogEntryMapper("catalog");

    private static Document entry(String json) {
        return Document.parse(json);
    }

    private List<ChangeEvent> events(Document entry) {
        List<Document> ops = OplogEntryMapper.operations(entry);
        java.util.ArrayList<ChangeEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            ChangeEvent e = mapper.toEvent(entry, ops.get(i), i);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void aV2DiffBecomesThePatchOfSetAndRemovedFieldsWithNestedPaths() {
        Document update = entry("""
                {"op": "u", "ns": "shop.orders", "ui": {"$binary": {"base64": "AAAAAAAAAAAAAAAAAAAAAA==", "subType": "04"}},
                 "o": {"$v": 2, "diff": {"u": {"qty": 3, "status": "paid"}, "d": {"coupon": false},
                                         "i": {"paidAt": {"$date": "2026-11-24T10:15:30.123Z"}},
                                         "scustomer": {"u": {"city": "Paris"}},
                                         "sitems": {"a": true, "u1": {"sku": "B-2", "qty": 1}}}},
                 "o2": {"_id": {"$oid": "6743a1b2c3d4e5f601234567"}},
                 "ts": {"$timestamp": {"t": 1732440000, "i": 7}}, "t": 1, "v": 2,
                 "wall": {"$date": "2026-11-24T10:15:30.200Z"}}""");
        ChangeEvent e = events(update).get(0);
        assertThat(e.op()).isEqualTo(Operation.UPDATE);
        assertThat(e.key()).isEqualTo(Map.of("_id", Map.of("$oid", "6743a1b2c3d4e5f601234567")));
        assertThat(e.after()).containsEntry("qty", 3).containsEntry("status", "paid")
                .containsEntry("paidAt", Map.of("$date", "2026-11-24T10:15:30.123Z"))
                .containsEntry("customer.city", "Paris")
                .containsEntry("items.1", Map.of("sku", "B-2", "qty", 1));
        assertThat(e.source().extra()).containsEntry("patch", true).containsEntry("removed", List.of("coupon"));
        assertThat(e.source().tsMs()).isEqualTo(java.time.Instant.parse("2026-11-24T10:15:30.200Z").toEpochMilli());
        // derived from the entry's ts: one operation, so the entry is done after it
        assertThat(e.position()).isEqualTo(new OplogPosition(1732440000, 7, 1));
        assertThat(e.source().position()).isEqualTo("1732440000:7");
        assertThat(e.source().extra()).containsEntry("ts", "1732440000:7").containsEntry("op_index", 0);
    }

    @Test
    void anApplyOpsTransactionIsUnpackedInOrderWithOneEventPerOperation() {
        Document transaction = entry("""
                {"op": "c", "ns": "admin.$cmd", "o": {"applyOps": [
                   {"op": "i", "ns": "shop.orders", "o": {"_id": 10, "total": {"$numberDecimal": "12.50"}}},
                   {"op": "u", "ns": "shop.stock", "o": {"$v": 2, "diff": {"u": {"left": 4}}}, "o2": {"_id": "A-1"}},
                   {"op": "d", "ns": "shop.carts", "o": {"_id": 99}}]},
                 "lsid": {"id": {"$binary": {"base64": "AAAAAAAAAAAAAAAAAAAAAA==", "subType": "04"}}},
                 "txnNumber": 3, "ts": {"$timestamp": {"t": 1732440001, "i": 4}}, "t": 1, "v": 2,
                 "wall": {"$date": "2026-11-24T10:15:30.200Z"}, "prevOpTime": {"ts": {"$timestamp": {"t": 0, "i": 0}}, "t": -1}}""");
        List<ChangeEvent> events = events(transaction);
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        assertThat(events).extracting(e -> e.source().table()).containsExactly("orders", "stock", "carts");
        assertThat(events.get(0).after()).isEqualTo(Map.of("_id", 10, "total", Map.of("$numberDecimal", "12.50")));
        assertThat(events.get(1).after()).isEqualTo(Map.of("_id", "A-1", "left", 4));
        assertThat(events.get(2).before()).isEqualTo(Map.of("_id", 99));
        // the transaction's commit timestamp with the operations done so far: a restart after the second
        // continues with the third
        assertThat(events).extracting(ChangeEvent::position).containsExactly(new OplogPosition(1732440001, 4, 1),
                new OplogPosition(1732440001, 4, 2), new OplogPosition(1732440001, 4, 3));
        assertThat(events).extracting(e -> e.source().position()).containsOnly("1732440001:4");
        assertThat(events).extracting(e -> e.source().extra().get("op_index")).containsExactly(0, 1, 2);
    }

    @Test
    void noOpsAndOtherCommandsChangeNoDocument() {
        Document noop = entry("""
                {"op": "n", "ns": "", "o": {"msg": "periodic noop"}, "ts": {"$timestamp": {"t": 1732440000, "i": 1}}}""");
        Document create = entry("""
                {"op": "c", "ns": "shop.$cmd", "o": {"create": "orders", "idIndex": {"v": 2, "key": {"_id": 1}}},
                 "ts": {"$timestamp": {"t": 1732440000, "i": 2}}}""");
        assertThat(events(noop)).isEmpty();
        assertThat(events(create)).isEmpty();
    }

    @Test
    void bsonValuesKeepTheirTypeInRelaxedExtendedJson() {
        Document insert = entry("""
                {"op": "i", "ns": "shop.files", "ts": {"$timestamp": {"t": 1732440000, "i": 3}},
                 "o": {"_id": {"$oid": "6743a1b2c3d4e5f601234567"}, "size": {"$numberLong": "9007199254740993"},
                       "price": {"$numberDecimal": "0.1"}, "ratio": 0.25, "at": {"$date": "2026-11-24T10:15:30Z"},
                       "data": {"$binary": {"base64": "3q2+7w==", "subType": "00"}}, "flag": true, "none": null,
                       "nested": {"list": [1, {"x": "y"}]}}}""");
        ChangeEvent event = events(insert).get(0);
        assertThat(event.position()).isEqualTo(new OplogPosition(1732440000, 3, 1));
        Map<String, Object> after = event.after();
        assertThat(after.get("_id")).isEqualTo(Map.of("$oid", "6743a1b2c3d4e5f601234567"));
        assertThat(after.get("size")).isEqualTo(9007199254740993L);
        assertThat(after.get("price")).isEqualTo(Map.of("$numberDecimal", "0.1"));
        assertThat(after.get("ratio")).isEqualTo(new java.math.BigDecimal("0.25"));
        assertThat(after.get("at")).isEqualTo(Map.of("$date", "2026-11-24T10:15:30Z"));
        assertThat(after.get("data")).isEqualTo(Map.of("$binary", Map.of("base64", "3q2+7w==", "subType", "00")));
        assertThat(after).containsEntry("flag", true).containsEntry("none", null);
        assertThat(after.get("nested")).isEqualTo(Map.of("list", List.of(1, Map.of("x", "y"))));
    }

    @Test
    void timestampsPastTheSignedIntRangeStayUnsignedInPositions() {
        Document insert = entry("""
                {"op": "i", "ns": "shop.orders", "o": {"_id": 1},
                 "ts": {"$timestamp": {"t": 4000000000, "i": 3000000000}}}""");
        ChangeEvent e = events(insert).get(0);
        assertThat(e.source().position()).isEqualTo("4000000000:3000000000");
        assertThat(e.position().toMap()).isEqualTo(Map.of("ts", "4000000000:3000000000", "ops", 1));
        assertThat(OplogPositionCodec.INSTANCE.fromMap(e.position().toMap())).isEqualTo(e.position());
    }
}
