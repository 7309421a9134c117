package io.cameldblog.core.snapshot;

import java.util.List;
import java.util.Map;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.Operation;
import io.cameldblog.core.SourceInfo;
import io.cameldblog.core.json.ChangeEventJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotSignalTest {

    private static ChangeEvent signalRow(Operation op, Map<String, Object> row) {
        return ChangeEvent.builder().op(op).after(row).key(Map.of("id", "x"))
                .source(SourceInfo.builder().connector("mysql").db("shop").table("dblog_signal").build()).build();
    }

    @Test
    void readsDebeziumsSignalShape() {
        SnapshotSignal s = SnapshotSignal.of(signalRow(Operation.INSERT, Map.of("id", "1", "type", "execute-snapshot",
                "data", "{\"data-collections\": [\"shop.orders\", \"shop.lines\"], \"where\": \"id > 10\"}")));
        assertThat(s.tables()).containsExactly("shop.orders", "shop.lines");
        assertThat(s.where()).isEqualTo("id > 10");
    }

    @Test
    void aDocumentAsDataAndNoTablesMeansEveryCapturedTable() {
        SnapshotSignal s = SnapshotSignal.of(signalRow(Operation.INSERT, Map.of("id", "1", "type", "execute-snapshot",
                "data", Map.of())));
        assertThat(s.tables()).isEmpty();
        assertThat(s.where()).isNull();
    }

    @Test
    void otherOperationsOnTheSignalTableAreNoSignal() {
        assertThat(SnapshotSignal.of(signalRow(Operation.DELETE, null))).isNull();
    }

    @Test
    void anUnknownTypeOrBadDataIsRefusedWithTheAcceptedForm() {
        assertThatThrownBy(() -> SnapshotSignal.of(signalRow(Operation.INSERT, Map.of("id", "1", "type", "pause"))))
                .hasMessageContaining("execute-snapshot");
        assertThatThrownBy(() -> SnapshotSignal.of(signalRow(Operation.INSERT, Map.of("id", "1", "type",
                "execute-snapshot", "data", "not json")))).hasMessageContaining("not a JSON object");
    }

    @Test
    void progressSurvivesTheStoresJsonRoundTrip() {
        SnapshotProgress p = SnapshotProgress.none()
                .with(List.of(new SnapshotProgress.Step("shop.orders", "id > 3", true),
                        new SnapshotProgress.Step("shop.lines", null, false)))
                .after(List.of(42L, "b"));
        Map<String, Object> stored = ChangeEventJson.parseObject(ChangeEventJson.write(
                new SnapshotPosition(new SnapshotterTest.Seq(9), p).toMap()));
        assertThat(SnapshotPosition.progressOf(stored).steps()).isEqualTo(p.steps());
        assertThat(SnapshotPosition.progressOf(stored).afterKey()).containsExactly(42, "b");
        assertThat(SnapshotPosition.withoutProgress(stored)).isEqualTo(Map.of("seq", 9));
    }
}
