package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
    @Test
    void namesAnObjectByTopicHourPartitionAndFirstOffset() {
        long hour = ObjectKeys.hourOf(Instant.parse("2026-11-23T10:59:59.999Z").toEpochMilli());
        assertThat(ObjectKeys.key("links.created", 3, 42, hour))
                .isEqualTo("links.created/dt=2026-11-23/hr=10/links.created+3+00000000000000000042.ndjson.gz");
        assertThat(ObjectKeys.hourOf(Instant.parse("2026-11-23T11:00:00Z").toEpochMilli())).isEqualTo(hour + 1);
        assertThat(ObjectKeys.dayPrefix("links.created", hour)).isEqualTo("links.created/dt=2026-11-23/");
    }

    @Test
    void putsRecordsWithoutATimestampInTheEpochsFirstHour() {
        assertThat(ObjectKeys.key("t", 0, 0, ObjectKeys.hourOf(-1))).isEqualTo("t/dt=1970-01-01/hr=00/t+0+00000000000000000000.ndjson.gz");
    }

    @Test
    void parsesItsOwnKeysBack() {
        long hour = ObjectKeys.hourOf(Instant.parse("2024-02-29T23:10:00Z").toEpochMilli());
        String key = ObjectKeys.key("links.clicked", 11, 9_223_372_036_854_775_806L, hour);
        assertThat(ObjectKeys.parse(key)).contains(new ObjectKeys.Parsed("links.clicked", 11, 9_223_372_036_854_775_806L, hour));
    }

    @Test
    void refusesKeysThatAreNotArchiveObjects() {
        assertThat(ObjectKeys.parse("links.created/dt=2026-11-23/hr=10/links.clicked+3+00000000000000000042.ndjson.gz")).isEmpty();
        assertThat(ObjectKeys.parse("links.created/dt=2026-11-23/hr=24/links.created+3+00000000000000000042.ndjson.gz")).isEmpty();
        assertThat(ObjectKeys.parse("links.created/dt=2026-02-30/hr=10/links.created+3+00000000000000000042.ndjson.gz")).isEmpty();
        assertThat(ObjectKeys.parse("links.created/dt=2026-11-23/hr=10/links.created+3+42.ndjson.gz")).isEmpty();
        assertThat(ObjectKeys.parse("README.md")).isEqualTo(Optional.empty());
    }
}
