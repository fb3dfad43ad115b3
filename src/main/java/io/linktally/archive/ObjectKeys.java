package io.linktally.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of archive objects: {@code <topic>/dt=YYYY-MM-DD/hr=HH/<topic>+<partition>+<first offset,
 * 20 digits>.ndjson.gz}, the hour being that of the records' timestamps in UTC. A name depends only
 * on the object's first record, so a writer that lost track of what it stored finds it again.
 */
public final class ObjectKeys {
    public static final long HOUR_MS = 3_600_000L;
    private static final Pattern KEY = Pattern.compile(
            "(?<topic>[A-Za-z0-9._-]+)/dt=(?<date>\\d{4}-\\d{2}-\\d{2})/hr=(?<hour>\\d{2})/\\k<topic>\\+(?<partition>\\d+)\\+(?<offset>\\d{20})\\.ndjson\\.gz");

    private ObjectKeys() {
    }

    /** The hour a record belongs to, as hours since the epoch; a record without a timestamp goes to the epoch's. */
    public static long hourOf(long timestampMs) {
        return Math.floorDiv(Math.max(timestampMs, 0), HOUR_MS);
    }

    public static String key(String topic, int partition, long firstOffset, long hour) {
        return hourPrefix(topic, hour) + topic + "+" + partition + "+" + String.format("%020d", firstOffset) + ".ndjson.gz";
    }

    /** {@code <topic>/dt=YYYY-MM-DD/hr=HH/} of the given hour since the epoch. */
    public static String hourPrefix(String topic, long hour) {
        ZonedDateTime start = Instant.ofEpochMilli(hour * HOUR_MS).atZone(ZoneOffset.UTC);
        return String.format("%s/dt=%04d-%02d-%02d/hr=%02d/", topic, start.getYear(), start.getMonthValue(), start.getDayOfMonth(),
                start.getHour());
    }

    /** {@code <topic>/dt=YYYY-MM-DD/} of the given hour since the epoch. */
    public static String dayPrefix(String topic, long hour) {
        String hourPrefix = hourPrefix(topic, hour);
        return hourPrefix.substring(0, hourPrefix.length() - "hr=HH/".length());
    }

    /** The parts of an archive object's key, or empty if the key is not one. */
    public static Optional<Parsed> parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant dayStart = java.time.LocalDate.parse(m.group("date")).atStartOfDay(ZoneOffset.UTC).toInstant();
            int hourOfDay = Integer.parseInt(m.group("hour"));
            if (hourOfDay > 23) {
                return Optional.empty();
            }
            long hour = dayStart.toEpochMilli() / HOUR_MS + hourOfDay;
            return Optional.of(new Parsed(m.group("topic"), Integer.parseInt(m.group("partition")), Long.parseLong(m.group("offset")), hour));
        } catch (java.time.DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** An archive object's topic, partition, first offset and hour since the epoch. */
    public record Parsed(String topic, int partition, long firstOffset, long hour) {
    }
}
