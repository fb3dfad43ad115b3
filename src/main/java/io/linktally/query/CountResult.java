package io.linktally.query;

import io.linktally.topology.LinkCounts;

/** Counts of one URL and where they came from: the active owner, or a standby copy and its lag. */
public record CountResult(LinkCounts counts, Source source, long standbyLag) {
    public enum Source { ACTIVE, STANDBY }

    public static CountResult active(LinkCounts counts) {
        return new CountResult(counts, Source.ACTIVE, 0);
    }

    public static CountResult standby(LinkCounts counts, long lag) {
        return new CountResult(counts, Source.STANDBY, lag);
    }

    public boolean fromStandby() {
        return source == Source.STANDBY;
    }
}
