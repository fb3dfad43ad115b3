package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticLinksTest {
    private static final long EPOCH_SECONDS = 1_480_431_305L;
    private static final int EVENTS = 20_000;

    private final LinkCreatedCodec codec = new LinkCreatedCodec();

    private static List<SyntheticLinks.Event> generate(SyntheticLinks links, int n) {
        List<SyntheticLinks.Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(links.next());
        }
        return events;
    }

    private static List<ByteBuffer> values(List<SyntheticLinks.Event> events) {
        return events.stream().map(e -> ByteBuffer.wrap(e.value())).toList();
    }

    private static List<ByteBuffer> keys(List<SyntheticLinks.Event> events) {
        return events.stream().map(e -> ByteBuffer.wrap(e.key())).toList();
    }

    @Test
    void sameSeedGivesTheSameBytes() {
        List<SyntheticLinks.Event> first = generate(new SyntheticLinks(42, 1000, 1.1, 0.1, EPOCH_SECONDS), 2000);
        List<SyntheticLinks.Event> second = generate(new SyntheticLinks(42, 1000, 1.1, 0.1, EPOCH_SECONDS), 2000);

        assertThat(values(second)).isEqualTo(values(first));
        assertThat(keys(second)).isEqualTo(keys(first));
        assertThat(second.stream().map(SyntheticLinks.Event::duplicate).toList())
                .isEqualTo(first.stream().map(SyntheticLinks.Event::duplicate).toList());
    }

    @Test
    void differentSeedsGiveDifferentEvents() {
        List<SyntheticLinks.Event> first = generate(new SyntheticLinks(1, 1000, 1.1, 0.1, EPOCH_SECONDS), 100);
        List<SyntheticLinks.Event> second = generate(new SyntheticLinks(2, 1000, 1.1, 0.1, EPOCH_SECONDS), 100);

        assertThat(values(second)).isNotEqualTo(values(first));
        assertThat(Collections.disjoint(keys(first), keys(second))).isTrue();
    }

    @Test
    void everyEventDecodesToOneOfTheDistinctUrls() {
        int distinctUrls = 200;
        Set<String> canonicalUrls = IntStream.rangeClosed(1, distinctUrls)
                .mapToObj(SyntheticLinks::canonicalUrl)
                .collect(Collectors.toSet());
        assertThat(canonicalUrls).hasSize(distinctUrls);

        for (SyntheticLinks.Event event : generate(new SyntheticLinks(7, distinctUrls, 1.0, 0.1, EPOCH_SECONDS), 5000)) {
            LinkCreated decoded = codec.decode(event.value());

            assertThat(canonicalUrls).contains(decoded.canonicalUrl());
            assertThat(decoded.updateId()).isEqualTo(new String(event.key(), StandardCharsets.UTF_8));
            assertThat(decoded.createdAt()).isEqualTo(Instant.ofEpochSecond(EPOCH_SECONDS));
            assertThat(decoded.profileId()).matches("[1-9][0-9]*");
        }
    }

    @Test
    void urlsComeInTheSpellingsRealPostsUse() {
        List<String> urls = generate(new SyntheticLinks(11, 100, 1.0, 0.0, EPOCH_SECONDS), 5000).stream()
                .map(e -> codec.decode(e.value()).url())
                .toList();

        assertThat(urls).anyMatch(u -> u.startsWith("HTTPS://"));
        assertThat(urls).anyMatch(u -> u.contains("://www."));
        assertThat(urls).anyMatch(u -> u.contains("utm_source="));
        assertThat(urls).anyMatch(u -> u.endsWith("#comments"));
        assertThat(urls).anyMatch(u -> u.startsWith("https://") && !u.contains("www.") && !u.contains("?") && !u.contains("#"));
    }

    @Test
    void aTenthOfEventsRepeatAnEarlierEventsExactBytes() {
        List<SyntheticLinks.Event> events = generate(new SyntheticLinks(3, 1000, 1.1, 0.1, EPOCH_SECONDS), EVENTS);

        Map<ByteBuffer, ByteBuffer> earlier = new HashMap<>();
        int duplicates = 0;
        for (SyntheticLinks.Event event : events) {
            ByteBuffer key = ByteBuffer.wrap(event.key());
            ByteBuffer value = ByteBuffer.wrap(event.value());
            if (event.duplicate()) {
                duplicates++;
                assertThat(earlier).containsEntry(key, value);
            } else {
                assertThat(earlier).doesNotContainKey(key);
                earlier.put(key, value);
            }
        }

        assertThat((double) duplicates / EVENTS).isBetween(0.08, 0.12);
    }

    @Test
    void noDuplicatesWhenTheRatioIsZero() {
        List<SyntheticLinks.Event> events = generate(new SyntheticLinks(5, 1000, 1.1, 0.0, EPOCH_SECONDS), 5000);

        assertThat(events).noneMatch(SyntheticLinks.Event::duplicate);
        assertThat(new HashSet<>(keys(events))).hasSize(5000);
    }

    @Test
    void popularityFollowsZipf() {
        Map<String, Long> counts = generate(new SyntheticLinks(9, 1000, 1.1, 0.0, EPOCH_SECONDS), EVENTS).stream()
                .collect(Collectors.groupingBy(e -> codec.decode(e.value()).canonicalUrl(), Collectors.counting()));

        long mostFrequent = Collections.max(counts.values());
        assertThat(mostFrequent).isGreaterThan(EVENTS / 10);
        assertThat(counts.get(SyntheticLinks.canonicalUrl(1))).isEqualTo(mostFrequent);
    }

    @ParameterizedTest(name = "distinctUrls={0}, duplicateRatio={1}")
    @CsvSource({
        "0, 0.1, distinct URLs must be at least 1",
        "10, -0.1, 'duplicate ratio must be in [0, 1)'",
        "10, 1.0, 'duplicate ratio must be in [0, 1)'",
    })
    void rejectsImpossibleParameters(int distinctUrls, double duplicateRatio, String message) {
        assertThatThrownBy(() -> new SyntheticLinks(1, distinctUrls, 1.1, duplicateRatio, EPOCH_SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
