package io.linktally.replay;

import io.linktally.archive.ObjectKeys;
import io.linktally.archive.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The archive objects a replay reads: those of the asked topics whose hour overlaps the time
 * range, per partition in offset order. Listing is paginated by the store and, when a start is
 * given, limited to the days of the range (without an end: to the days from the start on).
 */
public final class ReplayPlan {
    /** Past this many days a range is listed whole rather than day by day. */
    private static final long MAX_DAYS_LISTED_ONE_BY_ONE = 3 * 366;

    private final Map<TopicPartition, List<PlannedObject>> objects;
    private final List<String> foreign;

    private ReplayPlan(Map<TopicPartition, List<PlannedObject>> objects, List<String> foreign) {
        this.objects = objects;
        this.foreign = foreign;
    }

    /** One archive object to read. */
    public record PlannedObject(String key, long size, TopicPartition source, long firstOffset, long hour) {
    }

    public static ReplayPlan of(ObjectStore store, List<String> topics, Optional<Instant> since, Optional<Instant> until) throws IOException {
        return of(store, topics, since, until, LocalDate.now(ZoneOffset.UTC));
    }

    static ReplayPlan of(ObjectStore store, List<String> topics, Optional<Instant> since, Optional<Instant> until, LocalDate today)
            throws IOException {
        Map<TopicPartition, List<PlannedObject>> objects = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        List<String> foreign = new ArrayList<>();
        long firstHour = since.map(t -> ObjectKeys.hourOf(t.toEpochMilli())).orElse(Long.MIN_VALUE);
        long endHour = until.map(t -> Math.floorDiv(t.toEpochMilli() - 1, ObjectKeys.HOUR_MS)).orElse(Long.MAX_VALUE);
        for (String topic : topics) {
            for (Listing listing : listings(topic, since, until, today)) {
                store.list(listing.prefix(), listing.startAfter(), stored -> {
                    Optional<ObjectKeys.Parsed> name = ObjectKeys.parse(stored.key());
                    if (name.isEmpty() || !name.get().topic().equals(topic)) {
                        foreign.add(stored.key());
                        return;
                    }
                    ObjectKeys.Parsed parsed = name.get();
                    if (parsed.hour() < firstHour || parsed.hour() > endHour) {
                        return;
                    }
                    TopicPartition source = new TopicPartition(topic, parsed.partition());
                    objects.computeIfAbsent(source, p -> new ArrayList<>())
                            .add(new PlannedObject(stored.key(), stored.size(), source, parsed.firstOffset(), parsed.hour()));
                });
            }
        }
        objects.values().forEach(list -> list.sort(Comparator.comparingLong(PlannedObject::firstOffset)));
        return new ReplayPlan(objects, foreign);
    }

    /** One listing of the store: the keys under a prefix, after a key if one is given. */
    private record Listing(String prefix, String startAfter) {
    }

    /**
     * The days of the range one by one; without an end, through today and then every later day
     * in one listing, for records stamped ahead of this machine's clock.
     */
    private static List<Listing> listings(String topic, Optional<Instant> since, Optional<Instant> until, LocalDate today) {
        Listing whole = new Listing(topic + "/", "");
        if (since.isEmpty()) {
            return List.of(whole);
        }
        LocalDate first = LocalDate.ofInstant(since.get(), ZoneOffset.UTC);
        LocalDate last = until.map(end -> LocalDate.ofInstant(end, ZoneOffset.UTC)).orElse(today);
        if (last.isBefore(first) || ChronoUnit.DAYS.between(first, last) > MAX_DAYS_LISTED_ONE_BY_ONE) {
            return List.of(whole);
        }
        List<Listing> listings = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            listings.add(new Listing(dayPrefix(topic, day), ""));
        }
        if (until.isEmpty()) {
            // '~' sorts after every key of the day ("hr=..."), and the next day's prefix after '~'.
            listings.add(new Listing(whole.prefix(), dayPrefix(topic, last) + "~"));
        }
        return listings;
    }

    private static String dayPrefix(String topic, LocalDate day) {
        return String.format("%s/dt=%s/", topic, day);
    }

    /** Objects by source partition, each list in offset order. */
    public Map<TopicPartition, List<PlannedObject>> objects() {
        return objects;
    }

    /** Keys under the topics' prefixes that are not archive objects; a replay skips and reports them. */
    public List<String> foreign() {
        return foreign;
    }

    public int objectCount() {
        return objects.values().stream().mapToInt(List::size).sum();
    }

    public long bytes() {
        return objects.values().stream().flatMap(List::stream).mapToLong(PlannedObject::size).sum();
    }

    /** The highest partition number seen per topic, plus one: the source's partition count as far as the archive tells. */
    public Map<String, Integer> partitionsSeen() {
        Map<String, Integer> seen = new TreeMap<>();
        objects.keySet().forEach(p -> seen.merge(p.topic(), p.partition() + 1, Math::max));
        return seen;
    }
}
