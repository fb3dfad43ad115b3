package io.linktally.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

final class ExpectedCounts {
    private ExpectedCounts() {
    }

    /** Fails naming only the URLs whose count is off, with how far off, and the totals. */
    static void assertEqual(Map<String, Long> actual, Map<String, Long> expected) {
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((url, count) -> {
            Long got = actual.get(url);
            if (!count.equals(got)) {
                wrong.put(url, "expected " + count + ", got " + got);
            }
        });
        long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
        long actualTotal = actual.values().stream().mapToLong(Long::longValue).sum();
        assertThat(wrong).as("counts off (total expected %d, counted %d)", expectedTotal, actualTotal).isEmpty();
        assertThat(actual).isEqualTo(expected);
    }
}
