package io.linktally.replay;

import io.linktally.archive.ArchiveReader;
import io.linktally.archive.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a replay would publish: objects, records, bytes and the time span, read but not published. */
public record DryRun(int objects, long bytes, long records, long filtered, Optional<Instant> first, Optional<Instant> last,
                     List<String> corrupt) {

    public static DryRun of(ObjectStore store, ReplayPlan plan, ReplaySettings settings, ReplayPosition position) throws IOException {
        long[] counts = new long[2];
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        List<String> corrupt = new ArrayList<>();
        for (List<ReplayPlan.PlannedObject> objects : plan.objects().values()) {
            for (ReplayPlan.PlannedObject object : objects) {
                long done = position.lastOffset(object.source());
                try {
                    ArchiveReader.forEach(store, object.key(), record -> {
                        if (record.offset() <= done) {
                            return;
                        }
                        if (settings.inRange(record.timestamp())) {
                            counts[0]++;
                            span[0] = Math.min(span[0], record.timestamp());
                            span[1] = Math.max(span[1], record.timestamp());
                        } else {
                            counts[1]++;
                        }
                    });
                } catch (ArchiveReader.CorruptObjectException e) {
                    corrupt.add(e.getMessage());
                }
            }
        }
        return new DryRun(plan.objectCount(), plan.bytes(), counts[0], counts[1],
                counts[0] == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(span[0])),
                counts[0] == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(span[1])), List.copyOf(corrupt));
    }
}
