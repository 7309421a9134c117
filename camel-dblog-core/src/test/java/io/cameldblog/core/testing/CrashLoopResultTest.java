package io.cameldblog.core.testing;

import java.util.ArrayList;
import java.util.List;

import io.cameldblog.core.testing.CrashLoop.Delivery;
import io.cameldblog.core.testing.CrashLoop.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The crash loops' replay rule, checked on made-up runs: what it must accept and what it must catch. */
class CrashLoopResultTest {

    @Test
    void aReplayOfTheRowsAfterTheStoredPositionIsAccepted() {
        assertThat(result(runs(range(1, 10), range(8, 15)), 2).replayViolations(5)).isEmpty();
    }

    @Test
    void aRunKilledWhileReplayingMayBeReplayedFromTheSamePlaceAgain() {
        // run 1 replays 6..7 of 6..10 and is killed; nothing new was stored, so run 2 starts at 6 again
        assertThat(result(runs(range(1, 10), range(6, 7), range(6, 15)), 3).replayViolations(5)).isEmpty();
    }

    @Test
    void aReplayLongerThanTheBoundIsCaught() {
        assertThat(result(runs(range(1, 10), range(2, 15)), 2).replayViolations(5))
                .anyMatch(v -> v.contains("9 rows back, more than 5"));
    }

    @Test
    void aReplayThatLeavesOutProcessedRowsIsCaught() {
        List<Delivery> second = new ArrayList<>(range(8, 8));
        second.addAll(range(11, 15)); // 9 and 10 were processed before the kill and are neither replayed nor stored
        assertThat(result(runs(range(1, 10), second), 2).replayViolations(5)).anyMatch(v -> v.contains("skipped"));
    }

    @Test
    void aRowDeliveredAgainAfterTheReplayIsCaught() {
        List<Delivery> second = new ArrayList<>(range(9, 12));
        second.addAll(range(3, 3));
        assertThat(result(runs(range(1, 10), second), 2).replayViolations(5)).anyMatch(v -> v.contains("again"));
    }

    @Test
    void aReplayWithOtherPayloadsIsCaught() {
        List<Delivery> second = new ArrayList<>(List.of(new Delivery(9, "changed")));
        second.addAll(range(10, 12));
        assertThat(result(runs(range(1, 10), second), 2).replayViolations(5)).anyMatch(v -> v.contains("replayed"));
    }

    private static Result result(List<List<Delivery>> runs, int kills) {
        return new Result(runs, 15, kills - 1);
    }

    @SafeVarargs
    private static List<List<Delivery>> runs(List<Delivery>... runs) {
        return List.of(runs);
    }

    private static List<Delivery> range(int from, int to) {
        List<Delivery> rows = new ArrayList<>();
        for (int k = from; k <= to; k++) {
            rows.add(new Delivery(k, "row " + k));
        }
        return rows;
    }
}
