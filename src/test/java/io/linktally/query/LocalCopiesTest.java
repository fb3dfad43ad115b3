package io.linktally.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.MutableClock;
import io.linktally.topology.TopologyNames;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StandbyUpdateListener.SuspendReason;
import org.junit.jupiter.api.Test;

class LocalCopiesTest {
    private static final String STORE = TopologyNames.COUNTS_STORE;
    private static final TopicPartition P0 = new TopicPartition("app-link-counts-changelog", 0);
    private static final TopicPartition P1 = new TopicPartition("app-link-counts-changelog", 1);

    private final Map<LocalCopies.Copy, LocalCopies.Lag> measured = new HashMap<>();
    private Runnable duringMeasure = () -> { };
    private int measurements;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final LocalCopies copies = new LocalCopies(() -> {
        measurements++;
        duringMeasure.run();
        return Map.copyOf(measured);
    }, clock, Duration.ofSeconds(1));

    private static LocalCopies.Copy copy(int partition) {
        return new LocalCopies.Copy(STORE, partition);
    }

    private void later() {
        clock.advance(Duration.ofSeconds(2));
    }

    @Test
    void aCopyRestoringFromScratchWithinTheLagBoundDoesNotVouchUntilItReachesTheEndItFirstSaw() {
        copies.onUpdateStart(P0, STORE, 0);
        measured.put(copy(0), new LocalCopies.Lag(40, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);

        later();
        measured.put(copy(0), new LocalCopies.Lag(200, 310));
        assertThat(copies.vouchedLag(STORE, 0)).as("still short of offset 300, the end first seen").isEqualTo(-1);

        later();
        measured.put(copy(0), new LocalCopies.Lag(305, 320));
        assertThat(copies.vouchedLag(STORE, 0)).as("past the first end; lagging is now within the bound's judgement").isEqualTo(15);
    }

    @Test
    void aCopyOneOffsetShortOfTheEndIsCaughtUpSinceTheLastOffsetIsTheCommitMarker() {
        measured.put(copy(0), new LocalCopies.Lag(299, 300));
        measured.put(copy(1), new LocalCopies.Lag(297, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(1);
        assertThat(copies.vouchedLag(STORE, 1)).isEqualTo(-1);
    }

    @Test
    void aCopyHeldNowhereHereCannotVouch() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        assertThat(copies.vouchedLag(STORE, 1)).isEqualTo(-1);
    }

    @Test
    void startingRestoringAndSuspendingMakeACopyColdAtOnceWithoutWaitingForTheNextMeasurement() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        copies.onUpdateStart(P0, STORE, 0);
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);

        later();
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        copies.onRestoreStart(P0, STORE, 0, 300);
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);

        later();
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        copies.onUpdateSuspended(P0, STORE, 300, 300, SuspendReason.MIGRATED);
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);
    }

    @Test
    void aRebalanceMakesEveryCopyColdUntilMeasuredAgain() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        measured.put(copy(1), new LocalCopies.Lag(500, 501));
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        copies.onStateChange(KafkaStreams.State.REBALANCING);
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);
        assertThat(copies.vouchedLag(STORE, 1)).isEqualTo(-1);
        copies.onStateChange(KafkaStreams.State.RUNNING);
        later();
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        assertThat(copies.vouchedLag(STORE, 1)).isEqualTo(1);
    }

    @Test
    void aCopyMadeColdWhileLagsAreMeasuredIsNotWarmedByThatMeasurement() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        duringMeasure = () -> copies.onUpdateStart(P0, STORE, 0);
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);

        duringMeasure = () -> { };
        later();
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
    }

    @Test
    void eachStoresCopyIsJudgedOnItsOwn() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        measured.put(new LocalCopies.Copy(TopologyNames.HOURLY_SERIES_STORE, 0), new LocalCopies.Lag(20, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        assertThat(copies.vouchedLag(TopologyNames.HOURLY_SERIES_STORE, 0)).isEqualTo(-1);
        copies.onUpdateStart(P0, TopologyNames.HOURLY_SERIES_STORE, 0);
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
    }

    @Test
    void otherStoresEventsLeaveTheCountCopiesAlone() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        copies.onUpdateStart(new TopicPartition("app-event-dedup-changelog", 0), TopologyNames.DEDUP_STORE, 0);
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
    }

    @Test
    void lagsAreMeasuredOncePerRefreshPeriodAndSummedOverCopies() {
        measured.put(copy(0), new LocalCopies.Lag(290, 300));
        measured.put(copy(1), new LocalCopies.Lag(10, 30));
        assertThat(copies.totalLag()).isEqualTo(30);
        copies.vouchedLag(STORE, 0);
        copies.vouchedLag(STORE, 1);
        assertThat(measurements).isEqualTo(1);
        later();
        copies.vouchedLag(STORE, 0);
        assertThat(measurements).isEqualTo(2);
    }

    @Test
    void aFailedMeasurementLeavesNoCopyVouching() {
        measured.put(copy(0), new LocalCopies.Lag(300, 300));
        assertThat(copies.vouchedLag(STORE, 0)).isZero();
        later();
        duringMeasure = () -> {
            throw new IllegalStateException("brokers unreachable");
        };
        assertThat(copies.vouchedLag(STORE, 0)).isEqualTo(-1);
    }
}
