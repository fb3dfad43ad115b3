package io.linktally.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.archive.FileObjectStore;
import io.linktally.archive.ObjectKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayPlanTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-12-05");
    private static final String EARLIER = key("2026-12-03T10:00:00Z", 0);
    private static final String YESTERDAY = key("2026-12-04T23:00:00Z", 10);
    private static final String TODAY_KEY = key("2026-12-05T01:00:00Z", 20);
    /** Records stamped two days ahead of the replaying machine's clock. */
    private static final String AHEAD = key("2026-12-07T05:00:00Z", 30);

    @TempDir
    Path root;
    private FileObjectStore store;

    @BeforeEach
    void archive() throws IOException {
        store = new FileObjectStore(root);
        for (String key : List.of(EARLIER, YESTERDAY, TODAY_KEY, AHEAD, key("2026-12-05T02:00:00Z", 0).replace("links.created", "other"))) {
            store.putIfAbsent(key, new byte[] {1}, Map.of());
        }
    }

    private static String key(String hour, long firstOffset) {
        return ObjectKeys.key("links.created", 0, firstOffset, ObjectKeys.hourOf(Instant.parse(hour).toEpochMilli()));
    }

    private List<String> planned(Optional<Instant> since, Optional<Instant> until) throws IOException {
        ReplayPlan plan = ReplayPlan.of(store, List.of("links.created"), since, until, TODAY);
        return plan.objects().values().stream().flatMap(List::stream).map(ReplayPlan.PlannedObject::key).toList();
    }

    @Test
    void withoutAStartEveryObjectOfTheTopic() throws IOException {
        assertThat(planned(Optional.empty(), Optional.empty())).containsExactly(EARLIER, YESTERDAY, TODAY_KEY, AHEAD);
    }

    @Test
    void withAStartAndNoEndTheDaysAfterTodayToo() throws IOException {
        assertThat(planned(Optional.of(Instant.parse("2026-12-04T00:00:00Z")), Optional.empty()))
                .containsExactly(YESTERDAY, TODAY_KEY, AHEAD);
        assertThat(planned(Optional.of(Instant.parse("2026-12-05T00:00:00Z")), Optional.empty())).containsExactly(TODAY_KEY, AHEAD);
    }

    @Test
    void withBothEndsOnlyTheHoursBetween() throws IOException {
        assertThat(planned(Optional.of(Instant.parse("2026-12-04T00:00:00Z")), Optional.of(Instant.parse("2026-12-06T00:00:00Z"))))
                .containsExactly(YESTERDAY, TODAY_KEY);
        assertThat(planned(Optional.of(Instant.parse("2026-12-04T23:00:00Z")), Optional.of(Instant.parse("2026-12-05T01:00:00Z"))))
                .containsExactly(YESTERDAY);
    }
}
