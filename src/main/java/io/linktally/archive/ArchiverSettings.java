package io.linktally.archive;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * How the archiver closes objects and bounds its memory.
 *
 * @param topics           the topics archived
 * @param groupId          the consumer group; archivers sharing it share the partitions
 * @param maxObjectRecords an object closes at this many records
 * @param maxObjectBytes   an object closes at this many line bytes before compression
 * @param maxObjectAge     an object closes this long after its first record arrived, so idle partitions are stored too
 * @param maxBufferBytes   compressed bytes held for all partitions before fetching pauses
 * @param uploadThreads    objects stored in parallel (one at a time per partition)
 * @param compressionLevel gzip level 1 (fastest) to 9 (smallest)
 * @param drainTimeout     on a stop, how long to keep storing what is buffered
 * @param haltAfterUploads fault drills: halt the process right after this many objects are stored, before their commit
 */
public record ArchiverSettings(List<String> topics, String groupId, int maxObjectRecords, long maxObjectBytes, Duration maxObjectAge,
                               long maxBufferBytes, int uploadThreads, int compressionLevel, Duration drainTimeout,
                               OptionalInt haltAfterUploads) {
    public ArchiverSettings {
        topics = List.copyOf(topics);
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to archive");
        }
        if (maxObjectRecords < 1 || maxObjectBytes < 1 || maxObjectAge.isNegative() || maxObjectAge.isZero()) {
            throw new IllegalArgumentException("object bounds must be positive");
        }
        if (maxBufferBytes < maxObjectBytes / 4) {
            throw new IllegalArgumentException("the archive buffer must hold at least a quarter of one object");
        }
        if (uploadThreads < 1 || compressionLevel < 1 || compressionLevel > 9) {
            throw new IllegalArgumentException("upload threads must be at least 1 and the gzip level 1 to 9");
        }
    }
}
